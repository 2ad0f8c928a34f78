/**
 * Quantile binning for the histogram engines. Each feature gets at most `maxBins` bins whose edges are
 * midpoints between quantiles of a seeded row sample. A value `x` falls in the first bin `b` with
 * `x <= edges[b]` (or the last bin), so a split "bin <= t" is exactly "x <= edges[t]": trees learn on bins
 * and predict on raw values with the same result.
 *
 * @module
 */
import { createRng, deriveSeed, sampleWithoutReplacement } from "./rng.ts";

/** Binned training data shared by all trees (and sent once to each worker). */
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
  const rows = n <= sampleRows ? null : sampleWithoutReplacement(createRng(seed), n, sampleRows);
  const m = rows === null ? n : rows.length;
  const buf = new Float64Array(m);
  return columns.map((col) => {
    if (rows === null) buf.set(col);
    else for (let i = 0; i < m; i++) buf[i] = col[rows[i]];
    buf.sort();
    return _edgesFromSorted(buf, maxBins);
  });
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
  for (let f = 0; f < columns.length; f++) {
    const col = columns[f], e = edges[f];
    for (let i = 0; i < n; i++) out[i * stride + f] = binOf(e, col[i]);
  }
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
