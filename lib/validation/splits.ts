/**
 * Time-series splits over the time-ordered valid rows (row 0 = oldest). Never random.
 *
 * A split is a test block `[start, end)` plus the training ranges around it. Between them sits a gap
 * derived from what the rows look at (see {@link deriveGap}):
 * - `before`: a training row `s` before the test block is kept only if `s < test.start - before`;
 * - `after`: a training row `s` after the test block is kept only if `s >= test.end + after`.
 *
 * Row distance is a lower bound of bar distance (rows dropped as invalid only widen the real gap), so a
 * gap in rows is always at least as safe as the same gap in bars.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { RowRange } from "../labels/balance.ts";

/** Half-open row range `[start, end)` (the one lib/labels' class balance counts over). */
export type { RowRange };

/** Rows excluded around a test block. */
export interface Gap {
  /** Training rows in `[test.start - before, test.start)` are dropped (purge). */
  before: number;
  /** Training rows in `[test.end, test.end + after)` are dropped (purge + embargo). */
  after: number;
}

/** One fold: where to train and where to test. */
export interface Split {
  /** 1-based fold number. */
  fold: number;
  /** Disjoint, sorted training ranges. */
  train: RowRange[];
  test: RowRange;
  /** Take every `stride`-th training row (1 = all), counted over the concatenated training ranges. */
  stride: number;
  /** The gap this split was built with (what {@link checkSplits} enforces). */
  gap: Gap;
}

/** What the label and features look at, in bars. */
export interface Lookaround {
  /** Bars after row t that decide the label of t (the label spec's `horizon`). */
  horizon: number;
  /**
   * Bars before row t that row t reads: the feature set's max `lookback`, or the label's own backward
   * window (e.g. the volatility window of a vol-scaled band) if larger. Default 0.
   */
  lookback?: number;
}

function _checkInt(name: string, value: number, min: number, action: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new CandlelabError(
      `Cannot ${action}: ${name} must be an integer >= ${min}, current value is ${value}; pass a whole number`,
    );
  }
}

/**
 * Derives the gap from the label horizon and the feature lookback. Row s reads bars
 * `[s - lookback, s + horizon]`; the test labels are decided by bars `[start, end - 1 + horizon]`.
 * A training row is kept only if the bars it reads never touch those: `before = horizon`,
 * `after = horizon + lookback`. An explicit `embargo` overrides both sides when larger.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deriveGap } from "./splits.ts";
 * const g = deriveGap({ horizon: 15, lookback: 240 });
 * assert(g.before === 15 && g.after === 255);
 * ```
 */
export function deriveGap(look: Lookaround, embargo?: number): Gap {
  const lookback = look.lookback ?? 0;
  _checkInt("horizon", look.horizon, 0, "derive the split gap");
  _checkInt("lookback", lookback, 0, "derive the split gap");
  if (embargo !== undefined) _checkInt("embargo", embargo, 0, "derive the split gap");
  const e = embargo ?? 0;
  return { before: Math.max(look.horizon, e), after: Math.max(look.horizon + lookback, e) };
}

/** Options of {@link walkForwardSplits}. */
export interface WalkForwardSplitOptions {
  /** Number of valid rows. */
  n: number;
  /** Number of folds; rows are cut into `folds + 1` blocks of `floor(n / (folds + 1))`. */
  folds: number;
  /** Gap from {@link deriveGap} (only `before` matters: training is always before the test block). */
  gap: Gap;
  /** "expanding" (default) trains from row 0; "rolling" keeps the last `trainRows` rows before the gap. */
  window?: "expanding" | "rolling";
  /** Training rows of a rolling window; default one block. */
  trainRows?: number;
  /** Cap on training rows: stride = ceil(nTrain / maxTrainRows). Default: no cap. */
  maxTrainRows?: number;
}

/**
 * Walk-forward splits. Block `B = floor(n / (folds + 1))`; fold i = 1..folds tests on
 * `[i*B, (i+1)*B)` (the last fold runs to `n`) and trains on `[0, i*B - gap.before)` (expanding)
 * or its last `trainRows` rows (rolling).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { walkForwardSplits } from "./splits.ts";
 * const s = walkForwardSplits({ n: 1000, folds: 4, gap: { before: 15, after: 15 } });
 * assert(s[0].train[0].end === 185 && s[0].test.start === 200 && s[3].test.end === 1000);
 * ```
 */
export function walkForwardSplits(opts: WalkForwardSplitOptions): Split[] {
  const { n, folds, gap, window = "expanding", maxTrainRows } = opts;
  const action = "build walk-forward splits";
  _checkInt("folds", folds, 1, action);
  _checkInt("n", n, 0, action);
  const B = Math.floor(n / (folds + 1));
  if (B - gap.before < 1) {
    throw new CandlelabError(
      `Cannot ${action}: block size floor(${n} / ${
        folds + 1
      }) = ${B} leaves no training rows after a gap of ` +
        `${gap.before}; use fewer folds or more rows`,
    );
  }
  const trainRows = opts.trainRows ?? B;
  _checkInt("trainRows", trainRows, 1, action);
  const out: Split[] = [];
  for (let i = 1; i <= folds; i++) {
    const end = i * B - gap.before;
    const start = window === "rolling" ? Math.max(0, end - trainRows) : 0;
    const train = [{ start, end }];
    out.push({
      fold: i,
      train,
      test: { start: i * B, end: i < folds ? (i + 1) * B : n },
      stride: _stride(end - start, maxTrainRows),
      gap,
    });
  }
  return out;
}

