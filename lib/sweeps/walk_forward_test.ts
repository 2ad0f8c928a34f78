import assert from "node:assert/strict";
import { mulberry32 } from "../util/random.ts";
import { outerFoldStarts, walkForwardOptimise } from "./walk_forward.ts";

/** `n` trials of `T` bars of seeded noise around a small drift per trial. */
function planted(n: number, T: number, seed: number): Float64Array[] {
  const rand = mulberry32(seed);
  return Array.from(
    { length: n },
    (_, i) => Float64Array.from({ length: T }, () => 0.0002 * i + 0.01 * (rand() - 0.5)),
  );
}

const STARTS = [0, 100, 200, 300, 400]; // the trials' test folds 1..5 start at these common bars
const GAP = 12;

Deno.test("walkForwardOptimise(): the choice for fold k never depends on bars of fold k or later, nor on the gap before it", () => {
  const base = planted(6, 500, 1);
  const w = walkForwardOptimise(base, { starts: STARTS, gap: GAP });
  assert.deepEqual(w.folds.map((f) => [f.trialFold, f.chooseStart, f.chooseEnd, f.testStart, f.testEnd]), [
    [2, 0, 88, 100, 200],
    [3, 0, 188, 200, 300],
    [4, 0, 288, 300, 400],
    [5, 0, 388, 400, 500],
  ]);
  for (let k = 1; k < STARTS.length; k++) {
    // a trial not chosen for the fold starting at STARTS[k] turns hugely profitable from that fold's gap on
    const worst = w.folds[k - 1].trial === 0 ? 1 : 0;
    const cut = STARTS[k] - GAP;
    const future = base.map((r, i) => r.map((v, t) => (t >= cut ? (i === worst ? 0.05 : -0.05) + v : v)));
    const v = walkForwardOptimise(future, { starts: STARTS, gap: GAP });
    // folds up to k (outer fold k-1, 0-based) choose as before
    assert.deepEqual(
      v.folds.slice(0, k).map((f) => f.trial),
      w.folds.slice(0, k).map((f) => f.trial),
      `k=${k}`,
    );
    assert.deepEqual(
      v.folds.slice(0, k).map((f) => f.chooseScore),
      w.folds.slice(0, k).map((f) => f.chooseScore),
    );
    // the perturbation is not invisible: every later fold's choice period sees it and picks that trial
    for (const f of v.folds.slice(k)) assert.equal(f.trial, worst, `k=${k}, fold ${f.trialFold}`);
  }
});

Deno.test("walkForwardOptimise(): the last bar before the gap does count, and the stitched returns are the chosen trials' test bars", () => {
  const base = planted(3, 500, 2);
  const w = walkForwardOptimise(base, {
    starts: STARTS,
    gap: GAP,
    times: base[0].map((_, t) => t * 3_600_000),
  });
  const f = w.folds[1]; // tests the trials' fold 3 on bars [200, 300), chosen on [0, 188)
  const other = f.trial === 0 ? 1 : 0;
  const spike = base.map((r, i) => r.map((v, t) => (i === other && t === f.chooseEnd - 1 ? 5 : v)));
  const v = walkForwardOptimise(spike, { starts: STARTS, gap: GAP, objective: "total_return" });
  assert.equal(v.folds[1].trial, other, "a bar just before the gap is part of the choice period");
  assert.equal(
    v.folds[0].trial,
    walkForwardOptimise(base, { starts: STARTS, gap: GAP, objective: "total_return" }).folds[0].trial,
  );
  let off = 0;
  for (const g of w.folds) {
    for (let t = g.testStart; t < g.testEnd; t++, off++) assert.equal(w.returns[off], base[g.trial][t]);
  }
  assert.equal(off, 400);
  assert.equal(w.gap, GAP);
  assert.equal(w.objective, "sharpe");
  assert.equal(w.folds[0].testStartTime, new Date(100 * 3_600_000).toISOString());
  assert.equal(w.folds[0].chooseEndTime, new Date(87 * 3_600_000).toISOString());
  assert.equal(w.folds[3].testEndTime, new Date(499 * 3_600_000).toISOString());
});

