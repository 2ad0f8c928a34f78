/**
 * Walk-forward optimisation over the trials' out-of-sample returns: the common bars are cut into
 * `folds + 1` equal parts; for outer fold k the setting is chosen on every bar before the fold (less `gap`
 * bars) by the objective (Sharpe, Sortino or compounded return of those bars) and then held for the fold.
 * The stitched fold returns are the sweep's honest result: no choice ever saw the bars it is judged on.
 * (Each trial's returns are themselves walk-forward out-of-sample predictions, so the choice period holds
 * no bar its models trained on after the fact.)
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/** One outer fold's choice. */
export interface FoldChoice {
  fold: number;
  /** Bars [chooseStart, chooseEnd) chose the trial; it was held on [testStart, testEnd). */
  chooseStart: number;
  chooseEnd: number;
  testStart: number;
  testEnd: number;
  /** Index of the chosen trial (into the returns list). */
  trial: number;
  /** Its objective on the choice bars (what chose it), and its per-bar Sharpe on the choice and test bars. */
  chooseScore: number;
  chooseSharpe: number;
  testSharpe: number;
}

/** Result of {@link walkForwardOptimise}. */
export interface WalkForwardOptimisation {
  folds: FoldChoice[];
  /** The stitched test returns (bars of fold 1..folds in order). */
  returns: Float64Array;
  /** Per-bar Sharpe of the stitched returns. */
  sharpe: number;
  /** Compounded return of the stitched returns. */
  totalReturn: number;
  /** Distinct trials chosen across folds (1 = stable). */
  distinctChoices: number;
}

/**
 * Runs the optimisation; `folds` outer folds, `gap` bars between choice and test (at least the label
 * horizon, so a label that looks into the test fold cannot have shaped the choice).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkForwardOptimise } from "./walk_forward.ts";
 * const up = Float64Array.from({ length: 100 }, (_, t) => 0.01 + 0.001 * Math.sin(t));
 * const down = Float64Array.from({ length: 100 }, (_, t) => -0.01 + 0.001 * Math.cos(t));
 * const w = walkForwardOptimise([down, up], { folds: 4, gap: 2 });
 * assert.deepEqual(w.folds.map((f) => f.trial), [1, 1, 1, 1]);
 * assert.equal(w.returns.length, 80);
 * ```
 */
export function walkForwardOptimise(
  returns: readonly Float64Array[],
  options: { folds: number; gap: number; objective?: "sharpe" | "sortino" | "total_return" },
): WalkForwardOptimisation {
  const { folds, gap } = options;
  const score = _SCORES[options.objective ?? "sharpe"];
  const N = returns.length;
  if (N < 1) throw new CandlelabError("Cannot optimise walk-forward: no trials with returns");
  const T = returns[0].length;
  const part = Math.floor(T / (folds + 1));
  if (part - gap < 2) {
    throw new CandlelabError(
      `Cannot optimise walk-forward: ${T} bars in ${
        folds + 1
      } parts leave ${part} bars a part, too few for a gap of ${gap}; use fewer folds`,
    );
  }
  const out: FoldChoice[] = [];
  const stitched: number[] = [];
  for (let k = 1; k <= folds; k++) {
    const testStart = k * part;
    const testEnd = k === folds ? T : (k + 1) * part;
    const chooseEnd = testStart - gap;
    let best = 0, bestSr = -Infinity;
    for (let n = 0; n < N; n++) {
      const sr = score(returns[n], 0, chooseEnd);
      if (sr > bestSr) {
        bestSr = sr;
        best = n;
      }
    }
    for (let t = testStart; t < testEnd; t++) stitched.push(returns[best][t]);
    out.push({
      fold: k - 1,
      chooseStart: 0,
      chooseEnd,
      testStart,
      testEnd,
      trial: best,
      chooseScore: bestSr,
      chooseSharpe: _sharpe(returns[best], 0, chooseEnd),
      testSharpe: _sharpe(returns[best], testStart, testEnd),
    });
  }
  const r = Float64Array.from(stitched);
  let total = 1;
  for (const v of r) total *= 1 + v;
  return {
    folds: out,
    returns: r,
    sharpe: _sharpe(r, 0, r.length),
    totalReturn: total - 1,
    distinctChoices: new Set(out.map((f) => f.trial)).size,
  };
}

const _SCORES = {
  sharpe: _sharpe,
  sortino: _sortino,
  total_return: (r: Float64Array, lo: number, hi: number) => {
    let g = 1;
    for (let t = lo; t < hi; t++) g *= 1 + r[t];
    return g - 1;
  },
};

function _sortino(r: Float64Array, lo: number, hi: number): number {
  const k = hi - lo;
  if (k < 2) return 0;
  let s = 0, d = 0;
  for (let t = lo; t < hi; t++) {
    s += r[t];
    if (r[t] < 0) d += r[t] * r[t];
  }
  const down = Math.sqrt(d / k);
  return down > 0 ? s / k / down : 0;
}

function _sharpe(r: Float64Array, lo: number, hi: number): number {
  const k = hi - lo;
  if (k < 2) return 0;
  let s = 0;
  for (let t = lo; t < hi; t++) s += r[t];
  const mean = s / k;
  let v = 0;
  for (let t = lo; t < hi; t++) v += (r[t] - mean) ** 2;
  v /= k - 1;
  return v > 0 ? mean / Math.sqrt(v) : 0;
}
