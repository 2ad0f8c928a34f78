/**
 * Quantile binning for the histogram engines. Each feature gets at most `maxBins` bins whose edges are
 * midpoints between quantiles of a seeded row sample. A value `x` falls in the first bin `b` with
 * `x <= edges[b]` (or the last bin), so a split "bin <= t" is exactly "x <= edges[t]": trees learn on bins
 * and predict on raw values with the same result. `binLookup` / `binValues` bin many values fast with exactly
 * `binOf`'s result.
 *
 * @module
 */
import { createRng, deriveSeed, sampleWithoutReplacement } from "./rng.ts";

/** Row-major binned training data of the boosting engine (the forest bins column-major: `forest_data.ts`). */
export interface BinnedData {
  /** Row-major bins: row i, feature f at `rows[i * stride + f]`; the class at `rows[i * stride + nFeatures]`. */
  rows: Uint8Array;
  /** Bytes per row, a multiple of 4, > nFeatures. */
  stride: number;
  nRows: number;
  nFeatures: number;
  nClasses: number;
  /** Bins used by each feature (edges + 1). */
  nBins: Int32Array;
  /** Bin edges per feature (raw thresholds). */
  edges: Float64Array[];
  /** Weight of each row: sample weight x class weight. */
  rowWeight: Float64Array;
  /**
   * Optional column-major copy of the bins (row i, feature f at `cols[f * nRows + i]`): a split then reads
   * its feature's bins from one compact column instead of one byte per row-major row.
   */
  cols?: Uint8Array;
}

/**
 * Bin edges per feature from a sample of at most `sampleRows` rows drawn with a seeded RNG
 * (never "the first rows": on time-ordered data that would drop the most recent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeBinEdges } from "./binning.ts";
 * const edges = computeBinEdges([new Float64Array([1, 2, 3, 4])], 255, 1000, 0);
 * assert(edges[0].length === 3 && edges[0][0] === 1.5);
 * ```
 */
export function computeBinEdges(
  columns: readonly Float64Array[],
  maxBins: number,
  sampleRows: number,
  seed: number,
): Float64Array[] {
  const n = columns.length > 0 ? columns[0].length : 0;
  const rows = binSampleRows(n, sampleRows, seed);
  const buf = new Float64Array(rows === null ? n : rows.length);
  return columns.map((col) => featureEdges(col, rows, maxBins, buf));
}

/**
 * The rows `computeBinEdges` samples to place the edges of `n`-row columns: `null` (all rows) when
 * `n <= sampleRows`, else `sampleRows` distinct rows drawn with `seed`. Every feature uses the same rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binSampleRows } from "./binning.ts";
 * assert(binSampleRows(10, 100, 0) === null && binSampleRows(1000, 100, 0)!.length === 100);
 * ```
 */
export function binSampleRows(n: number, sampleRows: number, seed: number): Int32Array | null {
  return n <= sampleRows ? null : sampleWithoutReplacement(createRng(seed), n, sampleRows);
}

/**
 * Bin edges of one feature from its values at `rows` (`null` = all rows); `buf` (scratch, at least as long
 * as the sample) avoids an allocation per feature.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { featureEdges } from "./binning.ts";
 * assert(featureEdges(new Float64Array([3, 1, 2, 4]), null, 255).join() === "1.5,2.5,3.5");
 * ```
 */
export function featureEdges(
  col: Float64Array,
  rows: Int32Array | null,
  maxBins: number,
  buf?: Float64Array,
): Float64Array {
  const m = rows === null ? col.length : rows.length;
  const sorted = buf && buf.length >= m ? buf.subarray(0, m) : new Float64Array(m);
  if (rows === null) sorted.set(col);
  else for (let i = 0; i < m; i++) sorted[i] = col[rows[i]];
  sorted.sort();
  return _edgesFromSorted(sorted, maxBins);
}