/** Options of {@link purgedKFoldSplits}. */
export interface PurgedKFoldOptions {
  n: number;
  /** Number of contiguous test blocks (each `floor(n / folds)` rows, the last runs to `n`). */
  folds: number;
  gap: Gap;
  maxTrainRows?: number;
}

/**
 * Purged k-fold: each contiguous block is tested once; training uses the rows before it (purged by
 * `gap.before`) and after it (purged and embargoed by `gap.after`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { purgedKFoldSplits } from "./splits.ts";
 * const s = purgedKFoldSplits({ n: 300, folds: 3, gap: { before: 5, after: 10 } });
 * assert(s[1].train[0].end === 95 && s[1].train[1].start === 210);
 * ```
 */
export function purgedKFoldSplits(opts: PurgedKFoldOptions): Split[] {
  const { n, folds, gap, maxTrainRows } = opts;
  const action = "build purged k-fold splits";
  _checkInt("folds", folds, 2, action);
  const B = Math.floor(n / folds);
  if (B < 1) {
    throw new CandlelabError(`Cannot ${action}: ${n} rows cannot fill ${folds} folds; use fewer folds`);
  }
  const out: Split[] = [];
  for (let i = 0; i < folds; i++) {
    const test = { start: i * B, end: i < folds - 1 ? (i + 1) * B : n };
    const train: RowRange[] = [];
    if (test.start - gap.before > 0) train.push({ start: 0, end: test.start - gap.before });
    if (test.end + gap.after < n) train.push({ start: test.end + gap.after, end: n });
    const nTrain = train.reduce((s, r) => s + r.end - r.start, 0);
    if (nTrain === 0) {
      throw new CandlelabError(
        `Cannot ${action}: fold ${i + 1} has no training rows left after the gap ` +
          `(before ${gap.before}, after ${gap.after}) around test rows [${test.start}, ${test.end}); use more rows`,
      );
    }
    out.push({ fold: i + 1, train, test, stride: _stride(nTrain, maxTrainRows), gap });
  }
  return out;
}

function _stride(nTrain: number, max?: number): number {
  if (max === undefined) return 1;
  _checkInt("maxTrainRows", max, 1, "cap training rows");
  return Math.max(1, Math.ceil(nTrain / max));
}

/**
 * The training row indices of a split: every `stride`-th row of the concatenated training ranges.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { trainIndices } from "./splits.ts";
 * const idx = trainIndices({ fold: 1, train: [{ start: 0, end: 5 }], test: { start: 6, end: 8 }, stride: 2, gap: { before: 1, after: 1 } });
 * assert(idx.join() === "0,2,4");
 * ```
 */
export function trainIndices(split: Split): Int32Array {
  const total = split.train.reduce((s, r) => s + r.end - r.start, 0);
  const out = new Int32Array(Math.ceil(total / split.stride));
  let k = 0, pos = 0;
  for (const r of split.train) {
    for (let s = r.start; s < r.end; s++, pos++) if (pos % split.stride === 0) out[k++] = s;
  }
  return out.subarray(0, k);
}

/**
 * Asserts that splits are honest: ranges inside `[0, n)`, sorted and disjoint, test blocks of
 * different folds disjoint, and no training row within the gap of its test block. Throws a
 * CandlelabError naming the fold and the offending row.
 *
 * @example
 * ```ts
 * import { checkSplits, walkForwardSplits } from "./splits.ts";
 * checkSplits(walkForwardSplits({ n: 100, folds: 3, gap: { before: 2, after: 2 } }), 100);
 * ```
 */
export function checkSplits(splits: Split[], n: number, gap?: Gap): void {
  const tested = new Uint8Array(n);
  for (const s of splits) {
    const g = gap ?? s.gap;
    const where = `fold ${s.fold}`;
    if (!(s.test.start >= 0 && s.test.end <= n && s.test.start < s.test.end)) {
      throw new CandlelabError(
        `Split check failed: ${where} test range [${s.test.start}, ${s.test.end}) is empty or outside [0, ${n})`,
      );
    }
    for (let t = s.test.start; t < s.test.end; t++) {
      if (tested[t]) {
        throw new CandlelabError(
          `Split check failed: row ${t} is tested by more than one fold (again in ${where})`,
        );
      }
      tested[t] = 1;
    }
    let prevEnd = -1;
    for (const r of s.train) {
      if (r.start < 0 || r.end > n || r.start >= r.end || r.start < prevEnd) {
        throw new CandlelabError(
          `Split check failed: ${where} training range [${r.start}, ${r.end}) is empty, outside [0, ${n}) ` +
            `or overlaps the previous one`,
        );
      }
      prevEnd = r.end;
      // The forbidden zone is [test.start - before, test.end + after); any overlap is a leak.
      const lo = s.test.start - g.before, hi = s.test.end + g.after;
      if (r.start < hi && r.end > lo) {
        const row = Math.max(r.start, lo);
        throw new CandlelabError(
          `Split check failed: ${where} trains on row ${row}, within the gap of test rows ` +
            `[${s.test.start}, ${s.test.end}) (before ${g.before}, after ${g.after}); ` +
            `the model would see the test labels; widen the gap or rebuild the splits`,
        );
      }
    }
    if (!Number.isInteger(s.stride) || s.stride < 1) {
      throw new CandlelabError(
        `Split check failed: ${where} stride must be an integer >= 1, current value is ${s.stride}`,
      );
    }
  }
}
