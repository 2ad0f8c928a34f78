/**
 * Grows one regression tree of the gradient-boosted ensemble on binned rows, from per-row quantised gradient
 * pairs (`hist_kernels.ts`), best-first (the leaf with the largest gain splits next) up to `maxLeaves` leaves
 * and `maxDepth` levels. Rows are kept as a partition of row indices carrying each row's pair (a split moves
 * 20 bytes a row; histogram passes read the pairs in order); the larger child's histograms are the parent's
 * minus the smaller child's. Histograms, the partition and the split scan run as WebAssembly on the fit's
 * shared memory.
 *
 * Several threads can grow the same tree together: each builds the histograms of its own block of features
 * (`SplitExchange`), publishes its best split per new leaf, and after a barrier every thread picks the same
 * winner (the larger gain; on a tie the lower feature, exactly as one thread scanning every feature does).
 * The threads share the partition: each partitions its chunk of the winning leaf's rows, and after a barrier
 * moves it to where one thread partitioning all the rows would have put it. Histogram bins are integer sums,
 * so they do not depend on the order rows are added in: 1, 2 or N threads grow bit-identical trees.
 *
 * @module
 */
import type { BinnedData } from "./binning.ts";
import type { FlatTree } from "./tree.ts";
import {
  FEATURE_HIST_BYTES,
  FILL_MAX_FEATURES,
  FILL_SCRATCH_BYTES,
  type HistKernels,
  PAIR_BYTES,
  type Quantisation,
} from "./hist_kernels.ts";

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
  /** Candidate slots, `candidateSlots(nThreads, groups)` numbers in the fit's memory, shared by the threads. */
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

const _CAND = 6; // gain, feature, bin, gl, hl (quantised units), rows going left

/** A row set in the fit's memory: `idx` (Int32 row indices) and `pairs` (8-byte quantised pairs). */
export interface RowSetPtr {
  idx: number;
  pairs: number;
}

/**
 * Where one thread keeps one class tree's things in the fit's memory: the two row sets of the tree (shared by
 * the threads), and this thread's histogram slots, feature lists and scratch.
 */
export interface TreeMemory {
  /** The partition (positions hold rows) and the scratch set a split partitions into. */
  sets: [RowSetPtr, RowSetPtr];
  /** `slots` histograms of `slotBytes` each from `hist`. */
  hist: number;
  slots: number;
  slotBytes: number;
  /** Int32 lists: byte offsets of the local features in a row, and their bin counts (room for all). */
  offs: number;
  nbins: number;
  /** Int32 sample of row indices (room for every row), 24 bytes of scratch, and `fill`'s scratch. */
  sample: number;
  scratch: number;
  gather: number;
}

/** Bytes of one thread's {@link TreeMemory} scratch besides the shared row sets. */
export function treeMemoryBytes(nRows: number, nFeatures: number, slots: number, slotBytes: number): number {
  return _align(slots * slotBytes) + 2 * _align(4 * nFeatures) + _align(4 * nRows) + 64 + FILL_SCRATCH_BYTES;
}

/** Lays out a {@link TreeMemory} from `at` (bytes as {@link treeMemoryBytes}). */
export function layTreeMemory(
  at: number,
  sets: [RowSetPtr, RowSetPtr],
  nRows: number,
  nFeatures: number,
  slots: number,
  slotBytes: number,
): TreeMemory {
  const hist = at, offs = hist + _align(slots * slotBytes), nbins = offs + _align(4 * nFeatures);
  const sample = nbins + _align(4 * nFeatures), scratch = sample + _align(4 * nRows), gather = scratch + 64;
  return { sets, hist, slots, slotBytes, offs, nbins, sample, scratch, gather };
}

function _align(b: number): number {
  return Math.ceil(b / 64) * 64;
}

interface _Leaf {
  id: number;
  lo: number;
  hi: number;
  depth: number;
  /** Gradient and hessian sums in quantised units (exact integers). */
  g: number;
  h: number;
  /** Histogram pointer, or -1. */
  hist: number;
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
 * One tree grown step by step, so that several trees (the classes of a round) can share each barrier:
 * `start` (rows, gradient pairs, features), barrier, `fillRoot`, `publishRoot`, barrier, `combineRoot`, then
 * `splitNext` / barrier / `publishSplit` / barrier / `combineSplit` while `splitNext` returns true, then
 * `finish`.
 */
export class TreeGrowth {
  readonly gain: Float64Array;
  /** This thread's features of the tree (ascending) and the root's rows (positions [0, m)), set by `start`. */
  local = new Int32Array(0);
  m = 0;
  #leaves: _Leaf[] = [];
  #nLeaves = 1;
  #pending: _Leaf[] = [];
  #feature: number[] = [];
  #threshold: number[] = [];
  #thresholdBin: number[] = [];
  #left: number[] = [];
  #right: number[] = [];
  #value: number[] = [];
  #free: number[] = [];
  #histBytes = 0;
  #rootHist = -1;
  #q = 0;
  #samplePtr = 0;
  #contiguous = false;
  /** The leaves of the last finished tree (their row ranges in the partition). */
  #done: _Leaf[] = [];
  /** The leaf being split (between `splitNext` and `publishSplit`). */
  #cur: _Leaf | null = null;
  readonly #f64: Float64Array;
  readonly #i32: Int32Array;
  readonly #ig: number;
  readonly #ih: number;

