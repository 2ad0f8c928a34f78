/**
 * Fast forest prediction. A fitted forest is compiled once into flat arrays: each feature's distinct
 * thresholds (at most 255, which every forest grown on <= 255 bins satisfies), and each node packed into one
 * 32-bit word (left child, feature, threshold index; the right child is always left + 1). Rows are then
 * predicted in blocks of 256: the block's values are binned against the thresholds (exactly: bin <= j is
 * x <= thresholds[j]), and every tree walks the whole block with branch-free integer compares, four rows at
 * a time. A row's class values are summed over the trees in tree order and divided by the number of trees,
 * exactly as the plain per-tree traversal does, so both give bit-identical probabilities.
 *
 * The compiled arrays live in SharedArrayBuffers so workers can read them without a copy.
 *
 * @module
 */
import { type BinLookup, binLookup, binOf, binValues } from "./binning.ts";
import { addTreeOutput, type FlatTree } from "./tree.ts";

/** A forest compiled for {@link predictForest}. */
export interface CompiledForest {
  nTrees: number;
  nFeatures: number;
  nClasses: number;
  /** Per node: `left << 16 | feature << 8 | threshold index`; a leaf points to itself with index 255. */
  nodes: Int32Array;
  /** First node of each tree in `nodes`. */
  roots: Int32Array;
  /** Levels to walk in each tree (its depth; leaves loop on themselves). */
  depth: Int32Array;
  /** `nClasses` values per node (read at leaves). */
  values: Float64Array;
  /** Sorted distinct thresholds of each feature, with their binning tables. */
  lookups: BinLookup[];
}

const _BLOCK = 256;
const _LEAF = 255;

/**
 * Compiles forest trees (leaf values of width `nClasses`) for {@link predictForest}; `null` when the forest
 * does not fit the packed layout (more than 256 features, 65,536 nodes in a tree, or 255 distinct
 * thresholds of one feature), in which case {@link predictForest} is not usable and
 * {@link predictForestPlain} gives the same numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileForest } from "./forest_predict.ts";
 * import { treeFromJSON } from "./tree.ts";
 * const t = treeFromJSON({ feature: [0, -1, -1], threshold: [0.5, 0, 0], thresholdBin: [0, 0, 0], left: [1, -1, -1],
 *   right: [2, -1, -1], width: 2, value: [0.5, 0.5, 1, 0, 0, 1] }, 1);
 * const c = compileForest([t], 1, 2)!;
 * assert(c.depth[0] === 1 && c.lookups[0].edges[0] === 0.5);
 * ```
 */
export function compileForest(
  trees: readonly FlatTree[],
  nFeatures: number,
  nClasses: number,
): CompiledForest | null {
  if (nFeatures > 256) return null;
  const thr: number[][] = Array.from({ length: nFeatures }, () => []);
  let total = 0;
  for (const t of trees) {
    const m = t.feature.length;
    if (m > 65_536 || t.width !== nClasses) return null;
    for (let i = 0; i < m; i++) {
      const f = t.feature[i];
      if (f >= 0) {
        if (t.right[i] !== t.left[i] + 1) return null;
        thr[f].push(t.threshold[i]);
      }
    }
    total += m;
  }
  const edges = thr.map((a) => _distinctSorted(Float64Array.from(a)));
  if (edges.some((e) => e.length > _LEAF)) return null;
  const nodes = new Int32Array(new SharedArrayBuffer(total * 4));
  const values = new Float64Array(new SharedArrayBuffer(total * nClasses * 8));
  const roots = new Int32Array(trees.length), depth = new Int32Array(trees.length);
  let off = 0;
  trees.forEach((t, k) => {
    const m = t.feature.length, level = new Int32Array(m);
    let maxLevel = 0;
    roots[k] = off;
    for (let i = 0; i < m; i++) {
      const f = t.feature[i];
      if (f < 0) nodes[off + i] = (i << 16) | _LEAF;
      else {
        // binOf finds the threshold's own index: the first j with threshold <= edges[j]
        nodes[off + i] = (t.left[i] << 16) | (f << 8) | binOf(edges[f], t.threshold[i]);
        level[t.left[i]] = level[t.right[i]] = level[i] + 1;
      }
      if (level[i] > maxLevel) maxLevel = level[i];
    }
    depth[k] = maxLevel;
    values.set(t.value, off * nClasses);
    off += m;
  });
  return {
    nTrees: trees.length,
    nFeatures,
    nClasses,
    nodes,
    roots,
    depth,
    values,
    lookups: edges.map(binLookup),
  };
}

/**
 * Mean class values over the trees for rows `[from, to)` of `columns`, written row-major into
 * `out[(outRow + i - from) * nClasses + c]`. Values must be finite (the models check their input).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileForest, predictForest } from "./forest_predict.ts";
 * import { treeFromJSON } from "./tree.ts";
 * const t = treeFromJSON({ feature: [0, -1, -1], threshold: [0.5, 0, 0], thresholdBin: [0, 0, 0], left: [1, -1, -1],
 *   right: [2, -1, -1], width: 2, value: [0.5, 0.5, 1, 0, 0, 1] }, 1);
 * const out = new Float64Array(4);
 * predictForest(compileForest([t, t], 1, 2)!, [new Float64Array([0, 1])], 0, 2, out, 0);
 * assert(out.join() === "1,0,0,1");
 * ```
 */
