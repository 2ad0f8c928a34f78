import assert from "node:assert/strict";
import { compactUtc, makeRunId } from "./run_id.ts";

Deno.test("makeRunId() is compact UTC start, 8 hex of the config hash and a suffix", () => {
  const id = makeRunId(Date.UTC(2026, 10, 24, 10, 15, 7, 999), "0123456789abcdef", "zz9");
  assert.equal(id, "20261124T101507Z-01234567-zz9");
});

Deno.test("makeRunId() draws a different random suffix each call", () => {
  const ids = new Set(Array.from({ length: 200 }, () => makeRunId(0, "deadbeefdeadbeef")));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^19700101T000000Z-deadbeef-[0-9a-z]{6}$/);
});

Deno.test("makeRunId() refuses a config hash that is not hex and compactUtc() a non-finite time", () => {
  assert.throws(() => makeRunId(0, "not-a-hash"), {
    name: "CandlelabError",
    message: /current value is "not-a-hash"; use hashId\(config\)/,
  });
  assert.throws(() => compactUtc(NaN), /current value is NaN/);
});
