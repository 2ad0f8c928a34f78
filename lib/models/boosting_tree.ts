/**
 * Grows one regression tree of the gradient-boosted ensemble on binned rows, from per-row gradients and
 * hessians, best-first (the leaf with the largest gain splits next) up to `maxLeaves` leaves and
 * `maxDepth` levels. Histograms of the larger child come from the parent's minus the smaller child's.
 *
 * @module
 */
import type { BinnedData } from "./binning.ts";
import type { FlatTree } from "./tree.ts";

/** Parameters of one boosting tree. */
export interface BoostingTreeParams {
  maxDepth: number;
  maxLeaves: number;
  minSamplesLeaf: number;
  minHessian: number;
  l2: number;
  learningRate: number;
}

/** A grown tree (width-1 leaf scores, already scaled by the learning rate) and gain per feature. */
export interface BoostingTreeResult {
  tree: FlatTree;
  gain: Float64Array;
}

const _NB = 256;
const _C = 3; // gradient, hessian, count

interface _Leaf {
  id: number;
  lo: number;
  hi: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  gain: number;
  f: number;
  t: number;
  gl: number;
  hl: number;
}

/**
 * Grows a tree on the rows listed in `sample` (row indices into `data`) with gradients `grad` and
 * hessians `hess` (indexed by row), using only the features in `feats` (ascending ids).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildBoostingTree } from "./boosting_tree.ts";
 * const rows = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
 * const data = { rows, stride: 4, nRows: 4, nFeatures: 1, nClasses: 2, nBins: new Int32Array([2]),
 *   edges: [new Float64Array([0.5])], rowWeight: new Float64Array(4).fill(1) };
 * const { tree } = buildBoostingTree(data, Int32Array.of(0, 1, 2, 3), Float64Array.of(1, 1, -1, -1),
 *   new Float64Array(4).fill(1), Int32Array.of(0),
 *   { maxDepth: 2, maxLeaves: 4, minSamplesLeaf: 1, minHessian: 0, l2: 0, learningRate: 1 });
 * assert(tree.feature[0] === 0 && tree.value[tree.left[0]] === -1);
 * ```
 */
export function buildBoostingTree(
  data: BinnedData,
  sample: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  feats: Int32Array,
  p: BoostingTreeParams,
): BoostingTreeResult {
  const { stride, nBins, edges } = data;
  const m = sample.length, W4 = stride >> 2, Fs = feats.length;
  const rows32 = new Uint32Array(data.rows.buffer, data.rows.byteOffset, (data.nRows * stride) >> 2);
  const rec32 = new Uint32Array(m * W4), rec = new Uint8Array(rec32.buffer);
  const g = new Float64Array(m), h = new Float64Array(m);
  let G = 0, H = 0;
  for (let r = 0; r < m; r++) {
    const i = sample[r];
    for (let k = 0; k < W4; k++) rec32[r * W4 + k] = rows32[i * W4 + k];
    g[r] = grad[i];
    h[r] = hess[i];
    G += grad[i];
    H += hess[i];
  }
  const s32 = new Uint32Array(m * W4), sg = new Float64Array(m), sh = new Float64Array(m);

  const feature: number[] = [], threshold: number[] = [], thresholdBin: number[] = [];
  const left: number[] = [], right: number[] = [], value: number[] = [];
  const gain = new Float64Array(data.nFeatures);
  const newNode = (gs: number, hs: number): number => {
    feature.push(-1), threshold.push(0), thresholdBin.push(0), left.push(-1), right.push(-1);
    value.push(hs + p.l2 > 0 ? (-gs / (hs + p.l2)) * p.learningRate : 0);
    return feature.length - 1;
  };
  const evaluate = (leaf: _Leaf): _Leaf => {
    leaf.gain = 0, leaf.f = -1;
    const cnt = leaf.hi - leaf.lo;
    if (leaf.depth >= p.maxDepth || cnt < 2 * p.minSamplesLeaf) return leaf;
    const parent = (leaf.g * leaf.g) / (leaf.h + p.l2);
    let best = 1e-12;
    for (let b = 0; b < Fs; b++) {
      const base = b * _NB * _C, nb = nBins[feats[b]];
      let gl = 0, hl = 0, cl = 0;
      for (let t = 0; t < nb - 1; t++) {
        const o = base + t * _C;
        const c = leaf.hist[o + 2];
        if (c === 0) continue;
        gl += leaf.hist[o], hl += leaf.hist[o + 1], cl += c;
        const cr = cnt - cl, hr = leaf.h - hl;
        if (cl < p.minSamplesLeaf || cr < p.minSamplesLeaf || hl < p.minHessian || hr < p.minHessian) {
          continue;
        }
        if (!(hl + p.l2 > 0 && hr + p.l2 > 0)) continue;
        const gr = leaf.g - gl;
        const gn = (gl * gl) / (hl + p.l2) + (gr * gr) / (hr + p.l2) - parent;
        if (gn > best) best = gn, leaf.gain = gn, leaf.f = b, leaf.t = t, leaf.gl = gl, leaf.hl = hl;
      }
    }
    return leaf;
  };

  const rootHist = new Float64Array(Fs * _NB * _C);
  _fillHist(rootHist, rec, g, h, 0, m, stride, feats);
  const leaves: _Leaf[] = [
    evaluate({
      id: newNode(G, H),
      lo: 0,
      hi: m,
      depth: 0,
      g: G,
      h: H,
      hist: rootHist,
      gain: 0,
      f: -1,
      t: 0,
      gl: 0,
      hl: 0,
    }),
  ];
  let nLeaves = 1;
  while (nLeaves < p.maxLeaves) {
    let bi = -1;
    for (let k = 0; k < leaves.length; k++) {
      if (leaves[k].f >= 0 && (bi < 0 || leaves[k].gain > leaves[bi].gain)) bi = k;
    }
    if (bi < 0) break;
    const L = leaves[bi];
    leaves.splice(bi, 1);
    const f = feats[L.f];
    const nl = _partition(rec, rec32, g, h, s32, sg, sh, L.lo, L.hi, stride, f, L.t);
    gain[f] += L.gain;
    const gr = L.g - L.gl, hr = L.h - L.hl;
    const idL = newNode(L.gl, L.hl), idR = newNode(gr, hr);
    feature[L.id] = f, thresholdBin[L.id] = L.t, threshold[L.id] = edges[f][L.t];
    left[L.id] = idL, right[L.id] = idR;
    const lo = L.lo, mid = L.lo + nl, hi = L.hi;
    // Build the smaller child's histogram, derive the larger one by subtraction (reuses the parent's array).
    const small = new Float64Array(Fs * _NB * _C);
    const leftSmaller = nl <= hi - mid;
    if (leftSmaller) _fillHist(small, rec, g, h, lo, mid, stride, feats);
    else _fillHist(small, rec, g, h, mid, hi, stride, feats);
    const big = L.hist;
    for (let k = 0; k < big.length; k++) big[k] -= small[k];
    const histL = leftSmaller ? small : big, histR = leftSmaller ? big : small;
    leaves.push(
      evaluate({
        id: idL,
        lo,
        hi: mid,
        depth: L.depth + 1,
        g: L.gl,
        h: L.hl,
        hist: histL,
        gain: 0,
        f: -1,
        t: 0,
        gl: 0,
        hl: 0,
      }),
      evaluate({
        id: idR,
        lo: mid,
        hi,
        depth: L.depth + 1,
        g: gr,
        h: hr,
        hist: histR,
        gain: 0,
        f: -1,
        t: 0,
        gl: 0,
        hl: 0,
      }),
    );
    nLeaves++;
  }
  return {
    tree: {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      thresholdBin: Int32Array.from(thresholdBin),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      width: 1,
      value: Float64Array.from(value),
    },
    gain,
  };
}

