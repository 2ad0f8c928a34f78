/**
 * Quality metrics of a bar file: gaps and missing bars (largest listed), duplicate or unsorted
 * timestamps, null and non-positive prices, OHLC inconsistencies, zero-volume bars and extreme returns.
 * Findings name the file, the column and a value; "hard" findings fail `deno task data:check`.
 *
 * @module
 */
import { gatherRows } from "../series/rows.ts";
import { isoTime } from "./interval.ts";
import type { FileKind } from "./filename.ts";

/** One thing worth knowing about a file. `hard` findings make it unusable as is. */
export interface QualityFinding {
  severity: "hard" | "warning" | "info";
  code: string;
  message: string;
  column?: string;
  count: number;
}

/** A stretch of missing bars between two present ones. */
export interface GapInfo {
  /** Open time of the last bar before the gap. */
  from: string;
  /** Open time of the first bar after the gap. */
  to: string;
  missingBars: number;
  /** Hours between the two present bars (the outage length, e.g. 34 for 33 missing 1h bars). */
  hours: number;
}

/** The quality part of a file's metadata. */
export interface QualityReport {
  rows: number;
  intervalMs: number;
  gaps: { count: number; missingBars: number; largest: GapInfo[] };
  duplicateTimestamps: number;
  unsortedSteps: number;
  nullValues: Record<string, number>;
  nonPositivePrices: Record<string, number>;
  ohlcInconsistent: number;
  zeroVolumeBars: number;
  extremeReturns: {
    thresholdSigma: number;
    sigma: number | null;
    count: number;
    largest: { at: string; logReturn: number }[];
  };
  findings: QualityFinding[];
  hardFailures: number;
}

/** Input of `computeQuality`: columns in the file's own row order. */
export interface QualityInput {
  timestamp: Float64Array;
  columns: Partial<Record<"open" | "high" | "low" | "close" | "volume" | "funding_rate", Float64Array>>;
  kind: FileKind;
  intervalMs?: number;
  file?: string;
}

/** Options of `computeQuality`. */
export interface QualityOptions {
  /** |log return| above this many standard deviations counts as extreme. @default 10 */
  extremeSigma?: number;
  /** How many of the largest gaps / returns to list. @default 10 */
  listLargest?: number;
}

/**
 * Most common positive step between sorted timestamps (the bar interval), or NaN with < 2 rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { inferIntervalMs } from "./quality.ts";
 * assert(inferIntervalMs(new Float64Array([0, 60_000, 120_000, 300_000])) === 60_000);
 * ```
 */
export function inferIntervalMs(sortedTimestamps: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < sortedTimestamps.length; i++) {
    const d = sortedTimestamps[i] - sortedTimestamps[i - 1];
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = NaN, bestN = 0;
  for (const [d, n] of counts) if (n > bestN || (n === bestN && d < best)) [best, bestN] = [d, n];
  return best;
}

/**
 * Indices that sort `ts` ascending, stable (ties keep file order), or `undefined` when already sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sortOrder } from "./quality.ts";
 * assert(sortOrder(new Float64Array([1, 2])) === undefined);
 * assert(sortOrder(new Float64Array([2, 1]))?.join() === "1,0");
 * ```
 */
