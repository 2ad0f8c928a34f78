/**
 * Grows one regression tree of the gradient-boosted ensemble on binned rows, from per-row gradients and
 * hessians, best-first (the leaf with the largest gain splits next) up to `maxLeaves` leaves and
 * `maxDepth` levels. Rows are kept as a partition of row indices carrying each row's gradient and hessian
 * (`RowSet`: a split moves 20 bytes a row; histogram passes read gradients and hessians in order); the larger
 * child's histograms are the parent's minus the smaller child's.
 *
 * Several threads can grow the same tree together: each builds the histograms of its own block of features
 * (`SplitExchange`), publishes its best split per new leaf, and after a barrier every thread picks the same
 * winner (the larger gain; on a tie the lower feature, exactly as one thread scanning every feature does).
 * The threads share the partition: each partitions its chunk of the winning leaf's rows, and after a barrier
 * moves it to where one thread partitioning all the rows would have put it. A feature's histogram is always
 * summed in the same row order, so 1, 2 or N threads grow bit-identical trees.
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

/** How the threads growing trees agree on their splits (one thread: `nThreads` 1, a no-op barrier). */
export interface SplitExchange {
  nThreads: number;
  thread: number;
  /** Trees grown side by side (each publishes in its own group of slots). */
  groups: number;
  /** Candidate slots, `candidateSlots(nThreads, groups)` numbers, shared by the threads. */
  cand: Float64Array;
  /** Returns when every thread has called it (throws if another thread failed). */
  barrier: () => void;
  /**
   * Bank of candidate slots in use (0 or 1), flipped before each round of publications and kept from tree
   * to tree: a thread may publish the next candidates while a slower one still reads the last ones.
   */
  bank: number;
  /**
   * Rows going left in each thread's chunk of the leaf being split, `groups * nThreads` Int32 shared by the
   * threads (each thread partitions its own chunk of the leaf's rows).
   */
  counts: Int32Array;
}

/** Numbers of the candidate slots a {@link SplitExchange} needs for `nThreads` threads and `groups` trees. */
export function candidateSlots(nThreads: number, groups = 1): number {
  return nThreads * 2 * groups * 2 * _CAND;
}

/** A one-thread exchange for one tree. */
export function soloExchange(): SplitExchange {
  return {
    nThreads: 1,
    thread: 0,
    groups: 1,
    cand: new Float64Array(candidateSlots(1)),
    barrier: () => {},
    bank: 0,
    counts: new Int32Array(1),
  };
}

const _NB = 256;
/** A histogram: per feature and bin, gradient and hessian sums at `gh[2 * (f * 256 + bin)]` and `+ 1`, and
 * the row count at `cnt[f * 256 + bin]` (two numbers per bin, not three, keep the hot loop's memory small). */
interface _Hist {
  gh: Float64Array;
  cnt: Int32Array;
}
const _CAND = 6; // gain, feature, bin, gl, hl, rows going left

interface _Leaf {
  id: number;
  lo: number;
  hi: number;
  depth: number;
  g: number;
  h: number;
  hist: _Hist | null;
  gain: number;
  /** Global feature id of the best split, -1 when the leaf does not split. */
  f: number;
  t: number;
  gl: number;
  hl: number;
  /** Rows going left at the best split (the histogram's count up to its bin). */
  nl: number;
}

/**
 * Rows of the partition, position by position: the row index and the row's gradient and hessian (carried
 * along by every split, so histogram passes read them in order instead of one cache line per row).
 */
export interface RowSet {
  idx: Int32Array;
  g: Float64Array;
  h: Float64Array;
}

/** A row set of `n` rows, in `buf` (e.g. shared memory, at least `20 * n` bytes) or in fresh memory. */
export function rowSet(n: number, buf?: ArrayBufferLike): RowSet {
  if (buf) {
    return {
      g: new Float64Array(buf, 0, n),
      h: new Float64Array(buf, 8 * n, n),
      idx: new Int32Array(buf, 16 * n, n),
    };
  }
  return { idx: new Int32Array(n), g: new Float64Array(n), h: new Float64Array(n) };
}

/**
 * Per-thread, per-tree scratch memory kept from tree to tree (and fit to fit): the row partition (for one
 * thread; threads growing a tree together share theirs) and its scratch set, and histogram buffers.
 */
export class BoostingWorkspace {
  sets: [RowSet, RowSet] = [rowSet(0), rowSet(0)];
  #free: _Hist[] = [];
  #bins = 0;

