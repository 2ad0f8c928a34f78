/**
 * Grows one classification tree of the histogram random forest on binned rows. Everything random
 * comes from `deriveSeed(seed, treeIndex)`, so a tree is the same whichever thread builds it.
 *
 * Layout: each sampled row becomes one compact record (its feature bins, then its class byte) in a
 * byte buffer; records are partitioned in place at every split so histogram passes read memory in order.
 *
 * @module
 */
import { createRng, deriveSeed } from "./rng.ts";
import type { FlatTree } from "./tree.ts";
import type { BinnedData } from "./binning.ts";

export type { BinnedData };

/** The tree-growing parameters the forest tree needs. */
export interface ForestTreeParams {
  seed: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features tried per split. */
  mtry: number;
  bootstrap: boolean;
  maxSamples: number;
}

/** A grown tree and its (unnormalised) impurity decrease per feature. */
export interface ForestTreeResult {
  tree: FlatTree;
  importance: Float64Array;
}

const _NB = 256;

/** Buffers a thread reuses from tree to tree (records, weights, bootstrap counts); contents never carry over. */
export interface ForestWorkspace {
  counts: Int32Array;
  rec32: [Uint32Array, Uint32Array];
  rec8: [Uint8Array, Uint8Array];
  w: [Float64Array, Float64Array];
}

/**
 * Allocates the buffers `buildForestTree` needs for `data` (two record buffers, weights, counts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createForestWorkspace } from "./forest_tree.ts";
 * const ws = createForestWorkspace({ nRows: 10, stride: 4 });
 * assert(ws.rec8[0].length === 40 && ws.counts.length === 10);
 * ```
 */
export function createForestWorkspace(data: { nRows: number; stride: number }): ForestWorkspace {
  const n = data.nRows, words = (n * data.stride) >> 2;
  const a = new Uint32Array(words), b = new Uint32Array(words);
  return {
    counts: new Int32Array(n),
    rec32: [a, b],
    rec8: [new Uint8Array(a.buffer), new Uint8Array(b.buffer)],
    w: [new Float64Array(n), new Float64Array(n)],
  };
}

/**
 * Grows tree number `treeIndex`: bootstrap (or subsample) rows with its own seeded RNG, then split
 * depth-first on gini, trying `mtry` random features per split.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildForestTree } from "./forest_tree.ts";
 * // 4 rows, 1 feature with bins 0,0,1,1 and classes 0,0,1,1 (stride 4: bin, class, 2 pad bytes)
 * const rows = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
 * const data = { rows, stride: 4, nRows: 4, nFeatures: 1, nClasses: 2, nBins: new Int32Array([2]),
 *   edges: [new Float64Array([0.5])], rowWeight: new Float64Array([1, 1, 1, 1]) };
 * const { tree } = buildForestTree(data, { seed: 1, maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1,
 *   mtry: 1, bootstrap: false, maxSamples: 1 }, 0);
 * assert(tree.feature[0] === 0 && tree.threshold[0] === 0.5);
 * ```
 */
