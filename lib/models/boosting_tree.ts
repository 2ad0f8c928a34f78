/**
 * Grows one regression tree of the gradient-boosted ensemble on binned rows, from per-row gradients and
 * hessians, best-first (the leaf with the largest gain splits next) up to `maxLeaves` leaves and
 * `maxDepth` levels. Rows are kept as a partition of row indices (with their gradients and hessians moved
 * alongside, so histogram passes read them in order); the larger child's histograms are the parent's minus
 * the smaller child's.
 *
 * Several threads can grow the same tree together: each builds the histograms of its own block of features
 * (`SplitExchange`), publishes its best split per new leaf, and after a barrier every thread picks the same
 * winner (the larger gain; on a tie the lower feature, exactly as one thread scanning every feature does)
 * and applies it to its own copy of the partition. A feature's histogram is always summed in the same row
 * order, so 1, 2 or N threads grow bit-identical trees.
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

/** How the threads growing one tree agree on its splits (one thread: `nThreads` 1, a no-op barrier). */
export interface SplitExchange {
  nThreads: number;
  thread: number;
  /** Candidate slots, `candidateSlots(nThreads)` numbers, shared by the threads. */
  cand: Float64Array;
  /** Returns when every thread has called it (throws if another thread failed). */
  barrier: () => void;
  /**
   * Bank of candidate slots in use (0 or 1), flipped before each publication and kept from tree to tree:
   * a thread may publish the next candidates while a slower one still reads the last ones.
   */
  bank: number;
}

/** Numbers of the candidate slots a {@link SplitExchange} needs for `nThreads` threads. */
export function candidateSlots(nThreads: number): number {
  return nThreads * 2 * 2 * _CAND;
}

const _NB = 256;
const _C = 3; // gradient, hessian, count
const _FEAT = _NB * _C;
const _CAND = 6; // gain, feature, bin, gl, hl, (unused)

interface _Leaf {
  id: number;
  lo: number;
  hi: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  gain: number;
  /** Global feature id of the best split, -1 when the leaf does not split. */
  f: number;
  t: number;
  gl: number;
  hl: number;
}

/**
 * Per-thread scratch memory kept from tree to tree (and fit to fit): the row partition, gradients and
 * hessians in partition order, and histogram buffers.
 */
export class BoostingWorkspace {
  idx = new Int32Array(0);
  g = new Float64Array(0);
  h = new Float64Array(0);
  tIdx = new Int32Array(0);
  tg = new Float64Array(0);
  th = new Float64Array(0);
  #free: Float64Array[] = [];
  #histLen = 0;

