import assert from "node:assert/strict";
import { mulberry32 } from "../util/random.ts";
import { accuracy, macroF1 } from "./metrics.ts";
import { labelShiftTest, nullScores } from "./null_models.ts";

function _labels(n: number, p: number[], seed: number): Int32Array {
  const rand = mulberry32(seed);
  return Int32Array.from({ length: n }, () => {
    const u = rand();
    return u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
  });
}

Deno.test("nullScores(): majority macro-F1 is exact and differs from the majority accuracy", () => {
  const y = _labels(5000, [0.2, 0.6, 0.2], 1);
  const s = nullScores(y);
  const always = new Int32Array(y.length).fill(1);
  assert.ok(Math.abs(s.macroF1Majority - macroF1(y, always)) < 1e-12);
  assert.ok(Math.abs(s.accuracyMajority - accuracy(y, always)) < 1e-12);
  // the bug of issue #11: the accuracy of the majority printed next to a macro-F1
  assert.ok(s.accuracyMajority - s.macroF1Majority > 0.3);
});

Deno.test("nullScores(): prior-random values match the mean of simulated random predictors", () => {
  const p = [0.3, 0.45, 0.25];
  const y = _labels(4000, p, 2);
  const s = nullScores(y);
  const rand = mulberry32(9);
  let f = 0, a = 0;
  const draws = 200;
  // draw from the empirical prior of y
  const counts = [0, 0, 0];
  for (const c of y) counts[c]++;
  const q = counts.map((c) => c / y.length);
  for (let d = 0; d < draws; d++) {
    const pred = Int32Array.from(y, () => {
      const u = rand();
      return u < q[0] ? 0 : u < q[0] + q[1] ? 1 : 2;
    });
    f += macroF1(y, pred) / draws;
    a += accuracy(y, pred) / draws;
  }
  assert.ok(Math.abs(f - s.macroF1PriorRandom) < 0.005, `${f} vs ${s.macroF1PriorRandom}`);
  assert.ok(Math.abs(a - s.accuracyPriorRandom) < 0.005, `${a} vs ${s.accuracyPriorRandom}`);
});

Deno.test("labelShiftTest(): predictions unrelated to the labels are not significant, copies are", () => {
  const y = _labels(3000, [0.3, 0.4, 0.3], 3);
  const unrelated = _labels(3000, [0.3, 0.4, 0.3], 4);
  const r = labelShiftTest(y, unrelated, { minShift: 4, draws: 300, seed: 1 });
  assert.ok(r.pValue > 0.05, `p ${r.pValue}`);
  assert.ok(Math.abs(r.nullMean - 1 / 3) < 0.02);
  const noisyCopy = Int32Array.from(y, (v, i) => (i % 3 === 0 ? (v + 1) % 3 : v));
  assert.ok(labelShiftTest(y, noisyCopy, { minShift: 4, draws: 300, seed: 1 }).pValue < 0.01);
});

Deno.test("labelShiftTest(): too few rows for the shift is an error naming the counts", () => {
  assert.throws(
    () => labelShiftTest(Int32Array.of(0, 1, 2), Int32Array.of(0, 1, 2), { minShift: 4 }),
    /3 rows leave no circular shift of at least 4 rows/,
  );
});