export function buildForestTree(
  data: BinnedData,
  p: ForestTreeParams,
  treeIndex: number,
  workspace: ForestWorkspace = createForestWorkspace(data),
): ForestTreeResult {
  const { stride, nRows: n, nFeatures: F, nClasses: K, nBins, edges } = data;
  // K class weight sums per bin, plus a record count only when minSamplesLeaf > 1 needs it (records all
  // have weight > 0, so with minSamplesLeaf = 1 "at least one record" is "weight > 0").
  const withCount = p.minSamplesLeaf > 1;
  const C = withCount ? K + 1 : K;
  const rng = createRng(deriveSeed(p.seed, treeIndex));

  // 1. Row multiplicities: bootstrap counts, or a subsample without replacement.
  const counts = workspace.counts;
  counts.fill(0);
  const nDraw = Math.max(1, Math.round(p.maxSamples * n));
  if (p.bootstrap) {
    for (let d = 0; d < nDraw; d++) counts[rng.int(n)]++;
  } else if (nDraw < n) {
    _selectionSample(rng, n, nDraw, counts);
  } else counts.fill(1);

  // 2. Records of the sampled rows, in time order.
  const rows32 = new Uint32Array(data.rows.buffer, data.rows.byteOffset, (n * stride) >> 2);
  const W4 = stride >> 2;
  let m = 0;
  for (let i = 0; i < n; i++) if (counts[i] > 0 && data.rowWeight[i] > 0) m++;
  const rec32 = workspace.rec32[0], rec = workspace.rec8[0], w = workspace.w[0];
  for (let i = 0, r = 0; i < n; i++) {
    if (counts[i] > 0 && data.rowWeight[i] > 0) {
      for (let k = 0; k < W4; k++) rec32[r * W4 + k] = rows32[i * W4 + k];
      w[r] = counts[i] * data.rowWeight[i];
      r++;
    }
  }
  // Ping-pong buffers: a node at depth d keeps its records in buffer d % 2 over its range [lo, hi), and its
  // split writes the children into the other buffer over the same range (siblings' ranges are disjoint).
  const bufs32 = workspace.rec32, bufs8 = workspace.rec8, bufsW = workspace.w;

  // 3. Grow depth-first.
  const cap = Math.min(2 ** Math.min(p.maxDepth + 1, 30) - 1, 2 * m + 1);
  const feature = new Int32Array(cap).fill(-1), threshold = new Float64Array(cap);
  const thresholdBin = new Int32Array(cap),
    left = new Int32Array(cap).fill(-1),
    right = new Int32Array(cap).fill(-1);
  const value = new Float64Array(cap * K);
  let nNodes = 0;
  const importance = new Float64Array(F);
  const pool = new Int32Array(F);
  for (let f = 0; f < F; f++) pool[f] = f;
  const feats = new Int32Array(F);
  const hist = new Float64Array(F * _NB * C);
  const cum = new Float64Array(C), bestL = new Float64Array(C), best = new Int32Array(2);

  const rootTot = new Float64Array(C);
  for (let i = 0; i < m; i++) rootTot[rec[i * stride + F]] += w[i];
  if (withCount) rootTot[K] = m;
  const newNode = (tot: Float64Array): number => {
    const id = nNodes++;
    let W = 0;
    for (let c = 0; c < K; c++) W += tot[c];
    for (let c = 0; c < K; c++) value[id * K + c] = W > 0 ? tot[c] / W : 1 / K;
    return id;
  };
  type Job = { id: number; lo: number; hi: number; depth: number; tot: Float64Array };
  const stack: Job[] = [{ id: newNode(rootTot), lo: 0, hi: m, depth: 0, tot: rootTot }];

  while (stack.length > 0) {
    const { id, lo, hi, depth, tot } = stack.pop()!;
    const cnt = hi - lo;
    let W = 0, sumSq = 0, nonZero = 0;
    for (let c = 0; c < K; c++) {
      W += tot[c];
      sumSq += tot[c] * tot[c];
      nonZero += tot[c] > 0 ? 1 : 0;
    }
    if (depth >= p.maxDepth || cnt < p.minSamplesSplit || cnt < 2 * p.minSamplesLeaf || nonZero <= 1) {
      continue;
    }
    const parentScore = sumSq / W;
    const par = depth & 1, src8 = bufs8[par], srcW = bufsW[par];

    let bestScore = parentScore + 1e-12 * W, bestF = -1, bestT = -1;
    best[0] = -1, best[1] = -1;
    let tried = 0;
    while (bestF < 0 && tried < F) {
      // Draw the next batch of mtry untried features (partial Fisher-Yates over `pool`).
      const batch = Math.min(p.mtry, F - tried);
      for (let b = 0; b < batch; b++) {
        const j = tried + b + rng.int(F - tried - b);
        const t = pool[tried + b];
        pool[tried + b] = pool[j];
        pool[j] = t;
        feats[b] = pool[tried + b];
      }
      tried += batch;
      if (withCount) _fillHistCount(hist, src8, srcW, lo, hi, stride, F, feats, batch, C, K, nBins);
      else _fillHist(hist, src8, srcW, lo, hi, stride, F, feats, batch, C, nBins);
      bestScore = _bestSplit(
        hist,
        feats,
        batch,
        nBins,
        C,
        K,
        tot,
        W,
        cnt,
        withCount,
        p.minSamplesLeaf,
        bestScore,
        cum,
        best,
        bestL,
      );
      bestF = best[0], bestT = best[1];
    }
    if (bestF < 0) continue;

    importance[bestF] += bestScore - parentScore;
    const totL = bestL.slice(), totR = new Float64Array(C);
    for (let c = 0; c < C; c++) totR[c] = tot[c] - totL[c];
    const idL = newNode(totL), idR = newNode(totR);
    feature[id] = bestF, thresholdBin[id] = bestT, threshold[id] = edges[bestF][bestT];
    left[id] = idL, right[id] = idR;
    if (depth + 1 >= p.maxDepth) continue; // the children are leaves: no need to move their records
    const nl = _partition(
      src8,
      bufs32[par],
      srcW,
      bufs32[par ^ 1],
      bufsW[par ^ 1],
      lo,
      hi,
      stride,
      bestF,
      bestT,
    );
    stack.push({ id: idR, lo: lo + nl, hi, depth: depth + 1, tot: totR });
    stack.push({ id: idL, lo, hi: lo + nl, depth: depth + 1, tot: totL });
  }

  return {
    tree: {
      feature: feature.slice(0, nNodes),
      threshold: threshold.slice(0, nNodes),
      thresholdBin: thresholdBin.slice(0, nNodes),
      left: left.slice(0, nNodes),
      right: right.slice(0, nNodes),
      width: K,
      value: value.slice(0, nNodes * K),
    },
    importance,
  };
}