  /** Makes room for `n` rows and histograms of `nFeatures` features. */
  ensure(n: number, nFeatures: number): void {
    if (this.idx.length < n) {
      this.idx = new Int32Array(n), this.g = new Float64Array(n), this.h = new Float64Array(n);
      this.tIdx = new Int32Array(n), this.tg = new Float64Array(n), this.th = new Float64Array(n);
    }
    const len = Math.max(1, nFeatures) * _FEAT;
    if (len > this.#histLen) this.#histLen = len, this.#free = [];
  }

  /** A histogram buffer whose first `len` numbers are zero. */
  take(len: number): Float64Array {
    const h = this.#free.pop() ?? new Float64Array(this.#histLen);
    h.fill(0, 0, len);
    return h;
  }

  give(h: Float64Array): void {
    if (h.length === this.#histLen) this.#free.push(h);
  }
}

/**
 * Grows a tree on `m` rows: row `sample[s]` (or `s` when `sample` is null) with gradient `grad[row]` and
 * hessian `hess[row]`, splitting only on the features in `feats` (ascending ids), and adds each split's
 * gain to `gainOut[feature]`. With an exchange of N threads, every thread calls it with the same arguments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BoostingWorkspace, growBoostingTree } from "./boosting_tree.ts";
 * const rows = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
 * const data = { rows, stride: 4, nRows: 4, nFeatures: 1, nClasses: 2, nBins: new Int32Array([2]),
 *   edges: [new Float64Array([0.5])], rowWeight: new Float64Array(4).fill(1) };
 * const tree = growBoostingTree(data, null, 4, Float64Array.of(1, 1, -1, -1), new Float64Array(4).fill(1),
 *   Int32Array.of(0), { maxDepth: 2, maxLeaves: 4, minSamplesLeaf: 1, minHessian: 0, l2: 0, learningRate: 1 },
 *   new BoostingWorkspace(), new Float64Array(1));
 * assert(tree.feature[0] === 0 && tree.value[tree.left[0]] === -1);
 * ```
 */
export function growBoostingTree(
  data: BinnedData,
  sample: Int32Array | null,
  m: number,
  grad: Float64Array,
  hess: Float64Array,
  feats: Int32Array,
  p: BoostingTreeParams,
  ws: BoostingWorkspace,
  gainOut: Float64Array,
  ex: SplitExchange = {
    nThreads: 1,
    thread: 0,
    cand: new Float64Array(candidateSlots(1)),
    barrier: () => {},
    bank: 0,
  },
): FlatTree {
  const { rows, stride, nBins, edges } = data;
  const F = data.nFeatures;
  // This thread's features: those of `feats` in its block of feature ids.
  const fLo = Math.floor((ex.thread * F) / ex.nThreads),
    fHi = Math.floor(((ex.thread + 1) * F) / ex.nThreads);
  let nLocal = 0;
  for (let b = 0; b < feats.length; b++) if (feats[b] >= fLo && feats[b] < fHi) nLocal++;
  const local = new Int32Array(nLocal);
  for (let b = 0, k = 0; b < feats.length; b++) if (feats[b] >= fLo && feats[b] < fHi) local[k++] = feats[b];
  const histLen = nLocal * _FEAT;
  ws.ensure(data.nRows, fHi - fLo);

  const idx = ws.idx, g = ws.g, h = ws.h;
  let G = 0, H = 0;
  for (let s = 0; s < m; s++) {
    const i = sample === null ? s : sample[s];
    idx[s] = i;
    g[s] = grad[i];
    h[s] = hess[i];
    G += grad[i];
    H += hess[i];
  }

  const feature: number[] = [], threshold: number[] = [], thresholdBin: number[] = [];
  const left: number[] = [], right: number[] = [], value: number[] = [];
  const newNode = (gs: number, hs: number): number => {
    feature.push(-1), threshold.push(0), thresholdBin.push(0), left.push(-1), right.push(-1);
    value.push(hs + p.l2 > 0 ? (-gs / (hs + p.l2)) * p.learningRate : 0);
    return feature.length - 1;
  };
  const { cand, nThreads, thread } = ex;
  let bank = ex.bank;
  // Scans this thread's features of `leaf` and publishes its best split in slot `slot` of the current bank.
  const publish = (leaf: _Leaf, slot: number): void => {
    const o = ((thread * 2 + bank) * 2 + slot) * _CAND;
    cand[o] = 0, cand[o + 1] = -1;
    const cnt = leaf.hi - leaf.lo;
    if (leaf.depth >= p.maxDepth || cnt < 2 * p.minSamplesLeaf) return;
    const hist = leaf.hist!;
    const parent = (leaf.g * leaf.g) / (leaf.h + p.l2);
    let best = 1e-12;
    for (let b = 0; b < nLocal; b++) {
      const base = b * _FEAT, nb = nBins[local[b]];
      let gl = 0, hl = 0, cl = 0;
      for (let t = 0; t < nb - 1; t++) {
        const o2 = base + t * _C;
        const c = hist[o2 + 2];
        if (c === 0) continue;
        gl += hist[o2], hl += hist[o2 + 1], cl += c;
        const cr = cnt - cl, hr = leaf.h - hl;
        if (cl < p.minSamplesLeaf || cr < p.minSamplesLeaf || hl < p.minHessian || hr < p.minHessian) {
          continue;
        }
        if (!(hl + p.l2 > 0 && hr + p.l2 > 0)) continue;
        const gr = leaf.g - gl;
        const gn = (gl * gl) / (hl + p.l2) + (gr * gr) / (hr + p.l2) - parent;
        if (gn > best) {
          best = gn;
          cand[o] = gn, cand[o + 1] = local[b], cand[o + 2] = t, cand[o + 3] = gl, cand[o + 4] = hl;
        }
      }
    }
  };
  // After the barrier: the best of every thread's candidates, first thread (lowest features) on a tie.
  const combine = (leaf: _Leaf, slot: number): void => {
    let best = 1e-12;
    leaf.gain = 0, leaf.f = -1;
    for (let w = 0; w < nThreads; w++) {
      const o = ((w * 2 + bank) * 2 + slot) * _CAND;
      if (cand[o + 1] >= 0 && cand[o] > best) {
        best = cand[o];
        leaf.gain = cand[o], leaf.f = cand[o + 1], leaf.t = cand[o + 2], leaf.gl = cand[o + 3];
        leaf.hl = cand[o + 4];
      }
    }
    if (leaf.f < 0 && leaf.hist !== null) ws.give(leaf.hist), leaf.hist = null;
  };
  const leafOf = (
    id: number,
    lo: number,
    hi: number,
    depth: number,
    gs: number,
    hs: number,
    hist: Float64Array,
  ) => ({ id, lo, hi, depth, g: gs, h: hs, hist, gain: 0, f: -1, t: 0, gl: 0, hl: 0 }) as _Leaf;

  const rootHist = ws.take(histLen);
  _fillHist(rootHist, rows, stride, idx, g, h, 0, m, local);
  const root = leafOf(newNode(G, H), 0, m, 0, G, H, rootHist);
  bank ^= 1;
  publish(root, 0);
  ex.barrier();
  combine(root, 0);
  const leaves: _Leaf[] = [root];
  let nLeaves = 1;
  while (nLeaves < p.maxLeaves) {
    let bi = -1;
    for (let k = 0; k < leaves.length; k++) {
      if (leaves[k].f >= 0 && (bi < 0 || leaves[k].gain > leaves[bi].gain)) bi = k;
    }
    if (bi < 0) break;
    const L = leaves[bi];
    leaves.splice(bi, 1);
    const f = L.f;
    const nl = _partition(ws, rows, stride, L.lo, L.hi, f, L.t);
    gainOut[f] += L.gain;
    const gr = L.g - L.gl, hr = L.h - L.hl;
    const idL = newNode(L.gl, L.hl), idR = newNode(gr, hr);
    feature[L.id] = f, thresholdBin[L.id] = L.t, threshold[L.id] = edges[f][L.t];
    left[L.id] = idL, right[L.id] = idR;
    const lo = L.lo, mid = L.lo + nl, hi = L.hi;
    // Build the smaller child's histogram, derive the larger one by subtraction (reuses the parent's array).
    const small = ws.take(histLen);
    const leftSmaller = nl <= hi - mid;
    if (leftSmaller) _fillHist(small, rows, stride, idx, g, h, lo, mid, local);
    else _fillHist(small, rows, stride, idx, g, h, mid, hi, local);
    const big = L.hist!;
    for (let k = 0; k < histLen; k++) big[k] -= small[k];
    const cl = leafOf(idL, lo, mid, L.depth + 1, L.gl, L.hl, leftSmaller ? small : big);
    const cr = leafOf(idR, mid, hi, L.depth + 1, gr, hr, leftSmaller ? big : small);
    bank ^= 1;
    publish(cl, 0);
    publish(cr, 1);
    ex.barrier();
    combine(cl, 0);
    combine(cr, 1);
    leaves.push(cl, cr);
    nLeaves++;
  }
  for (const l of leaves) if (l.hist !== null) ws.give(l.hist);
  ex.bank = bank;
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    thresholdBin: Int32Array.from(thresholdBin),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    width: 1,
    value: Float64Array.from(value),
  };
}

function _fillHist(
  hist: Float64Array,
  rows: Uint8Array,
  stride: number,
  idx: Int32Array,
  g: Float64Array,
  h: Float64Array,
  lo: number,
  hi: number,
  local: Int32Array,
): void {
  const nf = local.length;
  for (let s = lo; s < hi; s++) {
    const base = idx[s] * stride, gi = g[s], hi_ = h[s];
    for (let b = 0; b < nf; b++) {
      const o = b * _FEAT + rows[base + local[b]] * _C;
      hist[o] += gi;
      hist[o + 1] += hi_;
      hist[o + 2] += 1;
    }
  }
}

/** Rows of [lo, hi) with bin <= t first (in order), the others after them (in reverse order). */
function _partition(
  ws: BoostingWorkspace,
  rows: Uint8Array,
  stride: number,
  lo: number,
  hi: number,
  f: number,
  t: number,
): number {
  const { idx, g, h, tIdx, tg, th } = ws;
  let l = lo, r = hi - 1;
  for (let s = lo; s < hi; s++) {
    const i = idx[s];
    const goL = ((t - rows[i * stride + f]) >>> 31) ^ 1;
    const dst = r + (l - r) * goL;
    l += goL;
    r -= 1 - goL;
    tIdx[dst] = i;
    tg[dst] = g[s];
    th[dst] = h[s];
  }
  idx.set(tIdx.subarray(lo, hi), lo);
  g.set(tg.subarray(lo, hi), lo);
  h.set(th.subarray(lo, hi), lo);
  return l - lo;
}

/**
 * Adds the leaf score of `tree` of each binned row in [from, to) into `raw[i * k + c]` (training-time update
 * of the scores).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addBinnedTreeOutput } from "./boosting_tree.ts";
 * const tree = { feature: Int32Array.of(-1), threshold: Float64Array.of(0), thresholdBin: Int32Array.of(0),
 *   left: Int32Array.of(-1), right: Int32Array.of(-1), width: 1, value: Float64Array.of(0.5) };
 * const raw = new Float64Array(4);
 * addBinnedTreeOutput(tree, new Uint8Array(8), 4, 0, 2, raw, 2, 1);
 * assert(raw[1] === 0.5 && raw[3] === 0.5 && raw[0] === 0);
 * ```
 */
export function addBinnedTreeOutput(
  tree: FlatTree,
  rows: Uint8Array,
  stride: number,
  from: number,
  to: number,
  raw: Float64Array,
  k: number,
  c: number,
): void {
  const { feature, thresholdBin, left, right, value } = tree;
  for (let i = from; i < to; i++) {
    let node = 0, f = feature[0];
    const base = i * stride;
    while (f >= 0) {
      node = rows[base + f] <= thresholdBin[node] ? left[node] : right[node];
      f = feature[node];
    }
    raw[i * k + c] += value[node];
  }
}
