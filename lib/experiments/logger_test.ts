import assert from "node:assert/strict";
import { createLogger, openFileLogger, parseLogLines } from "./logger.ts";

Deno.test("createLogger() writes one JSON object per line with ts, level, stage, msg, fields", () => {
  const lines: string[] = [];
  let t = Date.UTC(2026, 10, 24, 10, 0, 0);
  const log = createLogger((l) => lines.push(l), { now: () => t++ });
  log.info("run started", { seed: 7 });
  log.child("features").warn("slow", { seconds: 3.5 });
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n")));
  assert.deepEqual(JSON.parse(lines[0]), {
    ts: "2026-11-24T10:00:00.000Z",
    level: "info",
    stage: null,
    msg: "run started",
    fields: { seed: 7 },
  });
  assert.deepEqual(JSON.parse(lines[1]), {
    ts: "2026-11-24T10:00:00.001Z",
    level: "warn",
    stage: "features",
    msg: "slow",
    fields: { seconds: 3.5 },
  });
});

Deno.test("createLogger() scrubs secret fields and keeps odd values JSON-safe", () => {
  const lines: string[] = [];
  const log = createLogger((l) => lines.push(l));
  log.error("x", {
    api_key: "AK123",
    n: NaN,
    big: 10n,
    arr: new Float64Array(3),
    err: new RangeError("bad"),
  });
  const e = JSON.parse(lines[0]);
  assert.equal(e.fields.api_key, "[scrubbed]");
  assert.equal(e.fields.n, "NaN");
  assert.equal(e.fields.big, "10");
  assert.equal(e.fields.arr, "<Float64Array length 3>");
  assert.deepEqual(e.fields.err, { name: "RangeError", message: "bad" });
  assert.ok(!lines[0].includes("AK123"));
});

Deno.test("createLogger() drops entries below minLevel", () => {
  const lines: string[] = [];
  const log = createLogger((l) => lines.push(l), { minLevel: "warn" });
  log.debug("a");
  log.info("b");
  log.child("s").warn("c");
  assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ["c"]);
});

Deno.test("openFileLogger() appends to an existing log instead of truncating it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/log.jsonl`;
  const a = await openFileLogger(path);
  a.logger.info("first");
  a.close();
  const b = await openFileLogger(path);
  b.logger.info("second");
  b.close();
  b.logger.info("after close is dropped");
  assert.deepEqual(parseLogLines(await Deno.readTextFile(path)).map((e) => e.msg), ["first", "second"]);
  await Deno.remove(dir, { recursive: true });
});
