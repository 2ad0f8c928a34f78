/**
 * Grows one classification tree of the histogram random forest on binned rows. Everything random
 * comes from `deriveSeed(seed, treeIndex)`, so a tree is the same whichever thread builds it.
 *
 * Layout: the bins are column-major bytes (one 1-byte-per-row column per feature, see `ForestData`). A tree
 * keeps its sampled rows as a list of row indices with their class and weight, and partitions that list
 * (not the rows) at every split, ping-ponging between two buffers; a histogram pass reads one feature
 * column at the node's row indices, which stay sorted (ascending or descending) within a node.
 *
 * @module
 */
import { createRng, deriveSeed } from "./rng.ts";
import type { FlatTree } from "./tree.ts";
import type { ForestData } from "./forest_data.ts";

export type { ForestData };

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

/**
 * Buffers a thread reuses from tree to tree and fit to fit (row lists, weights, classes, counts,
 * histograms); contents never carry over. Arrays may be longer than the data's row count.
 */
export interface ForestWorkspace {
  counts: Int32Array;
  hist: Float64Array;
  idx: [Int32Array, Int32Array];
  w: [Float64Array, Float64Array];
  cls: [Uint8Array, Uint8Array];
}

/**
 * Allocates the buffers `buildForestTree` needs for `nRows` training rows (enough for any data with at most
 * `nRows` rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createForestWorkspace } from "./forest_tree.ts";
 * const ws = createForestWorkspace({ nRows: 10 });
 * assert(ws.idx[0].length === 10 && ws.counts.length === 10);
 * ```
 */
