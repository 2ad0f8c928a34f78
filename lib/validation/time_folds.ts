/**
 * Walk-forward folds by time: a first training period (`train`), then test windows of `test` every
 * `step`, over the time-ordered valid rows. The rows are still addressed by index (a {@link Split}), so
 * the gap and the checks of `splits.ts` apply unchanged; only the block edges come from timestamps.
 *
 * Fold k (1-based) tests rows whose time is in `[t0 + train + (k-1)*step, ... + test)`, `t0` = first row's
 * time; a window with no rows is skipped; the last window may be cut short by the end of the data.
 * Training is every row before the test block minus `gap.before` (expanding), or only rows whose time is
 * at least `test start - train` (rolling).
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { isoTime } from "../data/interval.ts";
import type { Gap, Split } from "./splits.ts";

/** Options of {@link timeWalkForwardSplits}. */
export interface TimeWalkForwardOptions {
  /** Time (UTC ms, bar open) of each valid row, increasing. */
  times: Float64Array;
  /** First training period and, for `rolling`, the window length (ms). */
  trainMs: number;
  /** Length of each test window (ms). */
  testMs: number;
  /** Distance between test window starts (ms); at least `testMs` so test blocks never overlap. */
  stepMs: number;
  gap: Gap;
  window?: "expanding" | "rolling";
  /** Cap on training rows: stride = ceil(nTrain / maxTrainRows). */
  maxTrainRows?: number;
}

/** First index `i` with `times[i] >= t` (times.length when none). */
function _lowerBound(times: Float64Array, t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Walk-forward splits whose test windows are periods of time (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeWalkForwardSplits } from "./time_folds.ts";
 * const day = 86_400_000;
 * const times = Float64Array.from({ length: 100 }, (_, i) => i * day); // one row a day
 * const s = timeWalkForwardSplits({ times, trainMs: 50 * day, testMs: 10 * day, stepMs: 10 * day,
 *   gap: { before: 2, after: 2 } });
 * assert.equal(s.length, 5);
 * assert.deepEqual([s[0].train[0], s[0].test], [{ start: 0, end: 48 }, { start: 50, end: 60 }]);
 * assert.deepEqual(s[4].test, { start: 90, end: 100 });
 * ```
 */
export function timeWalkForwardSplits(opts: TimeWalkForwardOptions): Split[] {
  const { times, trainMs, testMs, stepMs, gap, window = "expanding", maxTrainRows } = opts;
  const action = "build time-based walk-forward splits";
  for (const [name, v] of [["train", trainMs], ["test", testMs], ["step", stepMs]] as const) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new CandlelabError(
        `Cannot ${action}: ${name} must be a positive duration, current value is ${v} ms`,
      );
    }
  }
  if (stepMs < testMs) {
    throw new CandlelabError(
      `Cannot ${action}: step (${stepMs / 3_600_000} h) is shorter than test (${testMs / 3_600_000} h), ` +
        `so test windows would overlap; set step >= test`,
    );
  }
  const n = times.length;
  if (n === 0) throw new CandlelabError(`Cannot ${action}: there are no rows`);
  const t0 = times[0], tLast = times[n - 1];
  const out: Split[] = [];
  for (let s = t0 + trainMs; s <= tLast; s += stepMs) {
    const start = _lowerBound(times, s);
    const end = _lowerBound(times, s + testMs);
    if (end <= start) continue;
    const trainEnd = start - gap.before;
    const trainStart = window === "rolling" ? _lowerBound(times, s - trainMs) : 0;
    if (trainEnd - trainStart < 1) continue;
    const nTrain = trainEnd - trainStart;
    const stride = maxTrainRows === undefined ? 1 : Math.max(1, Math.ceil(nTrain / maxTrainRows));
    out.push({
      fold: out.length + 1,
      train: [{ start: trainStart, end: trainEnd }],
      test: { start, end },
      stride,
      gap,
    });
  }
  if (out.length === 0) {
    throw new CandlelabError(
      `Cannot ${action}: the rows span ${isoTime(t0)} .. ${
        isoTime(tLast)
      }, which leaves no test window after ` +
        `a first training period of ${trainMs / 86_400_000} days; shorten train or load more data`,
    );
  }
  return out;
}

/** Dates of one fold: first and last bar (open time, inclusive) of its training rows and test rows. */
export interface FoldPeriod {
  fold: number;
  train_start: string;
  train_end: string;
  test_start: string;
  test_end: string;
}

/**
 * The dates of each split's training and test rows (ISO UTC, bar open times, both ends inclusive), for
 * run.json and the terminal. `times[i]` is the time of valid row i.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldPeriods } from "./time_folds.ts";
 * const times = Float64Array.from({ length: 10 }, (_, i) => Date.UTC(2024, 0, 1 + i));
 * const p = foldPeriods([{ fold: 1, train: [{ start: 0, end: 4 }], test: { start: 5, end: 10 }, stride: 1,
 *   gap: { before: 1, after: 1 } }], times);
 * assert.equal(p[0].train_end, "2024-01-04T00:00:00.000Z");
 * assert.equal(p[0].test_start, "2024-01-06T00:00:00.000Z");
 * ```
 */
export function foldPeriods(splits: readonly Split[], times: Float64Array): FoldPeriod[] {
  const iso = (i: number) => new Date(times[i]).toISOString();
  return splits.map((s) => {
    const firstTrain = s.train[0]?.start ?? s.test.start;
    const lastTrain = s.train.length > 0 ? s.train[s.train.length - 1].end - 1 : s.test.start;
    return {
      fold: s.fold,
      train_start: iso(firstTrain),
      train_end: iso(lastTrain),
      test_start: iso(s.test.start),
      test_end: iso(s.test.end - 1),
    };
  });
}

/**
 * One line per fold for the terminal: `fold 1  train 2022-01-01 .. 2022-12-30  test 2023-01-01 .. 2023-01-30`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFoldPeriod } from "./time_folds.ts";
 * const line = formatFoldPeriod({ fold: 2, train_start: "2022-01-01T00:00:00.000Z",
 *   train_end: "2022-12-30T23:00:00.000Z", test_start: "2023-01-01T00:00:00.000Z", test_end: "2023-01-30T23:00:00.000Z" });
 * assert.equal(line, "fold 2  train 2022-01-01 00:00 .. 2022-12-30 23:00  test 2023-01-01 00:00 .. 2023-01-30 23:00");
 * ```
 */
export function formatFoldPeriod(p: FoldPeriod): string {
  const d = (s: string) => s.slice(0, 16).replace("T", " ");
  return `fold ${p.fold}  train ${d(p.train_start)} .. ${d(p.train_end)}  test ${d(p.test_start)} .. ${
    d(p.test_end)
  }`;
}
