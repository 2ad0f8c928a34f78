/**
 * Walk-forward optimisation over the trials' out-of-sample returns, with the trials' own walk-forward test
 * folds as the outer folds (issue #14 item 2, ADR-031).
 *
 * Each trial is an ordinary experiment whose returns are walk-forward predictions: test fold j of a trial
 * was predicted by a model trained only on rows before it (less the label horizon / embargo). Outer fold k
 * (the trials' test fold k >= 2; fold 1 only chooses) holds the trial with the best objective on the bars
 * before it, less `gap` bars. Those choice bars are the trials' test folds 1..k-1, each predicted by a model
 * trained on earlier rows only, so they are exactly inner walk-forward folds inside fold k's training
 * period; the bars held on fold k were predicted by the trial's fold-k model, trained on the rows before
 * fold k, i.e. the outer training period. Nested walk-forward with no retraining, as long as the fold
 * boundaries coincide across trials (see {@link outerFoldStarts}) and the gap covers every trial's label
 * horizon plus embargo (checked when the sweep is planned, lib/sweeps/plan.ts).
 *
 * The stitched fold returns are the sweep's honest result: no choice ever saw a bar it is judged on.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/** Objectives the choice can use: functions of the choice bars' returns. */
export type WalkForwardObjective = "sharpe" | "sortino" | "total_return";

/**
 * One outer fold's choice. Bar positions index the common bars of the returns matrix. Fields marked
 * optional are always set by {@link walkForwardOptimise}; they are optional only so that reports built by
 * hand before they existed (tests, notebooks) still type-check.
 */
export interface FoldChoice {
  /** Position among the outer folds (0-based; the index into the report's `choices`). */
  fold: number;
  /** The trials' walk-forward fold this outer fold tests (run.json `metrics.folds[].fold`, 1-based). */
  trialFold?: number;
  /** Bars [chooseStart, chooseEnd) chose the trial; it was held on [testStart, testEnd). */
  chooseStart: number;
  chooseEnd: number;
  testStart: number;
  testEnd: number;
  /** Bar open times (ISO UTC, inclusive) of the last choice bar and the first and last test bars, when known. */
  chooseEndTime?: string | null;
  testStartTime?: string | null;
  testEndTime?: string | null;
  /** Index of the chosen trial (into the returns list). */
  trial: number;
  /** Its objective on the choice bars (what chose it), and its per-bar Sharpe on the choice and test bars. */
  chooseScore: number;
  chooseSharpe: number;
  testSharpe: number;
  /** Its compounded return over the test bars. */
  testReturn?: number;
}

/** Result of {@link walkForwardOptimise}. */
export interface WalkForwardOptimisation {
  folds: FoldChoice[];
  /** The stitched test returns (bars of every outer fold, in order). */
  returns: Float64Array;
  /** Per-bar Sharpe of the stitched returns. */
  sharpe: number;
  /** Compounded return of the stitched returns. */
  totalReturn: number;
  /** Distinct trials chosen across folds (1 = stable). */
  distinctChoices: number;
  /** The objective that chose, and the bars left out between each choice period and its test fold. */
  objective?: WalkForwardObjective;
  gap?: number;
}

/** Options of {@link walkForwardOptimise}. */
export interface WalkForwardOptimiseOptions {
  /**
   * Position (in the common bars) of the first bar of each of the trials' test folds, increasing:
   * `starts[0]` opens the first test fold (a choice period only), `starts[k]` opens outer fold k, which
   * runs to `starts[k + 1]` (the last one to the end of the bars).
   */
  starts: readonly number[];
  /** The trials' fold number at each start (default 1, 2, ...). */
  trialFolds?: readonly number[];
  /** Bars between a choice period and its test fold (at least every trial's label horizon + embargo). */
  gap: number;
  /** @default "sharpe" */
  objective?: WalkForwardObjective;
  /** Bar open times (UTC ms) of the common bars, to name the fold periods by date. */
  times?: ArrayLike<number>;
}