  constructor(
    readonly data: BinnedData,
    readonly p: BoostingTreeParams,
    readonly k: HistKernels,
    readonly mem: TreeMemory,
    readonly buffer: ArrayBufferLike,
    readonly quant: Quantisation,
    readonly ex: SplitExchange,
    /** This tree's group of candidate slots. */
    readonly group = 0,
  ) {
    if (data.stride % 4 !== 0) {
      throw new Error(`boosting: the binned rows' stride must be a multiple of 4, got ${data.stride}`);
    }
    this.#f64 = new Float64Array(buffer, 0, buffer.byteLength >> 3);
    this.#i32 = new Int32Array(buffer, 0, buffer.byteLength >> 2);
    this.#ig = 1 / quant.qg, this.#ih = 1 / quant.qh;
    for (let s = mem.slots - 1; s >= 0; s--) this.#free.push(mem.hist + s * mem.slotBytes);
    this.gain = new Float64Array(data.nFeatures);
  }

  /**
   * Takes the rows (`sample[s]`, or `s` when `sample` is null, for s < m) and the class's quantised pairs
   * (pointer `q`, indexed by row), fills this thread's share of the partition, sums the pairs, and picks this
   * thread's features of `feats`. Then a barrier, then `fillRoot()`.
   */
  start(sample: Int32Array | null, m: number, q: number, feats: Int32Array): void {
    const { data, ex, mem, k } = this;
    const F = data.nFeatures;
    const fLo = Math.floor((ex.thread * F) / ex.nThreads),
      fHi = Math.floor(((ex.thread + 1) * F) / ex.nThreads);
    let nLocal = 0;
    for (let b = 0; b < feats.length; b++) if (feats[b] >= fLo && feats[b] < fHi) nLocal++;
    const local = new Int32Array(nLocal);
    for (let b = 0, j = 0; b < feats.length; b++) {
      if (feats[b] >= fLo && feats[b] < fHi) local[j++] = feats[b];
    }
    this.local = local;
    this.#contiguous = nLocal <= FILL_MAX_FEATURES &&
      (nLocal === 0 || local[nLocal - 1] - local[0] === nLocal - 1);
    const i32 = this.#i32;
    for (let b = 0; b < nLocal; b++) {
      i32[(mem.offs >> 2) + b] = local[b];
      i32[(mem.nbins >> 2) + b] = data.nBins[local[b]];
    }
    this.#histBytes = nLocal * FEATURE_HIST_BYTES;
    if (this.#histBytes > mem.slotBytes) {
      throw new Error(
        `boosting: ${nLocal} features need ${this.#histBytes} bytes a histogram, have ${mem.slotBytes}`,
      );
    }
    let samplePtr = 0;
    if (sample !== null) {
      samplePtr = mem.sample;
      i32.set(sample.subarray(0, m), samplePtr >> 2);
    }
    const [rows] = mem.sets, N = ex.nThreads;
    k.gather(
      rows.idx,
      rows.pairs,
      q,
      samplePtr,
      Math.floor((ex.thread * m) / N),
      Math.floor(((ex.thread + 1) * m) / N),
    );
    this.#q = q, this.#samplePtr = samplePtr, this.m = m;
    this.gain.fill(0);
    this.#feature = [], this.#threshold = [], this.#thresholdBin = [], this.#left = [], this.#right = [];
    this.#value = [];
    this.#leaves = [];
    this.#nLeaves = 1;
  }

