/**
 * The random forest's binned training data: one byte column per feature (column-major, so features can
 * be binned in parallel without sharing cache lines), the class of each row and its weight. Edges come
 * from the same seeded row sample for every feature (`binning.ts`), so binning a feature alone, in any
 * thread, gives the same bytes as binning them all together.
 *
 * @module
 */
import { binLookup, binSampleRows, binValues, featureEdges } from "./binning.ts";
import { deriveSeed } from "./rng.ts";

/** Binned training data of the forest, shared by all trees (SharedArrayBuffers when workers use it). */
export interface ForestData {
  /** Column-major bins: row i, feature f at `bins[f * nRows + i]`. */
  bins: Uint8Array;
  /** Class of each row. */
  y: Uint8Array;
  /** Weight of each row: sample weight x class weight. */
  rowWeight: Float64Array;
  nRows: number;
  nFeatures: number;
  nClasses: number;
  /** Bins used by each feature (edges + 1). */
  nBins: Int32Array;
  /** Bin edges per feature (raw thresholds): bin <= t is x <= edges[f][t]. */
  edges: Float64Array[];
}

/** Binning options of the forest (its parameters of the same names). */
export interface ForestBinning {
  maxBins: number;
  binSampleRows: number;
  seed: number;
}

/**
 * The rows every feature's edges are computed from (`null` = all), for `n` training rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forestSampleRows } from "./forest_data.ts";
 * const a = forestSampleRows(1000, { maxBins: 255, binSampleRows: 100, seed: 1 });
 * assert(a!.length === 100 && forestSampleRows(1000, { maxBins: 255, binSampleRows: 100, seed: 1 })!.join() === a!.join());
 * ```
 */
export function forestSampleRows(n: number, opts: ForestBinning): Int32Array | null {
  return binSampleRows(n, opts.binSampleRows, deriveSeed(opts.seed, 0x5eed));
}

/**
 * Edges of one feature from the sampled rows, and its bins written into `out` (length n).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binForestFeature } from "./forest_data.ts";
 * const out = new Uint8Array(4);
 * const edges = binForestFeature(new Float64Array([3, 1, 2, 1]), null, 255, out);
 * assert(edges.join() === "1.5,2.5" && out.join() === "2,0,1,0");
 * ```
 */
export function binForestFeature(
  col: Float64Array,
  sample: Int32Array | null,
  maxBins: number,
  out: Uint8Array,
  buf?: Float64Array,
): Float64Array {
  const edges = featureEdges(col, sample, maxBins, buf);
  binValues(binLookup(edges), col, 0, col.length, out, 0, 1);
  return edges;
}

/**
 * Bins a training set in the calling thread (the workers bin the same features the same way).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binForestData } from "./forest_data.ts";
 * const d = binForestData([new Float64Array([1, 2, 3])], new Int32Array([0, 1, 1]), new Float64Array([1, 1, 1]), 2,
 *   { maxBins: 255, binSampleRows: 1000, seed: 0 });
 * assert(d.bins.join() === "0,1,2" && d.nBins[0] === 3 && d.y[2] === 1);
 * ```
 */
export function binForestData(
  columns: readonly Float64Array[],
  y: Int32Array,
  rowWeight: Float64Array,
  nClasses: number,
  opts: ForestBinning,
): ForestData {
  const n = y.length, F = columns.length;
  const sample = forestSampleRows(n, opts);
  const bins = new Uint8Array(n * F), buf = new Float64Array(sample?.length ?? n);
  const edges = columns.map((col, f) =>
    binForestFeature(col, sample, opts.maxBins, bins.subarray(f * n, (f + 1) * n), buf)
  );
  return forestData(bins, Uint8Array.from(y), rowWeight, edges, nClasses);
}

/**
 * Assembles `ForestData` from its parts (bins column-major, n = y.length).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forestData } from "./forest_data.ts";
 * const d = forestData(new Uint8Array(2), new Uint8Array(2), new Float64Array([1, 1]), [new Float64Array(0)], 2);
 * assert(d.nRows === 2 && d.nBins[0] === 1);
 * ```
 */
export function forestData(
  bins: Uint8Array,
  y: Uint8Array,
  rowWeight: Float64Array,
  edges: Float64Array[],
  nClasses: number,
): ForestData {
  return {
    bins,
    y,
    rowWeight,
    nRows: y.length,
    nFeatures: edges.length,
    nClasses,
    nBins: Int32Array.from(edges, (e) => e.length + 1),
    edges,
  };
}