export function predictForest(
  forest: CompiledForest,
  columns: readonly Float64Array[],
  from: number,
  to: number,
  out: Float64Array,
  outRow: number,
): void {
  const { nodes, roots, depth, values, lookups, nTrees } = forest;
  const F = forest.nFeatures, K = forest.nClasses;
  const bins = new Uint8Array(_BLOCK * F), acc = new Float64Array(_BLOCK * K);
  for (let s = from; s < to; s += _BLOCK) {
    const m = Math.min(_BLOCK, to - s);
    for (let f = 0; f < F; f++) binValues(lookups[f], columns[f], s, s + m, bins, f, F);
    acc.fill(0);
    for (let t = 0; t < nTrees; t++) {
      const r0 = roots[t], D = depth[t];
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        let a = 0, b = 0, c = 0, d = 0;
        const ra = i * F, rb = ra + F, rc = rb + F, rd = rc + F;
        for (let k = 0; k < D; k++) {
          const pa = nodes[r0 + a], pb = nodes[r0 + b], pc = nodes[r0 + c], pd = nodes[r0 + d];
          // next = left + (bin > threshold index), branch-free: (idx - bin) >>> 31 is 1 when bin > idx
          a = (pa >>> 16) + (((pa & 255) - bins[ra + ((pa >>> 8) & 255)]) >>> 31);
          b = (pb >>> 16) + (((pb & 255) - bins[rb + ((pb >>> 8) & 255)]) >>> 31);
          c = (pc >>> 16) + (((pc & 255) - bins[rc + ((pc >>> 8) & 255)]) >>> 31);
          d = (pd >>> 16) + (((pd & 255) - bins[rd + ((pd >>> 8) & 255)]) >>> 31);
        }
        if (K === 3) {
          let o = i * 3, v = (r0 + a) * 3;
          acc[o] += values[v], acc[o + 1] += values[v + 1], acc[o + 2] += values[v + 2];
          o += 3, v = (r0 + b) * 3;
          acc[o] += values[v], acc[o + 1] += values[v + 1], acc[o + 2] += values[v + 2];
          o += 3, v = (r0 + c) * 3;
          acc[o] += values[v], acc[o + 1] += values[v + 1], acc[o + 2] += values[v + 2];
          o += 3, v = (r0 + d) * 3;
          acc[o] += values[v], acc[o + 1] += values[v + 1], acc[o + 2] += values[v + 2];
        } else {
          _addLeaf(acc, i * K, values, (r0 + a) * K, K);
          _addLeaf(acc, (i + 1) * K, values, (r0 + b) * K, K);
          _addLeaf(acc, (i + 2) * K, values, (r0 + c) * K, K);
          _addLeaf(acc, (i + 3) * K, values, (r0 + d) * K, K);
        }
      }
      for (; i < m; i++) {
        let a = 0;
        const ra = i * F;
        for (let k = 0; k < D; k++) {
          const pa = nodes[r0 + a];
          a = (pa >>> 16) + (((pa & 255) - bins[ra + ((pa >>> 8) & 255)]) >>> 31);
        }
        _addLeaf(acc, i * K, values, (r0 + a) * K, K);
      }
    }
    const o = (outRow + s - from) * K;
    for (let j = 0; j < m * K; j++) out[o + j] = acc[j] / nTrees;
  }
}

function _distinctSorted(a: Float64Array): Float64Array {
  a.sort();
  let m = 0;
  for (let i = 0; i < a.length; i++) if (m === 0 || a[i] !== a[m - 1]) a[m++] = a[i];
  return a.slice(0, m);
}

function _addLeaf(acc: Float64Array, o: number, values: Float64Array, v: number, K: number): void {
  for (let c = 0; c < K; c++) acc[o + c] += values[v + c];
}

/**
 * The same mean as {@link predictForest} by plain per-tree traversal of raw values (any forest), for all
 * `nRows` rows into `out` (n x width).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { predictForestPlain } from "./forest_predict.ts";
 * import { treeFromJSON } from "./tree.ts";
 * const t = treeFromJSON({ feature: [0, -1, -1], threshold: [0.5, 0, 0], thresholdBin: [0, 0, 0], left: [1, -1, -1],
 *   right: [2, -1, -1], width: 2, value: [0.5, 0.5, 1, 0, 0, 1] }, 1);
 * const out = new Float64Array(4);
 * predictForestPlain([t], [new Float64Array([0, 1])], 2, out);
 * assert(out.join() === "1,0,0,1");
 * ```
 */
export function predictForestPlain(
  trees: readonly FlatTree[],
  columns: readonly Float64Array[],
  nRows: number,
  out: Float64Array,
): void {
  out.fill(0);
  for (const t of trees) addTreeOutput(t, columns, nRows, out, 1);
  for (let i = 0; i < out.length; i++) out[i] /= trees.length;
}
