import assert from "node:assert/strict";
import { libraryVersions, recordedEnv } from "./provenance.ts";

Deno.test("libraryVersions() reads node_modules/<pkg>/package.json and skips missing packages", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/node_modules/@scope/lib`, { recursive: true });
  await Deno.writeTextFile(`${dir}/node_modules/@scope/lib/package.json`, '{"version":"1.2.3"}');
  assert.deepEqual(await libraryVersions(dir, ["@scope/lib", "absent"]), { "@scope/lib": "1.2.3" });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("recordedEnv() keeps CANDLELAB_/DENO_/TZ variables and scrubs secret-looking ones", () => {
  const env = recordedEnv({
    CANDLELAB_DATA: "/d",
    CANDLELAB_API_KEY: "AK",
    CANDLELAB_BINANCE_SECRET: "S",
    DENO_AUTH_TOKENS: "tok@host",
    TZ: "UTC",
    HOME: "/root",
    AWS_SECRET_ACCESS_KEY: "nope",
  });
  assert.deepEqual(env, {
    CANDLELAB_DATA: "/d",
    CANDLELAB_API_KEY: "[scrubbed]",
    CANDLELAB_BINANCE_SECRET: "[scrubbed]",
    DENO_AUTH_TOKENS: "[scrubbed]",
    TZ: "UTC",
  });
});
