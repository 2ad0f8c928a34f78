import assert from "node:assert/strict";
import { isSecretKey, SCRUBBED, scrubSecrets } from "./scrub.ts";

Deno.test("isSecretKey() flags token/password/secret/key names in any case and style", () => {
  for (
    const k of [
      "token",
      "apiToken",
      "ACCESS_TOKEN",
      "password",
      "db_password",
      "secret",
      "clientSecret",
      "key",
      "api_key",
      "apiKey",
      "API-KEY",
      "privateKey",
      "credentials",
      "auth",
      "passphrase",
    ]
  ) {
    assert.ok(isSecretKey(k), k);
  }
  for (const k of ["horizon", "keyboard", "lookback", "monkeybars", "sort_order", "tokenizer_free"]) {
    if (k === "tokenizer_free") assert.ok(isSecretKey(k), "substring 'token' errs on the safe side");
    else assert.ok(!isSecretKey(k), k);
  }
});

Deno.test("scrubSecrets() replaces secrets at any depth, inside lists too, and leaves the input alone", () => {
  const input = {
    exchange: { name: "binance", apiKey: "AK", secret: "S", nested: [{ password: "p", ok: 1 }] },
    model: { depth: 6, keyboard: "qwerty" },
    token: { whole: "object" },
  };
  const out = scrubSecrets(input) as typeof input;
  assert.deepEqual(out, {
    exchange: {
      name: "binance",
      apiKey: SCRUBBED,
      secret: SCRUBBED,
      nested: [{ password: SCRUBBED, ok: 1 }],
    },
    model: { depth: 6, keyboard: "qwerty" },
    token: SCRUBBED,
  });
  assert.equal(input.exchange.apiKey, "AK");
  assert.ok(!JSON.stringify(out).includes("AK"));
});