export function createForestWorkspace(data: { nRows: number }): ForestWorkspace {
  const n = data.nRows;
  return {
    counts: new Int32Array(n),
    hist: new Float64Array(0),
    idx: [new Int32Array(n), new Int32Array(n)],
    w: [new Float64Array(n), new Float64Array(n)],
    cls: [new Uint8Array(n), new Uint8Array(n)],
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
 * // 4 rows, 1 feature with bins 0,0,1,1 and classes 0,0,1,1
 * const data = { bins: new Uint8Array([0, 0, 1, 1]), y: new Uint8Array([0, 0, 1, 1]), nRows: 4, nFeatures: 1,
 *   nClasses: 2, nBins: new Int32Array([2]), edges: [new Float64Array([0.5])], rowWeight: new Float64Array([1, 1, 1, 1]) };
 * const { tree } = buildForestTree(data, { seed: 1, maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1,
 *   mtry: 1, bootstrap: false, maxSamples: 1 }, 0);
 * assert(tree.feature[0] === 0 && tree.threshold[0] === 0.5);
 * ```
 */
export function buildForestTree(
  data: ForestData,
  p: ForestTreeParams,
  treeIndex: number,
  workspace: ForestWorkspace = createForestWorkspace(data),
): ForestTreeResult {
  const { nRows: n, nFeatures: F, nClasses: K, nBins, edges, bins } = data;
  // K class weight sums per bin, plus a record count only when minSamplesLeaf > 1 needs it (records all
  // have weight > 0, so with minSamplesLeaf = 1 "at least one record" is "weight > 0").
  const withCount = p.minSamplesLeaf > 1;
  const C = withCount ? K + 1 : K;
  const rng = createRng(deriveSeed(p.seed, treeIndex));
  const cols = Array.from({ length: F }, (_, f) => bins.subarray(f * n, (f + 1) * n));

  // 1. Row multiplicities: bootstrap counts, or a subsample without replacement.
  const counts = workspace.counts;
  counts.fill(0, 0, n);
  const nDraw = Math.max(1, Math.round(p.maxSamples * n));
  if (p.bootstrap) {
    rng.countDraws(n, nDraw, counts);
  } else if (nDraw < n) {
    _selectionSample(rng, n, nDraw, counts);
  } else counts.fill(1, 0, n);

  // 2. The sampled rows (weight > 0), in time order, with their class and weight.
  const idx = workspace.idx[0], w = workspace.w[0], cls = workspace.cls[0];
  const rowWeight = data.rowWeight, yAll = data.y;
  let m = 0;
  for (let i = 0; i < n; i++) {
    // Written for every row, kept (m advances) only for drawn rows of positive weight: no branch to miss.
    const wi = counts[i] * rowWeight[i];
    idx[m] = i;
    w[m] = wi;
    cls[m] = yAll[i];
    m += wi > 0 ? 1 : 0;
  }
  // Ping-pong buffers: a node at depth d keeps its rows in buffer d % 2 over its range [lo, hi), and its
  // split writes the children into the other buffer over the same range (siblings' ranges are disjoint).
  const bufI = workspace.idx, bufW = workspace.w, bufC = workspace.cls;

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
  const histLen = Math.min(p.mtry, F) * _NB * C;
  if (workspace.hist.length < histLen) workspace.hist = new Float64Array(histLen);
  const hist = workspace.hist;
  const cum = new Float64Array(C), bestL = new Float64Array(C), best = new Int32Array(2);

  const rootTot = new Float64Array(C);
  for (let i = 0; i < m; i++) rootTot[cls[i]] += w[i];
  if (withCount) rootTot[K] = m;
  const newNode = (tot: Float64Array): number => {
    const id = nNodes++;
    let W = 0;
    for (let c = 0; c < K; c++) W += tot[c];
    // a right child's weights are parent minus left: with fractional class weights a class the child does
    // not hold can come out as -1e-16, which would be a negative probability; it is 0
    for (let c = 0; c < K; c++) value[id * K + c] = W > 0 ? (tot[c] > 0 ? tot[c] : 0) / W : 1 / K;
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
    const par = depth & 1, srcI = bufI[par], srcW = bufW[par], srcC = bufC[par];

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
      _fillHistograms(hist, cols, feats, batch, nBins, srcI, srcW, srcC, lo, hi, C, K, withCount);
      bestScore = C === 3 && !withCount
        ? _bestSplit3(hist, feats, batch, nBins, tot, W, bestScore, best, bestL)
        : _bestSplit(
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
    if (depth + 1 >= p.maxDepth) continue; // the children are leaves: no need to move their rows
    const q = par ^ 1;
    const nl = _partition(cols[bestF], bestT, srcI, srcW, srcC, bufI[q], bufW[q], bufC[q], lo, hi);
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

/**
 * Histograms of the node's rows `[lo, hi)` for features `feats[0..batch)`: feature b's bins at
 * `hist[(b * 256 + bin) * C + class]` (class weight sums, plus a row count at K when `withCount`).
 */
function _fillHistograms(
  hist: Float64Array,
  cols: Uint8Array[],
  feats: Int32Array,
  batch: number,
  nBins: Int32Array,
  idx: Int32Array,
  w: Float64Array,
  cls: Uint8Array,
  lo: number,
  hi: number,
  C: number,
  K: number,
  withCount: boolean,
): void {
  const S = _NB * C;
  for (let b = 0; b < batch; b++) hist.fill(0, b * S, b * S + nBins[feats[b]] * C);
  if (withCount) {
    for (let b = 0; b < batch; b++) _fillHistCount(hist, b * S, cols[feats[b]], idx, w, cls, lo, hi, C, K);
    return;
  }
  // Up to five features per pass over the rows: their histogram updates are independent, so they overlap.
  let b = 0;
  for (; b + 4 < batch; b += 5) {
    const f = feats;
    _fillHist5(
      hist,
      b * S,
      cols[f[b]],
      cols[f[b + 1]],
      cols[f[b + 2]],
      cols[f[b + 3]],
      cols[f[b + 4]],
      idx,
      w,
      cls,
      lo,
      hi,
      C,
    );
  }
  for (; b + 2 < batch; b += 3) {
    _fillHist3(hist, b * S, cols[feats[b]], cols[feats[b + 1]], cols[feats[b + 2]], idx, w, cls, lo, hi, C);
  }
  if (b + 1 < batch) _fillHist2(hist, b * S, cols[feats[b]], cols[feats[b + 1]], idx, w, cls, lo, hi, C);
  else if (b < batch) _fillHist(hist, b * S, cols[feats[b]], idx, w, cls, lo, hi, C);
}

function _fillHist(
  hist: Float64Array,
  o: number,
  col: Uint8Array,
  idx: Int32Array,
  w: Float64Array,
  cls: Uint8Array,
  lo: number,
  hi: number,
  C: number,
): void {
  for (let i = lo; i < hi; i++) hist[o + col[idx[i]] * C + cls[i]] += w[i];
}

function _fillHistCount(
  hist: Float64Array,
  o: number,
  col: Uint8Array,
  idx: Int32Array,
  w: Float64Array,
  cls: Uint8Array,
  lo: number,
  hi: number,
  C: number,
  K: number,
): void {
  for (let i = lo; i < hi; i++) {
    const h = o + col[idx[i]] * C;
    hist[h + cls[i]] += w[i];
    hist[h + K] += 1;
  }
}

function _partition(
  col: Uint8Array,
  t: number,
  si: Int32Array,
  sw: Float64Array,
  sc: Uint8Array,
  di: Int32Array,
  dw: Float64Array,
  dc: Uint8Array,
  lo: number,
  hi: number,
): number {
  // Left rows keep their order from the front, right rows fill from the back (so each child's row
  // indices stay monotonic), without a branch.
  let l = lo, r = hi - 1;
  for (let i = lo; i < hi; i++) {
    const row = si[i];
    const goL = ((t - col[row]) >>> 31) ^ 1; // 1 when bin <= t
    const dst = r + (l - r) * goL;
    l += goL;
    r -= 1 - goL;
    di[dst] = row;
    dw[dst] = sw[i];
    dc[dst] = sc[i];
  }
  return l - lo;
}

function _fillHist2(
  hist: Float64Array,
  o: number,
  col1: Uint8Array,
  col2: Uint8Array,
  idx: Int32Array,
  w: Float64Array,
  cls: Uint8Array,
  lo: number,
  hi: number,
  C: number,
): void {
  const o2 = o + _NB * C;
  for (let i = lo; i < hi; i++) {
    const r = idx[i], c = cls[i], wi = w[i];
    hist[o + col1[r] * C + c] += wi;
    hist[o2 + col2[r] * C + c] += wi;
  }
}

function _bestSplit3(
  hist: Float64Array,
  feats: Int32Array,
  batch: number,
  nBins: Int32Array,
  tot: Float64Array,
  W: number,
  bestScore: number,
  best: Int32Array,
  bestL: Float64Array,
): number {
  const t0 = tot[0], t1 = tot[1], t2 = tot[2];
  for (let b = 0; b < batch; b++) {
    const f = feats[b], base = b * _NB * 3;
    let tEnd = nBins[f] - 1;
    for (; tEnd > 0; tEnd--) {
      const o = base + tEnd * 3;
      if (hist[o] + hist[o + 1] + hist[o + 2] > 0) break;
    }
    let c0 = 0, c1 = 0, c2 = 0;
    for (let t = 0, o = base; t < tEnd; t++, o += 3) {
      const h0 = hist[o], h1 = hist[o + 1], h2 = hist[o + 2];
      if (h0 + h1 + h2 === 0) continue; // empty bin: same split as the previous threshold
      c0 += h0, c1 += h1, c2 += h2;
      const wl = c0 + c1 + c2, wr = W - wl;
      if (!(wl > 0 && wr > 0)) continue;
      const r0 = t0 - c0, r1 = t1 - c1, r2 = t2 - c2;
      const score = (c0 * c0 + c1 * c1 + c2 * c2) / wl + (r0 * r0 + r1 * r1 + r2 * r2) / wr;
      if (score > bestScore) {
        bestScore = score, best[0] = f, best[1] = t;
        bestL[0] = c0, bestL[1] = c1, bestL[2] = c2;
      }
    }
  }
  return bestScore;
}

function _fillHist3(
  hist: Float64Array,
  o: number,
  col1: Uint8Array,
  col2: Uint8Array,
  col3: Uint8Array,
  idx: Int32Array,
  w: Float64Array,
  cls: Uint8Array,
  lo: number,
  hi: number,
  C: number,
): void {
  const o2 = o + _NB * C, o3 = o2 + _NB * C;
  for (let i = lo; i < hi; i++) {
    const r = idx[i], c = cls[i], wi = w[i];
    hist[o + col1[r] * C + c] += wi;
    hist[o2 + col2[r] * C + c] += wi;
    hist[o3 + col3[r] * C + c] += wi;
  }
}

function _fillHist5(
  hist: Float64Array,
  o: number,
  col1: Uint8Array,
  col2: Uint8Array,
  col3: Uint8Array,
  col4: Uint8Array,
  col5: Uint8Array,
  idx: Int32Array,
  w: Float64Array,
  cls: Uint8Array,
  lo: number,
  hi: number,
  C: number,
): void {
  const S = _NB * C, o2 = o + S, o3 = o2 + S, o4 = o3 + S, o5 = o4 + S;
  for (let i = lo; i < hi; i++) {
    const r = idx[i], c = cls[i], wi = w[i];
    hist[o + col1[r] * C + c] += wi;
    hist[o2 + col2[r] * C + c] += wi;
    hist[o3 + col3[r] * C + c] += wi;
    hist[o4 + col4[r] * C + c] += wi;
    hist[o5 + col5[r] * C + c] += wi;
  }
}