Deno.test("walkForwardOptimise() follows a change of regime one fold late and reports each fold's choice", () => {
  const T = 600;
  const a = Float64Array.from({ length: T }, (_, t) => (t < 250 ? 0.004 : -0.004) + 0.001 * Math.sin(t));
  const b = Float64Array.from({ length: T }, (_, t) => (t < 250 ? -0.001 : 0.006) + 0.001 * Math.cos(t));
  const w = walkForwardOptimise([a, b], {
    starts: [0, 100, 200, 300, 400, 500],
    gap: 0,
    objective: "total_return",
  });
  assert.deepEqual(w.folds.map((f) => f.trial), [0, 0, 0, 1, 1]);
  assert.equal(w.distinctChoices, 2);
  assert(w.folds[3].testReturn! > 0 && w.folds[2].testReturn! < 0);
});

Deno.test("walkForwardOptimise() refuses too short a choice period, unordered starts and fewer than 2 folds", () => {
  const r = planted(2, 100, 3);
  assert.throws(
    () => walkForwardOptimise(r, { starts: [0, 10, 50], gap: 9 }),
    /choice period of the trials' fold 2 has 1 bar/,
  );
  assert.throws(() => walkForwardOptimise(r, { starts: [0, 50, 40], gap: 0 }), /increasing/);
  assert.throws(() => walkForwardOptimise(r, { starts: [0, 50, 100], gap: 0 }), /increasing/);
  assert.throws(() => walkForwardOptimise(r, { starts: [0], gap: 0 }), /at least 2/);
});

const H = 3_600_000;
const at = (i: number) => new Date(i * H).toISOString();
const TIMES = Array.from({ length: 300 }, (_, i) => (i < 150 ? i : i + 5) * H); // 5 bars missing after bar 149

Deno.test("outerFoldStarts(): fold boundaries by timestamp, the latest start when trials differ, with the shift in bars", () => {
  const same = outerFoldStarts([
    { name: "trial 0", folds: [{ fold: 2, test_start: at(100) }, { fold: 1, test_start: at(0) }] },
    { name: "trial 1", folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(100) }] },
  ], TIMES);
  assert.deepEqual([same.starts, same.trialFolds, same.shiftBars], [[0, 100], [1, 2], 0]);
  // a longer label horizon leaves fewer rows, so its folds start a few bars earlier
  const shifted = outerFoldStarts([
    {
      name: "trial 0",
      folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(100) }, {
        fold: 3,
        test_start: at(200),
      }],
    },
    {
      name: "trial 1",
      folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(99) }, {
        fold: 3,
        test_start: at(197),
      }],
    },
  ], TIMES);
  // bar 200 (time) is common bar 195: five bars are missing after 149
  assert.deepEqual([shifted.starts, shifted.shiftBars], [[0, 100, 195], 3]);
  assert.equal(shifted.startTimes[2], 200 * H);
});

Deno.test("outerFoldStarts() refuses runs without fold periods, different fold counts and folds past the common bars", () => {
  assert.throws(
    () => outerFoldStarts([{ name: "trial 4 (run r1)", folds: [{ fold: 1 }, { fold: 2 }] }], TIMES),
    /trial 4 \(run r1\) records no start for its test fold 1 .*rerun that trial/,
  );
  assert.throws(
    () =>
      outerFoldStarts([
        { name: "trial 0", folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(100) }] },
        { name: "trial 1", folds: [{ fold: 1, test_start: at(0) }] },
      ], TIMES),
    /trial 0 has test folds 1,2 but trial 1 has 1/,
  );
  assert.throws(
    () =>
      outerFoldStarts([{
        name: "t",
        folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(900) }],
      }], TIMES),
    /after the trials' last common bar/,
  );
});