function _edgesFromSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const m = sorted.length;
  let nUnique = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) nUnique++;
  const out: number[] = [];
  if (nUnique <= maxBins) {
    for (let i = 1; i < m; i++) {
      if (sorted[i] !== sorted[i - 1]) out.push(_mid(sorted[i - 1], sorted[i]));
    }
  } else {
    for (let b = 1; b < maxBins; b++) {
      const idx = Math.floor((b * m) / maxBins);
      if (idx <= 0 || idx >= m) continue;
      const e = _mid(sorted[idx - 1], sorted[idx]);
      if (out.length === 0 || e > out[out.length - 1]) out.push(e);
    }
  }
  return Float64Array.from(out);
}

function _mid(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

/**
 * The bin of one value: the first `b` with `x <= edges[b]`, else `edges.length`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binOf } from "./binning.ts";
 * const e = new Float64Array([1.5, 2.5]);
 * assert(binOf(e, 1) === 0 && binOf(e, 2) === 1 && binOf(e, 9) === 2);
 * ```
 */
export function binOf(edges: Float64Array, x: number): number {
  // Branch-light lower bound: the range [base, base + len] always holds the answer.
  const m = edges.length;
  if (m === 0) return 0;
  let base = 0, len = m;
  while (len > 1) {
    const half = len >>> 1;
    base += edges[base + half - 1] < x ? half : 0;
    len -= half;
  }
  return base + (edges[base] < x ? 1 : 0);
}

/** A bin edges table with a coarse uniform grid over it, for fast exact binning (see {@link binLookup}). */
export interface BinLookup {
  edges: Float64Array;
  /** Grid origin (`edges[0]`) and cells per unit (0 when there are fewer than 2 edges). */
  lo: number;
  scale: number;
  /** Number of edges whose own grid cell is before cell c: all of them are below any value in cell c. */
  start: Uint16Array;
}

const _CELLS_PER_EDGE = 8;

/**
 * Prepares `edges` (increasing, at most 65,535) for {@link binValues}: a uniform grid of cells between the
 * first and last edge, each knowing how many edges lie in earlier cells. The grid only narrows the search;
 * the result is exactly `binOf(edges, x)` (cells are computed with the same rounding for edges and values,
 * so "edge in an earlier cell" implies "edge < value").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binLookup, binOf, binValues } from "./binning.ts";
 * const edges = new Float64Array([0.5, 1, 1.25, 7]);
 * const x = new Float64Array([-3, 0.5, 0.7, 1.1, 1.25, 6.9, 7, 8]), out = new Uint8Array(8);
 * binValues(binLookup(edges), x, 0, 8, out, 0, 1);
 * assert(Array.from(out).join() === Array.from(x, (v) => binOf(edges, v)).join());
 * ```
 */
export function binLookup(edges: Float64Array): BinLookup {
  const m = edges.length;
  if (m < 2 || !(edges[m - 1] > edges[0])) {
    return { edges, lo: m > 0 ? edges[0] : 0, scale: 0, start: new Uint16Array(1) };
  }
  const G = m * _CELLS_PER_EDGE, lo = edges[0], scale = G / (edges[m - 1] - lo);
  const start = new Uint16Array(G);
  // start[c] = #edges e with cell(e) < c
  let j = 0;
  for (let c = 0; c < G; c++) {
    while (j < m && _cell(edges[j], lo, scale, G) < c) j++;
    start[c] = j;
  }
  return { edges, lo, scale, start };
}

function _cell(x: number, lo: number, scale: number, G: number): number {
  const c = Math.floor((x - lo) * scale);
  return c < 0 ? 0 : c >= G ? G - 1 : c;
}

/**
 * Bins `col[from..to)` with a {@link binLookup} table into `out[outOffset + (i - from) * outStride]`
 * (stride 1 for a column, the row width for a row-major block). Values must not be NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binLookup, binValues } from "./binning.ts";
 * const out = new Uint8Array(4);
 * binValues(binLookup(new Float64Array([1.5, 2.5])), new Float64Array([1, 2, 3]), 0, 3, out, 1, 1);
 * assert(out.join() === "0,0,1,2");
 * ```
 */
export function binValues(
  lk: BinLookup,
  col: Float64Array,
  from: number,
  to: number,
  out: Uint8Array,
  outOffset: number,
  outStride: number,
): void {
  const { edges, lo, scale, start } = lk;
  const m = edges.length;
  if (scale === 0) {
    for (let i = from, o = outOffset; i < to; i++, o += outStride) out[o] = binOf(edges, col[i]);
    return;
  }
  const G = start.length, last = edges[m - 1];
  for (let i = from, o = outOffset; i < to; i++, o += outStride) {
    const x = col[i];
    let b: number;
    if (x <= lo) b = 0;
    else if (x > last) b = m;
    else {
      let c = Math.floor((x - lo) * scale);
      c = c >= G ? G - 1 : c; // x > lo, so c >= 0
      b = start[c];
      while (edges[b] < x) b++; // stops at the last edge at the latest (x <= last)
    }
    out[o] = b;
  }
}

/**
 * Bins every value into a row-major byte matrix: row `i`, feature `f` at `out[i * stride + f]`.
 * `stride` >= number of features leaves room for extra bytes per row (e.g. the class).
 * Pass a `SharedArrayBuffer` of `n * stride` bytes as `buffer` to share it with workers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binRows } from "./binning.ts";
 * const out = binRows([new Float64Array([1, 3])], [new Float64Array([2])], 4);
 * assert(out[0] === 0 && out[4] === 1);
 * ```
 */
export function binRows(
  columns: readonly Float64Array[],
  edges: readonly Float64Array[],
  stride: number,
  buffer?: ArrayBufferLike,
): Uint8Array {
  const n = columns.length > 0 ? columns[0].length : 0;
  const out = buffer ? new Uint8Array(buffer, 0, n * stride) : new Uint8Array(n * stride);
  for (let f = 0; f < columns.length; f++) binValues(binLookup(edges[f]), columns[f], 0, n, out, f, stride);
  return out;
}

/**
 * Bins a training set for the tree engines: quantile edges from a seeded sample, row-major bins with
 * the class in the byte after the features, and per-row weights. With `shared`, the bytes and weights
 * live in SharedArrayBuffers so workers read them without a copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binTrainingData } from "./binning.ts";
 * const d = binTrainingData([new Float64Array([1, 2, 3])], new Int32Array([0, 1, 1]), new Float64Array([1, 1, 1]), 2,
 *   { maxBins: 255, binSampleRows: 1000, seed: 0 }, false);
 * assert(d.stride === 4 && d.rows[4 + 1] === 1 && d.nBins[0] === 3);
 * ```
 */
export function binTrainingData(
  columns: readonly Float64Array[],
  y: Int32Array,
  rowWeight: Float64Array,
  nClasses: number,
  opts: { maxBins: number; binSampleRows: number; seed: number },
  shared: boolean,
): BinnedData {
  const F = columns.length, n = y.length;
  const stride = Math.ceil((F + 1) / 4) * 4;
  const edges = computeBinEdges(columns, opts.maxBins, opts.binSampleRows, deriveSeed(opts.seed, 0x5eed));
  const rows = binRows(columns, edges, stride, shared ? new SharedArrayBuffer(n * stride) : undefined);
  for (let i = 0; i < n; i++) rows[i * stride + F] = y[i];
  let weights = rowWeight;
  if (shared) {
    weights = new Float64Array(new SharedArrayBuffer(n * 8));
    weights.set(rowWeight);
  }
  return {
    rows,
    stride,
    nRows: n,
    nFeatures: F,
    nClasses,
    nBins: Int32Array.from(edges, (e) => e.length + 1),
    edges,
    rowWeight: weights,
  };
}