export function sortOrder(ts: Float64Array): Uint32Array | undefined {
  let sorted = true;
  for (let i = 1; i < ts.length; i++) {
    if (ts[i] < ts[i - 1] || Number.isNaN(ts[i])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const idx = Array.from({ length: ts.length }, (_, i) => i);
  idx.sort((a, b) => {
    const x = ts[a], y = ts[b];
    if (x < y || (Number.isNaN(y) && !Number.isNaN(x))) return -1;
    if (x > y || (Number.isNaN(x) && !Number.isNaN(y))) return 1;
    return a - b;
  });
  return Uint32Array.from(idx);
}

/** Applies an order from `sortOrder` to a column (returns the column itself when `order` is undefined). */
export function _take(col: Float64Array, order: Uint32Array | undefined): Float64Array {
  return order ? gatherRows(col, order) : col;
}

/**
 * Computes the quality report of one file's rows (in file order).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { computeQuality } from "./quality.ts";
 * const h = 3_600_000;
 * const q = computeQuality({
 *   timestamp: new Float64Array([0, h, 4 * h]),
 *   columns: {
 *     open: new Float64Array([1, 1, 1]), high: new Float64Array([2, 2, 2]), low: new Float64Array([1, 1, 1]),
 *     close: new Float64Array([1, 1, 1]), volume: new Float64Array([5, 0, 5]),
 *   },
 *   kind: "ohlcv",
 * });
 * assert(q.gaps.count === 1 && q.gaps.missingBars === 2 && q.zeroVolumeBars === 1);
 * ```
 */
export function computeQuality(input: QualityInput, options: QualityOptions = {}): QualityReport {
  const { extremeSigma = 10, listLargest = 10 } = options;
  const file = input.file ?? "the file";
  const findings: QualityFinding[] = [];
  const raw = input.timestamp;
  const n = raw.length;

  let unsortedSteps = 0, nanTimes = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(raw[i])) nanTimes++;
    if (i > 0 && raw[i] < raw[i - 1]) unsortedSteps++;
  }
  const order = sortOrder(raw);
  const ts = _take(raw, order);
  const col = (name: keyof QualityInput["columns"]) => {
    const c = input.columns[name];
    return c ? _take(c, order) : undefined;
  };

  let duplicates = 0;
  let firstDup = NaN;
  for (let i = 1; i < n; i++) {
    if (ts[i] === ts[i - 1]) {
      if (duplicates === 0) firstDup = ts[i];
      duplicates++;
    }
  }
  if (nanTimes > 0) {
    findings.push({
      severity: "hard",
      code: "null_timestamp",
      column: "timestamp",
      count: nanTimes,
      message: `${file}: ${nanTimes} rows have a null timestamp; remove them at the source`,
    });
  }
  if (duplicates > 0) {
    findings.push({
      severity: "hard",
      code: "duplicate_timestamps",
      column: "timestamp",
      count: duplicates,
      message: `${file}: ${duplicates} duplicate timestamps, the first at ${
        isoTime(firstDup)
      }; deduplicate the file`,
    });
  }
  if (unsortedSteps > 0) {
    const at = raw.findIndex((v, i) => i > 0 && v < raw[i - 1]);
    findings.push({
      severity: "hard",
      code: "unsorted_timestamps",
      column: "timestamp",
      count: unsortedSteps,
      message: `${file}: timestamps go backwards ${unsortedSteps} times, first at row ${at} (${
        isoTime(raw[at])
      } after ${isoTime(raw[at - 1])}); sort the file by timestamp`,
    });
  }

  const intervalMs = input.intervalMs ?? inferIntervalMs(ts);
  const gapList: { fromMs: number; toMs: number; missingBars: number }[] = [];
  let missingBars = 0;
  if (Number.isFinite(intervalMs) && intervalMs > 0) {
    for (let i = 1; i < n; i++) {
      const d = ts[i] - ts[i - 1];
      if (d > intervalMs) {
        const missing = Math.round(d / intervalMs) - 1;
        if (missing > 0) {
          gapList.push({ fromMs: ts[i - 1], toMs: ts[i], missingBars: missing });
          missingBars += missing;
        }
      }
    }
  }
  const largest = [...gapList].sort((a, b) => b.missingBars - a.missingBars || a.fromMs - b.fromMs).slice(
    0,
    listLargest,
  )
    .map((g) => ({
      from: isoTime(g.fromMs)!,
      to: isoTime(g.toMs)!,
      missingBars: g.missingBars,
      hours: (g.toMs - g.fromMs) / 3_600_000,
    }));
  const year = 365 * 86_400_000;
  const huge = gapList.filter((g) => g.toMs - g.fromMs > year);
  if (huge.length > 0) {
    findings.push({
      severity: "hard",
      code: "huge_gap",
      column: "timestamp",
      count: huge.length,
      message: `${file}: ${huge.length} gap(s) longer than a year, the first ${
        ((huge[0].toMs - huge[0].fromMs) / 86_400_000).toFixed(0)
      } days from ${isoTime(huge[0].fromMs)} to ${
        isoTime(huge[0].toMs)
      } (wrong timestamps or two files joined); split the file or fix the timestamps`,
    });
  }
  if (gapList.length > 0) {
    findings.push({
      severity: "info",
      code: "gaps",
      column: "timestamp",
      count: gapList.length,
      message: `${file}: ${gapList.length} gaps, ${missingBars} missing bars; largest ${
        largest[0].missingBars
      } bars after ${largest[0].from}`,
    });
  }

  const nullValues: Record<string, number> = {};
  const nonPositive: Record<string, number> = {};
  const priceCols = input.kind === "funding" ? [] : (["open", "high", "low", "close"] as const);
  for (
    const name of [
      ...priceCols,
      ...(input.kind === "funding" ? ["funding_rate"] as const : ["volume"] as const),
    ]
  ) {
    const c = col(name);
    if (!c) continue;
    let nulls = 0, nonPos = 0, firstBad = NaN, firstAt = NaN;
    const isPrice = name !== "volume" && name !== "funding_rate";
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (!Number.isFinite(v)) {
        nulls++;
        if (Number.isNaN(firstAt)) [firstBad, firstAt] = [v, ts[i]];
      } else if ((isPrice && v <= 0) || (name === "volume" && v < 0)) {
        nonPos++;
        if (Number.isNaN(firstAt)) [firstBad, firstAt] = [v, ts[i]];
      }
    }
    nullValues[name] = nulls;
    if (isPrice || name === "volume") nonPositive[name] = nonPos;
    if (nulls + nonPos > 0) {
      const what = isPrice
        ? "null/NaN or non-positive prices"
        : name === "volume"
        ? "null/NaN or negative volumes"
        : "null/NaN rates";
      findings.push({
        severity: "hard",
        code: isPrice ? "bad_prices" : `bad_${name}`,
        column: name,
        count: nulls + nonPos,
        message: `${file}: column ${name} has ${nulls + nonPos} ${what}, the first ${firstBad} at ${
          isoTime(firstAt)
        }; fix or drop those rows at the source`,
      });
    }
  }

  let ohlcBad = 0, zeroVol = 0;
  const extreme = {
    thresholdSigma: extremeSigma,
    sigma: null as number | null,
    count: 0,
    largest: [] as { at: string; logReturn: number }[],
  };
  const [o, h, l, c, v] = [col("open"), col("high"), col("low"), col("close"), col("volume")];
  if (input.kind !== "funding" && o && h && l && c) {
    let firstBadAt = NaN;
    for (let i = 0; i < n; i++) {
      if (h[i] < Math.max(o[i], c[i], l[i]) || l[i] > Math.min(o[i], c[i], h[i])) {
        if (ohlcBad++ === 0) firstBadAt = ts[i];
      }
      if (v && v[i] === 0) zeroVol++;
    }
    if (ohlcBad > 0) {
      findings.push({
        severity: "warning",
        code: "ohlc_inconsistent",
        column: "high/low",
        count: ohlcBad,
        message:
          `${file}: ${ohlcBad} bars have high < max(open, close, low) or low > min(open, close, high), the first at ${
            isoTime(firstBadAt)
          }`,
      });
    }
    if (zeroVol > 0 && input.kind !== "mark") {
      findings.push({
        severity: "warning",
        code: "zero_volume",
        column: "volume",
        count: zeroVol,
        message: `${file}: ${zeroVol} bars have zero volume`,
      });
    }
    // Extreme close-to-close log returns between consecutive present bars.
    const r = new Float64Array(Math.max(0, n - 1));
    let m = 0, sum = 0, sum2 = 0;
    for (let i = 1; i < n; i++) {
      const x = Math.log(c[i] / c[i - 1]);
      if (Number.isFinite(x)) {
        r[m++] = x;
        sum += x;
        sum2 += x * x;
      }
    }
    if (m > 1) {
      const mean = sum / m;
      const sigma = Math.sqrt(Math.max(0, (sum2 - m * mean * mean) / (m - 1)));
      extreme.sigma = sigma;
      const hits: { at: string; logReturn: number }[] = [];
      for (let i = 1; i < n; i++) {
        const x = Math.log(c[i] / c[i - 1]);
        if (Number.isFinite(x) && sigma > 0 && Math.abs(x - mean) > extremeSigma * sigma) {
          hits.push({ at: isoTime(ts[i])!, logReturn: x });
        }
      }
      extreme.count = hits.length;
      extreme.largest = hits.sort((a, b) => Math.abs(b.logReturn) - Math.abs(a.logReturn)).slice(
        0,
        listLargest,
      );
      if (hits.length > 0) {
        findings.push({
          severity: "warning",
          code: "extreme_returns",
          column: "close",
          count: hits.length,
          message: `${file}: ${hits.length} close-to-close log returns beyond ${extremeSigma} sigma (sigma ${
            sigma.toPrecision(3)
          }), the largest ${extreme.largest[0].logReturn.toFixed(4)} at ${extreme.largest[0].at}`,
        });
      }
    }
  }

  return {
    rows: n,
    intervalMs,
    gaps: { count: gapList.length, missingBars, largest },
    duplicateTimestamps: duplicates,
    unsortedSteps,
    nullValues,
    nonPositivePrices: nonPositive,
    ohlcInconsistent: ohlcBad,
    zeroVolumeBars: zeroVol,
    extremeReturns: extreme,
    findings,
    hardFailures: findings.filter((f) => f.severity === "hard").length,
  };
}
