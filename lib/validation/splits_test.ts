import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkSplits,
  deriveGap,
  purgedKFoldSplits,
  type Split,
  trainIndices,
  walkForwardSplits,
} from "./splits.ts";
import { CandlelabError } from "../util/errors.ts";

Deno.test("walkForwardSplits() reproduces the peer's scheme exactly (blocks n // 5, embargo 15, stride cap)", () => {
  const n = 1003, gap = deriveGap({ horizon: 15 });
  const s = walkForwardSplits({ n, folds: 4, gap, maxTrainRows: 200 });
  // peer: B = n // 5; train [0, i*B - 15); test [i*B, (i+1)*B), last to n; stride = ceil(tr_end / max)
  assert.deepEqual(s.map((f) => [f.train[0].start, f.train[0].end, f.test.start, f.test.end, f.stride]), [
    [0, 185, 200, 400, 1],
    [0, 385, 400, 600, 2],
    [0, 585, 600, 800, 3],
    [0, 785, 800, 1003, 4],
  ]);
  const idx = trainIndices(s[3]);
  assert.deepEqual(idx.length, Math.ceil(785 / 4)); // np.arange(0, 785, 4)
  assert.deepEqual([idx[0], idx[1], idx[idx.length - 1]], [0, 4, 784]);
});

Deno.test("walkForwardSplits() rolling window keeps only the last trainRows before the gap", () => {
  const s = walkForwardSplits({
    n: 500,
    folds: 4,
    gap: { before: 5, after: 5 },
    window: "rolling",
    trainRows: 50,
  });
  assert.deepEqual(s.map((f) => [f.train[0].start, f.train[0].end]), [[45, 95], [145, 195], [245, 295], [
    345,
    395,
  ]]);
});

Deno.test("deriveGap() purges by horizon before and horizon + lookback after; embargo only widens", () => {
  assert.deepEqual(deriveGap({ horizon: 15, lookback: 240 }), { before: 15, after: 255 });
  assert.deepEqual(deriveGap({ horizon: 15 }, 30), { before: 30, after: 30 });
  assert.deepEqual(deriveGap({ horizon: 15, lookback: 240 }, 3), { before: 15, after: 255 });
  assert.throws(
    () => deriveGap({ horizon: -1 }),
    (e) =>
      e instanceof CandlelabError &&
      e.message.includes("horizon must be an integer >= 0, current value is -1"),
  );
});

Deno.test("purgedKFoldSplits() trains on both sides of the test block, purged and embargoed", () => {
  const s = purgedKFoldSplits({ n: 300, folds: 3, gap: { before: 5, after: 12 } });
  assert.deepEqual(s.map((f) => f.train), [
    [{ start: 112, end: 300 }],
    [{ start: 0, end: 95 }, { start: 212, end: 300 }],
    [{ start: 0, end: 195 }],
  ]);
  assert.deepEqual(s.map((f) => f.test), [{ start: 0, end: 100 }, { start: 100, end: 200 }, {
    start: 200,
    end: 300,
  }]);
});

Deno.test("every split keeps the bars a training row reads away from the bars deciding any test label", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 60, max: 400 }),
      fc.integer({ min: 2, max: 5 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.boolean(),
      (n, folds, horizon, lookback, kfold) => {
        const gap = deriveGap({ horizon, lookback });
        let splits: Split[];
        try {
          splits = kfold ? purgedKFoldSplits({ n, folds, gap }) : walkForwardSplits({ n, folds, gap });
        } catch (e) {
          if (e instanceof CandlelabError) return; // too few rows for this gap: refused, fine
          throw e;
        }
        checkSplits(splits, n);
        for (const sp of splits) {
          const testLo = sp.test.start, testHi = sp.test.end - 1 + horizon; // bars deciding test labels
          for (const s of trainIndices(sp)) {
            const readLo = s - lookback, readHi = s + horizon; // bars row s reads (features + label)
            if (readHi >= testLo && readLo <= testHi) throw new Error(`row ${s} leaks into fold ${sp.fold}`);
          }
        }
      },
    ),
    { numRuns: 200, seed: 42 },
  );
});

Deno.test("checkSplits() catches a training row inside the gap", () => {
  const bad: Split = {
    fold: 2,
    train: [{ start: 0, end: 190 }],
    test: { start: 200, end: 300 },
    stride: 1,
    gap: { before: 15, after: 15 },
  };
  assert.throws(
    () => checkSplits([bad], 300),
    (e) => e instanceof CandlelabError && e.message.includes("fold 2 trains on row 185, within the gap"),
  );
  const after: Split = { ...bad, train: [{ start: 305, end: 400 }], test: { start: 200, end: 300 } };
  assert.throws(
    () => checkSplits([after], 400),
    (e) => e instanceof CandlelabError && e.message.includes("trains on row 305"),
  );
});

Deno.test("checkSplits() refuses overlapping test blocks and ranges outside the rows", () => {
  const a: Split = {
    fold: 1,
    train: [{ start: 0, end: 10 }],
    test: { start: 20, end: 40 },
    stride: 1,
    gap: { before: 1, after: 1 },
  };
  const b: Split = { ...a, fold: 2, train: [{ start: 0, end: 30 }], test: { start: 35, end: 50 } };
  assert.throws(
    () => checkSplits([a, b], 50),
    (e) => e instanceof CandlelabError && e.message.includes("row 35 is tested by more than one fold"),
  );
  assert.throws(
    () => checkSplits([a], 30),
    (e) => e instanceof CandlelabError && e.message.includes("outside [0, 30)"),
  );
});

Deno.test("walkForwardSplits() refuses a gap that leaves no training rows", () => {
  assert.throws(
    () => walkForwardSplits({ n: 50, folds: 4, gap: { before: 10, after: 10 } }),
    (e) =>
      e instanceof CandlelabError &&
      e.message.includes("block size floor(50 / 5) = 10 leaves no training rows"),
  );
});