  /**
   * Fills the root histogram from the partition (after the barrier that follows every thread's `start`) and
   * makes the root: its sums are those of any one feature's bins (every row is in one), or of the pairs
   * when this thread has no feature of the tree.
   */
  fillRoot(): void {
    const { k, mem, m } = this, cb = this.quant.cb;
    this.#rootHist = this.#take();
    this.#fill(this.#rootHist, mem.sets[0], 0, m);
    if (this.local.length > 0) k.hist_total(this.#rootHist, cb, mem.scratch);
    else k.total(this.#q, this.#samplePtr, m, cb, mem.scratch);
    const o = mem.scratch >> 3, G = this.#f64[o], H = this.#f64[o + 1];
    if (this.#f64[o + 2] !== m) {
      throw new Error(`boosting: the root holds ${this.#f64[o + 2]} rows, not ${m}`);
    }
    this.#leaves = [this.#leafOf(this.#newNode(G, H), 0, m, 0, G, H, this.#rootHist)];
  }

  /** Adds positions [lo, hi) of `set` into `hist` (this thread's features). */
  #fill(hist: number, set: RowSetPtr, lo: number, hi: number): void {
    const { data, mem, local } = this, nf = local.length, rows = data.rows.byteOffset, S = data.stride;
    if (nf === 0 || hi <= lo) return;
    const cb = this.quant.cb;
    if (this.#contiguous) {
      this.k.fill(hist, rows, S, set.idx, set.pairs, lo, hi, local[0], nf, mem.gather, cb);
    } else this.k.fill_list(hist, rows, S, set.idx, set.pairs, lo, hi, mem.offs, nf, cb);
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
    for (let j = 0; j < leaves.length; j++) {
      if (leaves[j].f >= 0 && (bi < 0 || leaves[j].gain > leaves[bi].gain)) bi = j;
    }
    if (bi < 0) return false;
    const L = leaves[bi];
    leaves.splice(bi, 1);
    this.#cur = L;
    const [rows, tmp] = this.mem.sets, N = ex.nThreads, len = L.hi - L.lo, f = L.f;
    const c0 = L.lo + Math.floor((ex.thread * len) / N), c1 = L.lo + Math.floor(((ex.thread + 1) * len) / N);
    const [col, cs, co] = data.cols
      ? [data.cols.byteOffset, 1, f * data.nRows]
      : [data.rows.byteOffset, data.stride, f];
    ex.counts[this.group * N + ex.thread] = this.k.partition(
      rows.idx,
      rows.pairs,
      tmp.idx,
      tmp.pairs,
      col,
      cs,
      co,
      c0,
      c1,
      L.t,
    );
    return true;
  }

  /**
   * After the barrier: moves this thread's chunk to its place in the leaf's rows (left rows in order, then
   * the right rows in reverse order, as one thread partitioning them all), builds the smaller child's
   * histograms from the scratch set, derives the larger's, and publishes both children's best splits.
   */
  publishSplit(): void {
    const { data, ex, mem, k } = this;
    const L = this.#cur!;
    const f = L.f, nl = L.nl;
    this.gain[f] += L.gain;
    const gr = L.g - L.gl, hr = L.h - L.hl;
    const idL = this.#newNode(L.gl, L.hl), idR = this.#newNode(gr, hr);
    this.#feature[L.id] = f, this.#thresholdBin[L.id] = L.t, this.#threshold[L.id] = data.edges[f][L.t];
    this.#left[L.id] = idL, this.#right[L.id] = idR;
    const lo = L.lo, mid = L.lo + nl, hi = L.hi, len = hi - lo;
    const N = ex.nThreads, counts = ex.counts, cb = this.group * N;
    const [rows, tmp] = mem.sets;
    const chunk = (u: number) => lo + Math.floor((u * len) / N);
    let left = 0, rightAfter = 0;
    for (let u = 0; u < N; u++) {
      left += counts[cb + u];
      if (u > ex.thread) rightAfter += chunk(u + 1) - chunk(u) - counts[cb + u];
    }
    if (left !== nl) throw new Error(`boosting split: ${left} rows went left, the histogram counted ${nl}`);
    let leftBefore = 0;
    for (let u = 0; u < ex.thread; u++) leftBefore += counts[cb + u];
    const c0 = chunk(ex.thread), c1 = chunk(ex.thread + 1), kk = counts[cb + ex.thread];
    this.#move(tmp, rows, c0, c0 + kk, lo + leftBefore);
    this.#move(tmp, rows, c0 + kk, c1, mid + rightAfter);
    // The smaller child's histogram from the scratch set (every thread's chunks: integer sums, so the order
    // does not matter), the larger one by subtraction (reuses the parent's memory).
    const leftSmaller = nl <= hi - mid;
    const fillSide = (hist: number, leftSide: boolean) => {
      for (let u = 0; u < N; u++) {
        const a = chunk(u), b = a + counts[cb + u];
        if (leftSide) this.#fill(hist, tmp, a, b);
        else this.#fill(hist, tmp, b, chunk(u + 1));
      }
    };
    const small = this.#take();
    fillSide(small, leftSmaller);
    let big = L.hist;
    if (big >= 0) k.subtract(big, small, this.#histBytes);
    else fillSide(big = this.#take(), !leftSmaller); // its histogram was evicted: build it from its rows
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

  /** The grown tree (leaf scores scaled by the learning rate); releases the histogram slots. */
  finish(): FlatTree {
    for (const l of this.#leaves) if (l.hist >= 0) this.#free.push(l.hist), l.hist = -1;
    this.#done = this.#leaves;
    this.#leaves = [], this.#pending = [], this.#rootHist = -1;
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
   * the same sum as walking the tree over each row's bins, without the walk (`raw` in the fit's memory). The other threads' shares are
   * done only after the next barrier.
   */
  addLeafScores(raw: Float64Array, k: number, c: number): void {
    const { ex, m } = this, idx = this.mem.sets[0].idx, value = this.#value;
    const s0 = Math.floor((ex.thread * m) / ex.nThreads),
      s1 = Math.floor(((ex.thread + 1) * m) / ex.nThreads);
    for (const l of this.#done) {
      this.k.add_scores(idx, Math.max(l.lo, s0), Math.min(l.hi, s1), raw.byteOffset, k, c, value[l.id]);
    }
  }

  /**
   * A zeroed histogram slot. When every slot is held, the waiting leaf with the smallest gain gives its
   * histogram up (it is rebuilt from its rows if that leaf splits; sums are exact, so the tree is the same).
   */
  #take(): number {
    let h = this.#free.pop();
    if (h === undefined) {
      let e = -1;
      const leaves = this.#leaves;
      for (let j = 0; j < leaves.length; j++) {
        if (leaves[j].hist >= 0 && (e < 0 || leaves[j].gain < leaves[e].gain)) e = j;
      }
      if (e < 0) throw new Error(`boosting: ${this.mem.slots} histogram slots are too few to grow a tree`);
      h = leaves[e].hist, leaves[e].hist = -1;
    }
    this.k.zero(h, this.#histBytes);
    return h;
  }

  #move(src: RowSetPtr, dst: RowSetPtr, a: number, b: number, to: number): void {
    if (b <= a) return;
    this.k.copy(dst.idx + 4 * to, src.idx + 4 * a, 4 * (b - a));
    this.k.copy(dst.pairs + PAIR_BYTES * to, src.pairs + PAIR_BYTES * a, PAIR_BYTES * (b - a));
  }

  #newNode(gq: number, hq: number): number {
    const p = this.p, g = gq * this.#ig, h = hq * this.#ih;
    this.#feature.push(-1), this.#threshold.push(0), this.#thresholdBin.push(0);
    this.#left.push(-1), this.#right.push(-1);
    this.#value.push(h + p.l2 > 0 ? (-g / (h + p.l2)) * p.learningRate : 0);
    return this.#feature.length - 1;
  }

  #leafOf(id: number, lo: number, hi: number, depth: number, g: number, h: number, hist: number): _Leaf {
    return { id, lo, hi, depth, g, h, hist, gain: 0, f: -1, t: 0, gl: 0, hl: 0, nl: 0 };
  }

  #slot(thread: number, slot: number): number {
    const ex = this.ex;
    return (((thread * 2 + ex.bank) * ex.groups + this.group) * 2 + slot) * _CAND;
  }

  /** Scans this thread's features of `leaf` and publishes its best split in `slot` of the current bank. */
  #publish(leaf: _Leaf, slot: number): void {
    const { p, ex, mem } = this;
    const cand = ex.cand, o = this.#slot(ex.thread, slot);
    cand[o] = 0, cand[o + 1] = -1;
    const cnt = leaf.hi - leaf.lo;
    if (leaf.depth >= p.maxDepth || cnt < 2 * p.minSamplesLeaf) return;
    const q = this.quant;
    this.k.scan(
      leaf.hist,
      this.local.length,
      mem.nbins,
      leaf.g,
      leaf.h,
      cnt,
      this.#ig,
      this.#ih,
      q.cb,
      p.minSamplesLeaf,
      p.minHessian,
      p.l2,
      cand.byteOffset + 8 * o,
    );
    if (cand[o + 1] >= 0) cand[o + 1] = this.local[cand[o + 1]];
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
    if (leaf.f < 0 && leaf.hist >= 0) this.#free.push(leaf.hist), leaf.hist = -1;
  }
}

/**
 * Grows several trees on the same rows side by side (one per class), sharing each barrier of `ex` (whose
 * `groups` is `growths.length`). `q[c]` points to class c's quantised pairs (indexed by row).
 */
export function growTrees(
  growths: TreeGrowth[],
  sample: Int32Array | null,
  m: number,
  q: number[],
  feats: Int32Array[],
): FlatTree[] {
  const ex = growths[0].ex;
  for (let c = 0; c < growths.length; c++) growths[c].start(sample, m, q[c], feats[c]);
  ex.barrier();
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
