import assert from "node:assert/strict";
import { checkSplits } from "./splits.ts";
import { foldPeriods, timeWalkForwardSplits } from "./time_folds.ts";
import { splitsFromConfig, ValidationConfigSchema } from "./config.ts";

const H = 3_600_000, D = 24 * H;
/** Hourly rows over `days` days with a hole (rows dropped as invalid) on day 40. */
function hourly(days: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < days * 24; i++) if (Math.floor(i / 24) !== 40) out.push(Date.UTC(2022, 0, 1) + i * H);
  return Float64Array.from(out);
}

Deno.test("timeWalkForwardSplits() tests calendar windows and trains only on rows before the gap", () => {
  const times = hourly(120);
  const gap = { before: 4, after: 10 };
  const s = timeWalkForwardSplits({ times, trainMs: 60 * D, testMs: 20 * D, stepMs: 20 * D, gap });
  assert.equal(s.length, 3);
  checkSplits(s, times.length);
  for (const [k, f] of s.entries()) {
    assert.equal(times[f.test.start], Date.UTC(2022, 0, 1) + (60 + 20 * k) * D);
    assert.equal(times[f.test.end - 1], Date.UTC(2022, 0, 1) + (80 + 20 * k) * D - H);
    assert.equal(f.train[0].start, 0);
    assert.equal(f.train[0].end, f.test.start - gap.before);
  }
});

Deno.test("timeWalkForwardSplits() rolling keeps only the last `train` of time, step > test leaves gaps", () => {
  const times = hourly(120);
  const s = timeWalkForwardSplits({
    times,
    trainMs: 30 * D,
    testMs: 10 * D,
    stepMs: 25 * D,
    gap: { before: 4, after: 4 },
    window: "rolling",
  });
  assert.deepEqual(s.map((f) => (times[f.test.start] - times[0]) / D), [30, 55, 80, 105]);
  for (const f of s) assert.equal(times[f.train[0].start], times[f.test.start] - 30 * D);
  assert.throws(
    () =>
      timeWalkForwardSplits({
        times,
        trainMs: 30 * D,
        testMs: 10 * D,
        stepMs: 5 * D,
        gap: { before: 1, after: 1 },
      }),
    /step .* shorter than test/,
  );
  assert.throws(
    () =>
      timeWalkForwardSplits({
        times,
        trainMs: 200 * D,
        testMs: 10 * D,
        stepMs: 10 * D,
        gap: { before: 1, after: 1 },
      }),
    /no test window/,
  );
});

Deno.test("splitsFromConfig() builds time folds from durations and needs the rows' times", () => {
  const times = hourly(120);
  const cfg = ValidationConfigSchema.parse({ scheme: "walk_forward", train: "60d", test: "30d" });
  const s = splitsFromConfig(cfg, times.length, { horizon: 4, lookback: 24 }, times);
  assert.equal(s.length, 2);
  assert.equal(s[0].gap.before, 4);
  assert.throws(() => splitsFromConfig(cfg, times.length, { horizon: 4 }), /time of each/);
  const p = foldPeriods(s, times);
  assert.equal(p[0].test_start, "2022-03-02T00:00:00.000Z");
  assert.equal(p[1].test_end, "2022-04-30T23:00:00.000Z");
  assert.equal(p[0].train_start, "2022-01-01T00:00:00.000Z");
  assert.equal(Date.parse(p[0].train_end), times[s[0].train[0].end - 1]);
});

Deno.test("ValidationConfigSchema refuses half a time-based form", () => {
  assert.throws(() => ValidationConfigSchema.parse({ train: "365d" }), /needs both train and test/);
  assert.throws(() => ValidationConfigSchema.parse({ test: "30d", train: "1y" }), /duration/);
  assert.throws(
    () => ValidationConfigSchema.parse({ scheme: "purged_kfold", folds: 3, train: "30d", test: "5d" }),
    /walk_forward only/,
  );
});