function _bestSplit(
  hist: Float64Array,
  feats: Int32Array,
  batch: number,
  nBins: Int32Array,
  C: number,
  K: number,
  tot: Float64Array,
  W: number,
  cnt: number,
  withCount: boolean,
  minSamplesLeaf: number,
  bestScore: number,
  cum: Float64Array,
  best: Int32Array,
  bestL: Float64Array,
): number {
  for (let b = 0; b < batch; b++) {
    const f = feats[b], nb = nBins[f], base = b * _NB * C;
    cum.fill(0);
    // Last non-empty bin: thresholds at or above it would leave the right child empty.
    let tEnd = nb - 1;
    for (; tEnd > 0; tEnd--) {
      let wb = 0;
      for (let c = 0; c < C; c++) wb += hist[base + tEnd * C + c];
      if (wb > 0) break;
    }
    for (let t = 0; t < tEnd; t++) {
      const o = base + t * C;
      let wb = 0;
      for (let c = 0; c < C; c++) {
        cum[c] += hist[o + c];
        wb += hist[o + c];
      }
      if (wb === 0) continue; // empty bin: same split as the previous threshold
      if (withCount && (cum[K] < minSamplesLeaf || cnt - cum[K] < minSamplesLeaf)) continue;
      let wl = 0, sl = 0, sr = 0;
      for (let c = 0; c < K; c++) {
        const lv = cum[c], rv = tot[c] - lv;
        wl += lv;
        sl += lv * lv;
        sr += rv * rv;
      }
      const wr = W - wl;
      if (!(wl > 0 && wr > 0)) continue;
      const score = sl / wl + sr / wr;
      if (score > bestScore) {
        bestScore = score, best[0] = f, best[1] = t;
        bestL.set(cum);
      }
    }
  }
  return bestScore;
}

function _selectionSample(rng: { next(): number }, n: number, k: number, counts: Int32Array): void {
  // Selection sampling (Knuth's algorithm S): k distinct rows, each subset equally likely.
  let need = k;
  for (let i = 0; i < n && need > 0; i++) {
    if (rng.next() * (n - i) < need) {
      counts[i] = 1;
      need--;
    }
  }
}

function _fillHist(
  hist: Float64Array,
  rec: Uint8Array,
  w: Float64Array,
  lo: number,
  hi: number,
  stride: number,
  F: number,
  feats: Int32Array,
  batch: number,
  C: number,
  nBins: Int32Array,
): void {
  for (let b = 0; b < batch; b++) hist.fill(0, b * _NB * C, (b * _NB + nBins[feats[b]]) * C);
  const rowC = _NB * C;
  for (let i = lo; i < hi; i++) {
    const base = i * stride;
    const cls = rec[base + F];
    const wi = w[i];
    for (let b = 0; b < batch; b++) hist[b * rowC + rec[base + feats[b]] * C + cls] += wi;
  }
}

function _fillHistCount(
  hist: Float64Array,
  rec: Uint8Array,
  w: Float64Array,
  lo: number,
  hi: number,
  stride: number,
  F: number,
  feats: Int32Array,
  batch: number,
  C: number,
  K: number,
  nBins: Int32Array,
): void {
  for (let b = 0; b < batch; b++) hist.fill(0, b * _NB * C, (b * _NB + nBins[feats[b]]) * C);
  const rowC = _NB * C;
  for (let i = lo; i < hi; i++) {
    const base = i * stride;
    const cls = rec[base + F];
    const wi = w[i];
    for (let b = 0; b < batch; b++) {
      const o = b * rowC + rec[base + feats[b]] * C;
      hist[o + cls] += wi;
      hist[o + K] += 1;
    }
  }
}

function _partition(
  rec: Uint8Array,
  rec32: Uint32Array,
  w: Float64Array,
  s32: Uint32Array,
  sw: Float64Array,
  lo: number,
  hi: number,
  stride: number,
  f: number,
  t: number,
): number {
  const W4 = stride >> 2;
  let l = lo, r = hi - 1;
  for (let i = lo; i < hi; i++) {
    const goL = ((t - rec[i * stride + f]) >>> 31) ^ 1; // 1 when bin <= t, without a branch
    const dst = r + (l - r) * goL;
    l += goL;
    r -= 1 - goL;
    const si = i * W4, di = dst * W4;
    for (let k = 0; k < W4; k++) s32[di + k] = rec32[si + k];
    sw[dst] = w[i];
  }
  return l - lo;
}