/**
 * Runs the optimisation over `returns` (one row per trial, aligned on the same bars).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkForwardOptimise } from "./walk_forward.ts";
 * const up = Float64Array.from({ length: 100 }, (_, t) => 0.01 + 0.001 * Math.sin(t));
 * const down = Float64Array.from({ length: 100 }, (_, t) => -0.01 + 0.001 * Math.cos(t));
 * // the trials' test folds start at bars 0, 25, 50 and 75: three outer folds, chosen on bars < start - 4
 * const w = walkForwardOptimise([down, up], { starts: [0, 25, 50, 75], gap: 4 });
 * assert.deepEqual(w.folds.map((f) => [f.trialFold, f.trial, f.chooseEnd, f.testStart]), [
 *   [2, 1, 21, 25],
 *   [3, 1, 46, 50],
 *   [4, 1, 71, 75],
 * ]);
 * assert.equal(w.returns.length, 75);
 * assert.throws(() => walkForwardOptimise([down, up], { starts: [0, 3, 50], gap: 4 }), /choice period/);
 * ```
 */
export function walkForwardOptimise(
  returns: readonly Float64Array[],
  options: WalkForwardOptimiseOptions,
): WalkForwardOptimisation {
  const { starts, gap } = options;
  const objective = options.objective ?? "sharpe";
  const score = _SCORES[objective];
  const action = "optimise walk-forward";
  const N = returns.length;
  if (N < 1) throw new CandlelabError(`Cannot ${action}: no trials with returns`);
  const T = returns[0].length;
  if (returns.some((r) => r.length !== T)) {
    throw new CandlelabError(`Cannot ${action}: the trials' returns are not aligned (lengths differ)`);
  }
  if (!Number.isInteger(gap) || gap < 0) {
    throw new CandlelabError(`Cannot ${action}: gap must be a whole number of bars >= 0, got ${gap}`);
  }
  if (starts.length < 2) {
    throw new CandlelabError(
      `Cannot ${action}: the trials have ${starts.length} walk-forward test fold(s); at least 2 are needed ` +
        `(the first only chooses); set validation.folds >= 2 in the base config`,
    );
  }
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    if (!Number.isInteger(s) || s < 0 || s >= T || (k > 0 && s <= starts[k - 1])) {
      throw new CandlelabError(
        `Cannot ${action}: fold starts must be increasing bar positions in [0, ${T}), got ${
          JSON.stringify(starts)
        }`,
      );
    }
  }
  const trialFolds = options.trialFolds ?? starts.map((_, k) => k + 1);
  const iso = (
    i: number,
  ) => (options.times && i >= 0 && i < T ? new Date(options.times[i]).toISOString() : null);
  const out: FoldChoice[] = [];
  const stitched: number[] = [];
  for (let k = 1; k < starts.length; k++) {
    const testStart = starts[k];
    const testEnd = k + 1 < starts.length ? starts[k + 1] : T;
    const chooseEnd = testStart - gap;
    if (chooseEnd < 2) {
      throw new CandlelabError(
        `Cannot ${action}: the choice period of the trials' fold ${trialFolds[k]} has ${
          Math.max(chooseEnd, 0)
        } bar(s) (its test fold starts at common bar ${testStart}, less a gap of ${gap}); ` +
          `use fewer validation folds or more data`,
      );
    }
    let best = 0, bestScore = -Infinity;
    for (let n = 0; n < N; n++) {
      const s = score(returns[n], 0, chooseEnd);
      if (s > bestScore) {
        bestScore = s;
        best = n;
      }
    }
    for (let t = testStart; t < testEnd; t++) stitched.push(returns[best][t]);
    out.push({
      fold: k - 1,
      trialFold: trialFolds[k],
      chooseStart: 0,
      chooseEnd,
      testStart,
      testEnd,
      chooseEndTime: iso(chooseEnd - 1),
      testStartTime: iso(testStart),
      testEndTime: iso(testEnd - 1),
      trial: best,
      chooseScore: bestScore,
      chooseSharpe: _sharpe(returns[best], 0, chooseEnd),
      testSharpe: _sharpe(returns[best], testStart, testEnd),
      testReturn: _SCORES.total_return(returns[best], testStart, testEnd),
    });
  }
  const r = Float64Array.from(stitched);
  return {
    folds: out,
    returns: r,
    sharpe: _sharpe(r, 0, r.length),
    totalReturn: _SCORES.total_return(r, 0, r.length),
    distinctChoices: new Set(out.map((f) => f.trial)).size,
    objective,
    gap,
  };
}

