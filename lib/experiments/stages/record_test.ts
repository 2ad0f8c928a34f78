import assert from "node:assert/strict";
import { join } from "node:path";
import { CandlelabError } from "../../util/errors.ts";
import { parseLogLines } from "../logger.ts";
import { silentProgress } from "../progress.ts";
import { type Run, withRun } from "../recorder.ts";
import type { RunRecord } from "../run_record.ts";
import { recordStages } from "./record.ts";
import type { LabelledRows } from "./rows.ts";

const ROWS = {
  total: 100,
  kept: 40,
  eligible: 90,
  kept_share: 40 / 90,
  min_kept_share: 0.9,
  dropped: { warmup: 10, missing_aux: 50 },
};

/** Runs `fn` in a fresh run; returns what it returned or threw, run.json and the log's events. */
async function inRun(fn: (run: Run) => Promise<unknown>) {
  const root = await Deno.makeTempDir();
  let dir = "";
  let outcome: unknown;
  try {
    outcome = await withRun(
      { root, strategy: "s", config: {}, env: {}, progress: silentProgress, projectRoot: root },
      (run) => {
        dir = run.dir;
        return fn(run);
      },
    );
  } catch (err) {
    outcome = err;
  }
  const record: RunRecord = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
  const events = parseLogLines(await Deno.readTextFile(join(dir, "log.jsonl")));
  return { outcome, record, events };
}

Deno.test("a refused stage is recorded first, then its refusal fails the run", async () => {
  const refusal = new CandlelabError("only 44.4 % of the eligible rows were kept");
  const { outcome, record, events } = await inRun(async (run) => {
    const { stage } = recordStages(run);
    await stage("labels", () => ({ rows: ROWS, refusal }) as unknown as LabelledRows);
    await stage("walkforward", () => assert.fail("a stage after a refusal ran"));
  });
  assert.equal(outcome, refusal);
  assert.equal(record.status, "failed");
  assert.equal(record.error?.message, refusal.message);
  assert.deepEqual(record.rows, ROWS); // what the stage found is in the failed run
  assert.deepEqual(record.stages.map((s) => [s.name, s.status]), [["labels", "failed"]]);
  const msgs = events.filter((e) => e.stage === "labels").map((e) => e.msg);
  assert.deepEqual(msgs, ["stage started", "rows", "stage failed"]); // no "labels" summary after a refusal
});

Deno.test("stage results reach run.json through their recorders; warnings in order, logged at run level", async () => {
  const { outcome, record, events } = await inRun(async (run) => {
    const { stage, note } = recordStages(run);
    note("guard", {
      guard: { causality: true, warmup: false, reason: "bisecting a slow feature" },
      warnings: ["w1"],
    });
    const r = await stage("warmup", () => ({ warnings: ["w2", "w3"] }));
    await stage("artifacts", () => {}); // a stage without a recorder
    return r;
  });
  assert.deepEqual(outcome, { warnings: ["w2", "w3"] });
  assert.equal(record.status, "ok");
  assert.deepEqual(record.guard, { causality: true, warmup: false, reason: "bisecting a slow feature" });
  assert.deepEqual(record.warnings, ["w1", "w2", "w3"]);
  assert.deepEqual(record.stages.map((s) => s.name), ["warmup", "artifacts"]);
  const warned = events.filter((e) => e.msg === "warning");
  assert.deepEqual(warned.map((e) => [e.stage, e.fields.text]), [[null, "w1"], [null, "w2"], [null, "w3"]]);
  assert.equal(events.some((e) => e.msg === "warmup"), false); // no report (check off): no summary line
});

Deno.test("a lockbox step that fails after warning keeps the warning and records no lockbox", async () => {
  const { outcome, record } = await inRun(async (run) => {
    const { stage } = recordStages(run);
    await stage("holdout", () => ({ warnings: ["moved lockbox"], refusal: new Error("no rows to score") }));
  });
  assert.equal((outcome as Error).message, "no rows to score");
  assert.deepEqual(record.warnings, ["moved lockbox"]);
  assert.equal(record.holdout, undefined);
});

Deno.test("a result the run.json schema refuses fails its stage with the recorder's error", async () => {
  const { outcome, record } = await inRun(async (run) => {
    const { stage } = recordStages(run);
    await stage("labels", () => ({ rows: { ...ROWS, kept: -1 } }) as unknown as LabelledRows);
  });
  assert.match((outcome as Error).message, /Cannot record row counts/);
  assert.deepEqual(record.stages.map((s) => [s.name, s.status]), [["labels", "failed"]]);
});