  /** Makes room for histograms of `nFeatures` features, and for `n` rows in `sets` unless `rowSets` is false. */
  ensure(n: number, nFeatures: number, rowSets = true): void {
    if (rowSets && this.sets[0].idx.length < n) this.sets = [rowSet(n), rowSet(n)];
    const bins = Math.max(1, nFeatures) * _NB;
    if (bins > this.#bins) this.#bins = bins, this.#free = [];
  }

  /** A histogram whose first `bins` bins (features x 256) are zero. */
  take(bins: number): _Hist {
    let h = this.#free.pop();
    if (h === undefined) {
      const buf = new ArrayBuffer(this.#bins * 20);
      h = {
        gh: new Float64Array(buf, 0, 2 * this.#bins),
        cnt: new Int32Array(buf, 16 * this.#bins, this.#bins),
      };
    }
    h.gh.fill(0, 0, 2 * bins);
    h.cnt.fill(0, 0, bins);
    return h;
  }

  give(h: _Hist): void {
    if (h.cnt.length === this.#bins) this.#free.push(h);
  }
}

/**
 * One tree grown step by step, so that several trees (the classes of a round) can share each barrier:
 * `start` (rows, gradients, features), `fillRoot`, `publishRoot`, barrier, `combineRoot`, then
 * `splitNext` / barrier / `publishSplit` / barrier / `combineSplit` while `splitNext` returns true, then
 * `finish`.
 */
export class TreeGrowth {
  readonly gain: Float64Array;
  /** This thread's features of the tree (ascending) and the root's rows (`idx[0..m)`), set by `start`. */
  local = new Int32Array(0);
  m = 0;
  rootHist: _Hist | null = null;
  #leaves: _Leaf[] = [];
  #nLeaves = 1;
  #pending: _Leaf[] = [];
  #feature: number[] = [];
  #threshold: number[] = [];
  #thresholdBin: number[] = [];
  #left: number[] = [];
  #right: number[] = [];
  #value: number[] = [];
  #bins = 0;
  #sets: [RowSet, RowSet] | null;
  /** The binned rows as 4-byte words. */
  #rows32: Uint32Array;
  #sample: Int32Array | null = null;
  #grad: Float64Array = new Float64Array(0);
  #hess: Float64Array = new Float64Array(0);
  /** The leaves of the last finished tree (their row ranges in the partition). */
  #done: _Leaf[] = [];
  /** The leaf being split (between `splitNext` and `publishSplit`). */
  #cur: _Leaf | null = null;

  constructor(
    readonly data: BinnedData,
    readonly p: BoostingTreeParams,
    readonly ws: BoostingWorkspace,
    readonly ex: SplitExchange,
    /** This tree's group of candidate slots. */
    readonly group = 0,
    /** The rows' partition and scratch set shared by the threads growing the tree (one thread: none). */
    sets: [RowSet, RowSet] | null = null,
  ) {
    this.#sets = sets;
    const { rows, stride } = data;
    if (stride % 4 !== 0) {
      throw new Error(`boosting: the binned rows' stride must be a multiple of 4, got ${stride}`);
    }
    this.#rows32 = rows.byteOffset % 4 === 0
      ? new Uint32Array(rows.buffer, rows.byteOffset, rows.length >> 2)
      : new Uint32Array(rows.slice().buffer, 0, rows.length >> 2);
    this.gain = new Float64Array(data.nFeatures);
  }

  /**
   * Takes the rows (`sample[s]`, or `s` when `sample` is null, for s < m) and the gradients and hessians
   * (indexed by row), sums them, and picks this thread's features of `feats`. The root
   * histogram (`rootHist`) is zero: fill it with `fillRoot()`.
   */
  start(
    sample: Int32Array | null,
    m: number,
    grad: Float64Array,
    hess: Float64Array,
    feats: Int32Array,
  ): void {
    const { data, ex, ws } = this;
    const F = data.nFeatures;
    const fLo = Math.floor((ex.thread * F) / ex.nThreads),
      fHi = Math.floor(((ex.thread + 1) * F) / ex.nThreads);
    let nLocal = 0;
    for (let b = 0; b < feats.length; b++) if (feats[b] >= fLo && feats[b] < fHi) nLocal++;
    const local = new Int32Array(nLocal);
    for (let b = 0, k = 0; b < feats.length; b++) {
      if (feats[b] >= fLo && feats[b] < fHi) local[k++] = feats[b];
    }
    this.local = local;
    this.#bins = nLocal * _NB;
    ws.ensure(data.nRows, fHi - fLo, this.#sets === null);
    // This thread's share of the row set (the first split reads it after the root's barrier).
    const { idx, g, h } = this.#rows()[0], N = ex.nThreads;
    const s1 = Math.floor(((ex.thread + 1) * m) / N);
    for (let s = Math.floor((ex.thread * m) / N); s < s1; s++) {
      const i = sample === null ? s : sample[s];
      idx[s] = i, g[s] = grad[i], h[s] = hess[i];
    }
    let G = 0, H = 0;
    for (let s = 0; s < m; s++) {
      const i = sample === null ? s : sample[s];
      G += grad[i];
      H += hess[i];
    }
    this.#sample = sample, this.#grad = grad, this.#hess = hess;
    this.m = m;
    this.gain.fill(0);
    this.#feature = [], this.#threshold = [], this.#thresholdBin = [], this.#left = [], this.#right = [];
    this.#value = [];
    this.rootHist = ws.take(this.#bins);
    this.#leaves = [this.#leafOf(this.#newNode(G, H), 0, m, 0, G, H, this.rootHist)];
    this.#nLeaves = 1;
  }

  /** Fills the root histogram (reads the rows and gradients by row index, not the row set). */
  fillRoot(): void {
    const { data } = this;
    _fillRootHist(
      this.rootHist!,
      data.rows,
      data.stride,
      this.#sample,
      this.m,
      this.#grad,
      this.#hess,
      this.local,
    );
  }

  #rows(): [RowSet, RowSet] {
    return this.#sets ?? this.ws.sets;
  }

  publishRoot(): void {
    this.#pending = [this.#leaves[0]];
    this.#publish(this.#leaves[0], 0);
  }

  combineRoot(): void {
    this.#combine(this.#leaves[0], 0);
  }

  /**
   * Picks the best leaf (every thread picks the same) and partitions this thread's chunk of its rows into the
   * scratch set, recording the chunk's left count; false when no leaf can split (the tree is done). Then a
   * barrier, then {@link publishSplit}.
   */
  splitNext(): boolean {
    const { p, data, ex } = this;
    const leaves = this.#leaves;
    this.#pending = [], this.#cur = null;
    if (this.#nLeaves >= p.maxLeaves) return false;
    let bi = -1;
    for (let k = 0; k < leaves.length; k++) {
      if (leaves[k].f >= 0 && (bi < 0 || leaves[k].gain > leaves[bi].gain)) bi = k;
    }
    if (bi < 0) return false;
    const L = leaves[bi];
    leaves.splice(bi, 1);
    this.#cur = L;
    const [rows, tmp] = this.#rows(), N = ex.nThreads, len = L.hi - L.lo, f = L.f;
    const c0 = L.lo + Math.floor((ex.thread * len) / N), c1 = L.lo + Math.floor(((ex.thread + 1) * len) / N);
    const [col, cs, co] = data.cols ? [data.cols, 1, f * data.nRows] : [data.rows, data.stride, f];
    ex.counts[this.group * N + ex.thread] = _partitionChunk(rows, tmp, col, cs, co, c0, c1, L.t);
    return true;
  }

  /**
   * After the barrier: moves this thread's chunk to its place in the leaf's rows (left rows in order, then
   * the right rows in reverse order, as one thread partitioning them all), builds the smaller child's
   * histograms from the scratch set in that same order, derives the larger's, and publishes both children's
   * best splits.
   */
  publishSplit(): void {
    const { ws, data, ex } = this;
    const L = this.#cur!;
    const f = L.f, nl = L.nl;
    this.gain[f] += L.gain;
    const gr = L.g - L.gl, hr = L.h - L.hl;
    const idL = this.#newNode(L.gl, L.hl), idR = this.#newNode(gr, hr);
    this.#feature[L.id] = f, this.#thresholdBin[L.id] = L.t, this.#threshold[L.id] = data.edges[f][L.t];
    this.#left[L.id] = idL, this.#right[L.id] = idR;
    const lo = L.lo, mid = L.lo + nl, hi = L.hi, bins = this.#bins, len = hi - lo;
    const N = ex.nThreads, counts = ex.counts, cb = this.group * N;
    const [rows, tmp] = this.#rows();
    const chunk = (u: number) => lo + Math.floor((u * len) / N);
    let left = 0, rightAfter = 0;
    for (let u = 0; u < N; u++) {
      left += counts[cb + u];
      if (u > ex.thread) rightAfter += chunk(u + 1) - chunk(u) - counts[cb + u];
    }
    if (left !== nl) throw new Error(`boosting split: ${left} rows went left, the histogram counted ${nl}`);
    let leftBefore = 0;
    for (let u = 0; u < ex.thread; u++) leftBefore += counts[cb + u];
    const c0 = chunk(ex.thread), c1 = chunk(ex.thread + 1), k = counts[cb + ex.thread];
    _moveRows(tmp, rows, c0, c0 + k, lo + leftBefore);
    _moveRows(tmp, rows, c0 + k, c1, mid + rightAfter);
    // The smaller child's histogram (from the scratch set, chunk by chunk in the final order), the larger
    // one by subtraction (reuses the parent's array).
    const small = ws.take(bins);
    const leftSmaller = nl <= hi - mid;
    if (leftSmaller) {
      for (let u = 0; u < N; u++) {
        const a = chunk(u);
        _fillHist(small, this.#rows32, data.stride >> 2, tmp, a, a + counts[cb + u], this.local);
      }
    } else {
      for (let u = N - 1; u >= 0; u--) {
        _fillHist(
          small,
          this.#rows32,
          data.stride >> 2,
          tmp,
          chunk(u) + counts[cb + u],
          chunk(u + 1),
          this.local,
        );
      }
    }
    const big = L.hist!, bgh = big.gh, sgh = small.gh, bc = big.cnt, sc = small.cnt;
    for (let k = 0; k < 2 * bins; k++) bgh[k] -= sgh[k];
    for (let k = 0; k < bins; k++) bc[k] -= sc[k];
    const cl = this.#leafOf(idL, lo, mid, L.depth + 1, L.gl, L.hl, leftSmaller ? small : big);
    const cr = this.#leafOf(idR, mid, hi, L.depth + 1, gr, hr, leftSmaller ? big : small);
    this.#publish(cl, 0);
    this.#publish(cr, 1);
    this.#pending = [cl, cr];
  }

  combineSplit(): void {
    const [cl, cr] = this.#pending;
    this.#combine(cl, 0);
    this.#combine(cr, 1);
    this.#leaves.push(cl, cr);
    this.#nLeaves++;
  }

  /** The grown tree (leaf scores scaled by the learning rate); releases the histogram buffers. */
  finish(): FlatTree {
    for (const l of this.#leaves) if (l.hist !== null) this.ws.give(l.hist), l.hist = null;
    this.#done = this.#leaves;
    this.#leaves = [], this.#pending = [], this.rootHist = null;
    return {
      feature: Int32Array.from(this.#feature),
      threshold: Float64Array.from(this.#threshold),
      thresholdBin: Int32Array.from(this.#thresholdBin),
      left: Int32Array.from(this.#left),
      right: Int32Array.from(this.#right),
      width: 1,
      value: Float64Array.from(this.#value),
    };
  }

  /**
   * After `finish`, adds each row's leaf score into `raw[i * k + c]`, for this thread's share of the
   * partition's positions (the rows the tree was grown on; every thread's share together covers them once):
   * the same sum as walking the tree over each row's bins, without the walk. The other threads' shares are
   * done only after the next barrier.
   */
  addLeafScores(raw: Float64Array, k: number, c: number): void {
    const { ex, m } = this, idx = this.#rows()[0].idx, value = this.#value;
    const s0 = Math.floor((ex.thread * m) / ex.nThreads),
      s1 = Math.floor(((ex.thread + 1) * m) / ex.nThreads);
    for (const l of this.#done) {
      const v = value[l.id], b = Math.min(l.hi, s1);
      for (let s = Math.max(l.lo, s0); s < b; s++) raw[idx[s] * k + c] += v;
    }
  }

  #newNode(gs: number, hs: number): number {
    const p = this.p;
    this.#feature.push(-1), this.#threshold.push(0), this.#thresholdBin.push(0);
    this.#left.push(-1), this.#right.push(-1);
    this.#value.push(hs + p.l2 > 0 ? (-gs / (hs + p.l2)) * p.learningRate : 0);
    return this.#feature.length - 1;
  }

  #leafOf(
    id: number,
    lo: number,
    hi: number,
    depth: number,
    g: number,
    h: number,
    hist: _Hist,
  ): _Leaf {
    return { id, lo, hi, depth, g, h, hist, gain: 0, f: -1, t: 0, gl: 0, hl: 0, nl: 0 };
  }

  #slot(thread: number, slot: number): number {
    const ex = this.ex;
    return (((thread * 2 + ex.bank) * ex.groups + this.group) * 2 + slot) * _CAND;
  }

  /** Scans this thread's features of `leaf` and publishes its best split in `slot` of the current bank. */
  #publish(leaf: _Leaf, slot: number): void {
    const { p, ex } = this;
    const cand = ex.cand, o = this.#slot(ex.thread, slot);
    cand[o] = 0, cand[o + 1] = -1;
    const cnt = leaf.hi - leaf.lo;
    if (leaf.depth >= p.maxDepth || cnt < 2 * p.minSamplesLeaf) return;
    const { gh, cnt: count } = leaf.hist!, local = this.local, nBins = this.data.nBins;
    const parent = (leaf.g * leaf.g) / (leaf.h + p.l2);
    let best = 1e-12;
    for (let b = 0; b < local.length; b++) {
      const base = b * _NB, nb = nBins[local[b]];
      let gl = 0, hl = 0, cl = 0;
      for (let t = 0; t < nb - 1; t++) {
        const c = count[base + t];
        if (c === 0) continue;
        const o2 = (base + t) << 1;
        gl += gh[o2], hl += gh[o2 + 1], cl += c;
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
          cand[o + 5] = cl;
        }
      }
    }
  }

  /** After the barrier: the best of every thread's candidates, first thread (lowest features) on a tie. */
  #combine(leaf: _Leaf, slot: number): void {
    const cand = this.ex.cand;
    let best = 1e-12;
    leaf.gain = 0, leaf.f = -1;
    for (let w = 0; w < this.ex.nThreads; w++) {
      const o = this.#slot(w, slot);
      if (cand[o + 1] >= 0 && cand[o] > best) {
        best = cand[o];
        leaf.gain = cand[o], leaf.f = cand[o + 1], leaf.t = cand[o + 2], leaf.gl = cand[o + 3];
        leaf.hl = cand[o + 4], leaf.nl = cand[o + 5];
      }
    }
    if (leaf.f < 0 && leaf.hist !== null) this.ws.give(leaf.hist), leaf.hist = null;
  }
}

/**
 * Grows several trees on the same rows side by side (one per class), sharing each barrier of `ex` (whose
 * `groups` is `growths.length`) and one pass over the rows for all root histograms.
 * `grads[c]` / `hesses[c]` are indexed by row; `gainOut` receives the split gains per tree and feature.
 */
export function growTrees(
  growths: TreeGrowth[],
  sample: Int32Array | null,
  m: number,
  grads: Float64Array[],
  hesses: Float64Array[],
  feats: Int32Array[],
): FlatTree[] {
  const ex = growths[0].ex;
  for (let c = 0; c < growths.length; c++) growths[c].start(sample, m, grads[c], hesses[c], feats[c]);
  // One pass per tree: each pass's histograms stay in cache (one pass for all trees was slower).
  for (const t of growths) t.fillRoot();
  ex.bank ^= 1;
  for (const t of growths) t.publishRoot();
  ex.barrier();
  for (const t of growths) t.combineRoot();
  const active = growths.map(() => true);
  for (;;) {
    ex.bank ^= 1;
    let any = false;
    for (let c = 0; c < growths.length; c++) {
      if (active[c]) active[c] = growths[c].splitNext(), any ||= active[c];
    }
    if (!any) break;
    ex.barrier();
    for (let c = 0; c < growths.length; c++) if (active[c]) growths[c].publishSplit();
    ex.barrier();
    for (let c = 0; c < growths.length; c++) if (active[c]) growths[c].combineSplit();
  }
  return growths.map((t) => t.finish());
}

/**
 * Grows one tree alone (see {@link TreeGrowth}): rows `sample[s]` (or `s`), s < m, gradients and hessians
 * indexed by row, splits on `feats` (ascending ids); adds the split gains to `gainOut`.
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
): FlatTree {
  const t = new TreeGrowth(data, p, ws, soloExchange());
  const [tree] = growTrees([t], sample, m, [grad], [hess], [feats]);
  for (let f = 0; f < gainOut.length; f++) gainOut[f] += t.gain[f];
  return tree;
}

const _GATHER = 512;
let _scratch = new Uint32Array(0), _scratchBytes = new Uint8Array(0);

/**
 * Adds the rows at positions [lo, hi) of `set` into `hist`. Chunk by chunk, the words of each row holding
 * this thread's features are first gathered into a contiguous scratch (independent loads, so many cache
 * misses overlap), then summed in order.
 */
function _fillHist(
  hist: _Hist,
  rows32: Uint32Array,
  S: number,
  set: RowSet,
  lo: number,
  hi: number,
  local: Int32Array,
): void {
  const nf = local.length, { gh, cnt } = hist, { idx, g, h } = set;
  if (nf === 0) return;
  const w0 = local[0] >> 2, W = (local[nf - 1] >> 2) + 1 - w0, W4 = W << 2;
  if (_scratch.length < _GATHER * W) {
    _scratch = new Uint32Array(_GATHER * S), _scratchBytes = new Uint8Array(_scratch.buffer);
  }
  const sc = _scratch, bytes = _scratchBytes;
  const contiguous = local[nf - 1] - local[0] === nf - 1, f0 = local[0] - (w0 << 2);
  for (let c0 = lo; c0 < hi; c0 += _GATHER) {
    const c1 = Math.min(hi, c0 + _GATHER);
    for (let s = c0, z = 0; s < c1; s++, z += W) {
      const a = idx[s] * S + w0;
      for (let k = 0; k < W; k++) sc[z + k] = rows32[a + k];
    }
    if (contiguous) {
      for (let s = c0, base = f0; s < c1; s++, base += W4) {
        const gi = g[s], hi_ = h[s];
        for (let b = 0, ob = 0; b < nf; b++, ob += _NB) {
          const k = ob + bytes[base + b], o = k << 1;
          gh[o] += gi;
          gh[o + 1] += hi_;
          cnt[k]++;
        }
      }
    } else {
      for (let s = c0, base = -(w0 << 2); s < c1; s++, base += W4) {
        const gi = g[s], hi_ = h[s];
        for (let b = 0, ob = 0; b < nf; b++, ob += _NB) {
          const k = ob + bytes[base + local[b]], o = k << 1;
          gh[o] += gi;
          gh[o + 1] += hi_;
          cnt[k]++;
        }
      }
    }
  }
}

/**
 * Partitions the rows at positions [lo, hi) of `src` into the same positions of `dst`: rows whose bin
 * `col[i * cs + co]` is <= t first (in order), the others after them (in reverse order); returns the count
 * of the first.
 */
function _partitionChunk(
  src: RowSet,
  dst: RowSet,
  col: Uint8Array,
  cs: number,
  co: number,
  lo: number,
  hi: number,
  t: number,
): number {
  const { idx: si, g: sg, h: sh } = src, { idx: di, g: dg, h: dh } = dst;
  let l = lo, r = hi - 1;
  for (let s = lo; s < hi; s++) {
    const i = si[s];
    const goL = ((t - col[i * cs + co]) >>> 31) ^ 1, d = r + (l - r) * goL;
    di[d] = i, dg[d] = sg[s], dh[d] = sh[s];
    l += goL;
    r -= 1 - goL;
  }
  return l - lo;
}

/** Copies positions [a, b) of `src` to `dst` from position `to`. */
function _moveRows(src: RowSet, dst: RowSet, a: number, b: number, to: number): void {
  dst.idx.set(src.idx.subarray(a, b), to);
  dst.g.set(src.g.subarray(a, b), to);
  dst.h.set(src.h.subarray(a, b), to);
}

/** Adds rows `sample[s]` (or `s`), s < m, into the zeroed `hist`, reading gradients and hessians by row. */
function _fillRootHist(
  hist: _Hist,
  rows: Uint8Array,
  stride: number,
  sample: Int32Array | null,
  m: number,
  g: Float64Array,
  h: Float64Array,
  local: Int32Array,
): void {
  const nf = local.length, { gh, cnt } = hist;
  if (nf === 0) return;
  const contiguous = local[nf - 1] - local[0] === nf - 1, f0 = local[0];
  for (let s = 0; s < m; s++) {
    const i = sample === null ? s : sample[s], gi = g[i], hi_ = h[i];
    if (contiguous) {
      const base = i * stride + f0;
      for (let b = 0, ob = 0; b < nf; b++, ob += _NB) {
        const k = ob + rows[base + b], o = k << 1;
        gh[o] += gi;
        gh[o + 1] += hi_;
        cnt[k]++;
      }
    } else {
      const base = i * stride;
      for (let b = 0, ob = 0; b < nf; b++, ob += _NB) {
        const k = ob + rows[base + local[b]], o = k << 1;
        gh[o] += gi;
        gh[o + 1] += hi_;
        cnt[k]++;
      }
    }
  }
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