/** One trial's recorded walk-forward test folds (run.json `metrics.folds`), named for error messages. */
export interface TrialFolds {
  /** e.g. "trial 3 (run 20261207T...)". */
  name: string;
  folds: readonly { fold: number; test_start?: unknown }[];
}

/** Result of {@link outerFoldStarts}. */
export interface OuterFolds {
  /** Position in the common bars of each test fold's first bar (the latest start over the trials). */
  starts: number[];
  /** The trials' fold numbers, in order. */
  trialFolds: number[];
  /** The start (UTC ms) each fold was given: the latest of the trials' recorded starts. */
  startTimes: number[];
  /**
   * Largest number of common bars between the earliest and the latest trial's start of one fold (0 when
   * every trial's folds start on the same bar).
   */
  shiftBars: number;
}

/**
 * The outer folds from the trials' recorded walk-forward test folds: fold j starts, by timestamp, at the
 * latest of the trials' fold-j starts. The trials' fold boundaries are counted in valid rows, so a swept
 * label horizon (rows at the end without a label) or feature warm-up shifts them by a few bars; taking the
 * latest start keeps every choice bar before every trial's fold-j start (less the gap), and `shiftBars` says
 * how far they were apart. Trials with different fold counts, or runs without fold periods, are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outerFoldStarts } from "./walk_forward.ts";
 * const h = 3_600_000, times = Array.from({ length: 40 }, (_, i) => i * h);
 * const at = (i: number) => new Date(i * h).toISOString();
 * const o = outerFoldStarts([
 *   { name: "trial 0", folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(20) }] },
 *   { name: "trial 1", folds: [{ fold: 1, test_start: at(0) }, { fold: 2, test_start: at(22) }] },
 * ], times);
 * assert.deepEqual([o.starts, o.trialFolds, o.shiftBars], [[0, 22], [1, 2], 2]);
 * ```
 */
export function outerFoldStarts(trials: readonly TrialFolds[], times: ArrayLike<number>): OuterFolds {
  const action = "optimise walk-forward over the trials' own test folds";
  if (trials.length === 0) throw new CandlelabError(`Cannot ${action}: no trials`);
  const parsed = trials.map((t) => {
    const folds = [...t.folds].sort((a, b) => a.fold - b.fold);
    return folds.map((f) => {
      const ms = typeof f.test_start === "string" ? Date.parse(f.test_start) : NaN;
      if (!Number.isFinite(ms)) {
        throw new CandlelabError(
          `Cannot ${action}: ${t.name} records no start for its test fold ${f.fold} (run.json ` +
            `metrics.folds[].test_start, written since issue #13); rerun that trial (delete its run folder)`,
        );
      }
      return { fold: f.fold, ms };
    });
  });
  const n0 = parsed[0].length;
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].length !== n0 || parsed[i].some((f, j) => f.fold !== parsed[0][j].fold)) {
      throw new CandlelabError(
        `Cannot ${action}: ${trials[0].name} has test folds ${parsed[0].map((f) => f.fold).join(",")} but ${
          trials[i].name
        } has ${
          parsed[i].map((f) => f.fold).join(",")
        }; the outer folds must be the same for every trial (time-based folds can lose a window when a ` +
          `swept setting changes the warm-up; use count-based validation.folds or keep the warm-up fixed)`,
      );
    }
  }
  const T = times.length;
  const lowerBound = (ms: number) => {
    let lo = 0, hi = T;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const starts: number[] = [], startTimes: number[] = [], trialFolds: number[] = [];
  let shiftBars = 0;
  for (let j = 0; j < n0; j++) {
    let lo = Infinity, hi = -Infinity;
    for (const p of parsed) (lo = Math.min(lo, p[j].ms)), (hi = Math.max(hi, p[j].ms));
    const s = lowerBound(hi);
    if (s >= T) {
      throw new CandlelabError(
        `Cannot ${action}: test fold ${parsed[0][j].fold} starts at ${
          new Date(hi).toISOString()
        }, after the trials' last common bar; the trials' returns do not cover their own folds — rerun them`,
      );
    }
    shiftBars = Math.max(shiftBars, s - lowerBound(lo));
    starts.push(s);
    startTimes.push(hi);
    trialFolds.push(parsed[0][j].fold);
  }
  return { starts, trialFolds, startTimes, shiftBars };
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