function _fillHist(
  hist: Float64Array,
  rec: Uint8Array,
  g: Float64Array,
  h: Float64Array,
  lo: number,
  hi: number,
  stride: number,
  feats: Int32Array,
): void {
  const Fs = feats.length, rowC = _NB * _C;
  for (let i = lo; i < hi; i++) {
    const base = i * stride, gi = g[i], hi_ = h[i];
    for (let b = 0; b < Fs; b++) {
      const o = b * rowC + rec[base + feats[b]] * _C;
      hist[o] += gi;
      hist[o + 1] += hi_;
      hist[o + 2] += 1;
    }
  }
}

function _partition(
  rec: Uint8Array,
  rec32: Uint32Array,
  g: Float64Array,
  h: Float64Array,
  s32: Uint32Array,
  sg: Float64Array,
  sh: Float64Array,
  lo: number,
  hi: number,
  stride: number,
  f: number,
  t: number,
): number {
  const W4 = stride >> 2;
  let l = lo, r = hi - 1;
  for (let i = lo; i < hi; i++) {
    const goL = ((t - rec[i * stride + f]) >>> 31) ^ 1;
    const dst = r + (l - r) * goL;
    l += goL;
    r -= 1 - goL;
    const si = i * W4, di = dst * W4;
    for (let k = 0; k < W4; k++) s32[di + k] = rec32[si + k];
    sg[dst] = g[i];
    sh[dst] = h[i];
  }
  rec32.set(s32.subarray(lo * W4, hi * W4), lo * W4);
  g.set(sg.subarray(lo, hi), lo);
  h.set(sh.subarray(lo, hi), lo);
  return l - lo;
}

/**
 * Adds each binned row's leaf score of `tree` into `raw[i * k + c]` (training-time update of the scores).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addBinnedTreeOutput } from "./boosting_tree.ts";
 * const tree = { feature: Int32Array.of(-1), threshold: Float64Array.of(0), thresholdBin: Int32Array.of(0),
 *   left: Int32Array.of(-1), right: Int32Array.of(-1), width: 1, value: Float64Array.of(0.5) };
 * const raw = new Float64Array(4);
 * addBinnedTreeOutput(tree, new Uint8Array(8), 4, 2, raw, 2, 1);
 * assert(raw[1] === 0.5 && raw[3] === 0.5 && raw[0] === 0);
 * ```
 */
export function addBinnedTreeOutput(
  tree: FlatTree,
  rows: Uint8Array,
  stride: number,
  nRows: number,
  raw: Float64Array,
  k: number,
  c: number,
): void {
  const { feature, thresholdBin, left, right, value } = tree;
  for (let i = 0; i < nRows; i++) {
    let node = 0, f = feature[0];
    const base = i * stride;
    while (f >= 0) {
      node = rows[base + f] <= thresholdBin[node] ? left[node] : right[node];
      f = feature[node];
    }
    raw[i * k + c] += value[node];
  }
}
