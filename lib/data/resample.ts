/**
 * OHLCV aggregation to coarser bars.
 *
 * Convention (as everywhere in Candlelab): a bar is stamped with its **open** time and its values are
 * known at its **close**, `timestamp + intervalMs`. Buckets are aligned to the UTC epoch (a "1d" bar opens
 * at 00:00 UTC, a "4h" bar at 00/04/08... UTC) and contain the source bars whose open time falls in
 * [bucket, bucket + interval). The output bar's values use only those source bars, so they are known at
 * the bucket's close. The **final bucket is dropped** when it is partial (its last source bar closes
 * before the bucket closes), so no partial bar is emitted as if complete; with `partial: "flag"` it is kept
 * and the column `complete` (1/0) says which bars are whole. Buckets with an inner gap are kept; the column
 * `n_bars` counts the source bars in each.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";
import { parseInterval } from "./interval.ts";
import { float64Column } from "../series/columns.ts";
import { inferIntervalMs } from "./quality.ts";

/** Options of `resample`. */
export interface ResampleOptions {
  /** Source bar interval, e.g. "1h"; inferred from the timestamps when absent. */
  sourceInterval?: string;
  /** "drop" (default): drop a partial final bucket; "flag": keep it and add a `complete` column. */
  partial?: "drop" | "flag";
}

const _FIRST = new Set(["open", "mark_open"]);
const _MAX = new Set(["high", "mark_high"]);
const _MIN = new Set(["low", "mark_low"]);
const _LAST = new Set(["close", "mark_close"]);
const _SUM = new Set(["volume", "funding_rate"]);

/**
 * Aggregates bars to a coarser interval: open = first, high = max, low = min, close = last, volume = sum;
 * mark_* alike; funding_rate = sum of the events in the bucket (NaN when none). Other columns are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { resample } from "./resample.ts";
 * const h = 3_600_000;
 * const t = aq.table({
 *   timestamp: Float64Array.from({ length: 10 }, (_, i) => i * h),
 *   open: new Float64Array(10).fill(1), high: Float64Array.from({ length: 10 }, (_, i) => 2 + i),
 *   low: new Float64Array(10).fill(0.5), close: new Float64Array(10).fill(1), volume: new Float64Array(10).fill(1),
 * });
 * const r = resample(t, "4h"); // bars 0-3, 4-7; the partial 8-9 is dropped
 * assert(r.numRows() === 2 && r.get("high", 1) === 9 && r.get("volume", 0) === 4);
 * ```
 */
export function resample(table: ColumnTable, interval: string, options: ResampleOptions = {}): ColumnTable {
  const outMs = parseInterval(interval);
  const ts = float64Column(table, "timestamp");
  const n = ts.length;
  const inMs = options.sourceInterval ? parseInterval(options.sourceInterval) : inferIntervalMs(ts);
  if (n > 0 && !(inMs > 0)) {
    throw new CandlelabError(
      `Cannot resample to ${interval}: the source interval is unknown (fewer than 2 bars); pass sourceInterval`,
    );
  }
  if (n > 0 && (outMs < inMs || outMs % inMs !== 0)) {
    throw new CandlelabError(
      `Cannot resample to ${interval}: it must be a whole multiple of the source interval (${inMs} ms); choose a coarser interval`,
    );
  }
  for (let i = 1; i < n; i++) {
    if (!(ts[i] > ts[i - 1])) {
      throw new CandlelabError(
        `Cannot resample: timestamps must be strictly increasing, row ${i} is ${ts[i]} after ${
          ts[i - 1]
        }; load with loadBars first`,
      );
    }
  }
  const names = table.columnNames().filter((c) => c !== "timestamp");
  for (const c of names) {
    if (!_FIRST.has(c) && !_MAX.has(c) && !_MIN.has(c) && !_LAST.has(c) && !_SUM.has(c)) {
      throw new CandlelabError(
        `Cannot resample column ${c}: no aggregation rule for it; select OHLCV/mark/funding columns first`,
      );
    }
  }
  // Bucket starts.
  const starts: number[] = [];
  const firstRow: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.floor(ts[i] / outMs) * outMs;
    if (starts.length === 0 || starts[starts.length - 1] !== b) {
      starts.push(b);
      firstRow.push(i);
    }
  }
  firstRow.push(n);
  let m = starts.length;
  const complete = new Float64Array(m).fill(1);
  if (m > 0 && ts[n - 1] + inMs < starts[m - 1] + outMs) complete[m - 1] = 0;
  if (options.partial !== "flag" && m > 0 && complete[m - 1] === 0) m--;

  const out: Record<string, Float64Array> = { timestamp: Float64Array.from(starts.slice(0, m)) };
  for (const c of names) {
    const src = float64Column(table, c);
    const dst = new Float64Array(m);
    for (let b = 0; b < m; b++) {
      const lo = firstRow[b], hi = firstRow[b + 1];
      let v: number;
      if (_FIRST.has(c)) v = src[lo];
      else if (_LAST.has(c)) v = src[hi - 1];
      else if (_MAX.has(c)) {
        v = -Infinity;
        for (let i = lo; i < hi; i++) if (src[i] > v) v = src[i];
        if (v === -Infinity) v = NaN;
      } else if (_MIN.has(c)) {
        v = Infinity;
        for (let i = lo; i < hi; i++) if (src[i] < v) v = src[i];
        if (v === Infinity) v = NaN;
      } else if (c === "funding_rate") {
        v = NaN;
        for (let i = lo; i < hi; i++) if (!Number.isNaN(src[i])) v = (Number.isNaN(v) ? 0 : v) + src[i];
      } else {
        v = 0;
        for (let i = lo; i < hi; i++) v += src[i];
      }
      dst[b] = v;
    }
    out[c] = dst;
  }
  out.n_bars = Float64Array.from({ length: m }, (_, b) => firstRow[b + 1] - firstRow[b]);
  if (options.partial === "flag") out.complete = complete.slice(0, m);
  return aq.table(out);
}
