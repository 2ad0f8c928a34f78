/**
 * The round loop of the histogram gradient boosting (softmax over k classes), run by 1 thread (the calling
 * one) or by N workers together on shared memory. Each round: every thread updates the raw scores and the
 * gradients / hessians of its slice of the rows (and the scores and losses of its slice of the validation
 * rows); a barrier; then the k class trees, each grown by all threads together (each thread builds the
 * histograms of its block of features, see `boosting_tree.ts`). Every thread holds the same trees; thread 0
 * reports them. Per-row work is independent of the slicing and every histogram is summed in one fixed
 * order, so the model does not depend on the number of threads.
 *
 * @module
 */
import { binLookup, type BinnedData, binSampleRows, binValues, featureEdges } from "./binning.ts";
import {
  addBinnedTreeOutput,
  type BoostingTreeParams,
  candidateSlots,
  growTrees,
  layTreeMemory,
  type RowSetPtr,
  type SplitExchange,
  TreeGrowth,
  type TreeMemory,
  treeMemoryBytes,
} from "./boosting_tree.ts";
import {
  FEATURE_HIST_BYTES,
  histKernels,
  kernelMemory,
  PAIR_BYTES,
  type Quantisation,
  quantisation,
} from "./hist_kernels.ts";
import type { FlatTree } from "./tree.ts";
import { createRng, deriveSeed } from "./rng.ts";

/** Parameters of the round loop. */
export interface BoostingLoopParams extends BoostingTreeParams {
  nRounds: number;
  rowFraction: number;
  featureFraction: number;
  seed: number;
  /** Early stopping: stop after this many rounds without a lower validation loss (needs `val`). */
  patience: number;
}

/** Binned validation rows (same layout and edges as the training rows) and their buffers. */
export interface BoostingValidation {
  rows: Uint8Array;
  nRows: number;
  weight: Float64Array;
  /** n x k raw scores (filled by the loop) and per-row weighted log-loss (scratch). */
  raw: Float64Array;
  loss: Float64Array;
}

/**
 * Everything the threads of one fit share. Every array lives in `memory` (a shared WebAssembly memory the
 * kernels of `hist_kernels.ts` run on), so the job can be posted to workers without copies.
 */
export interface BoostingJob {
  memory: WebAssembly.Memory;
  data: BinnedData;
  /** Per class, the pointer to its n quantised gradient pairs (indexed by row; filled by the loop), and the
   * pointer to the k pointers (Int32) the gradients kernel writes through. */
  q: number[];
  qList: number;
  quant: Quantisation;
  /** Per thread, 16 bytes a class of scratch for the gradients kernel. */
  gradScratch: number[];
  /**
   * What the threads bin at the start (each its block of features, see `runBoosting`): the feature values
   * (fitting rows, then validation rows), and room for 256 edges a feature. `data.edges` and `data.nBins` are
   * filled then.
   */
  binning: { x: Float64Array[]; edges: Float64Array; maxBins: number; sampleRows: number };
  /** n x k raw scores; filled by the loop. */
  raw: Float64Array;
  init: Float64Array;
  val: BoostingValidation | null;
  params: BoostingLoopParams;
  nThreads: number;
  /** Shared candidate slots (`candidateSlots(nThreads, k)`) and barrier words (4 Int32, zero at start). */
  cand: Float64Array;
  sync: Int32Array;
  /** Left counts per class and thread (k x nThreads Int32, shared). */
  counts: Int32Array;
  /** Per thread, per class: where the thread keeps that class tree's things. */
  trees: TreeMemory[][];
}

/** What a job is made of: the rows' bins and labels, weights, and the loop's parameters. */
export interface BoostingJobInput {
  /** Feature columns (the first `nRows - nVal` rows fit, the last `nVal` validate). */
  columns: readonly Float64Array[];
  y: Int32Array;
  rowWeight: Float64Array;
  nVal: number;
  nClasses: number;
  nThreads: number;
  maxBins: number;
  binSampleRows: number;
  /** The initial raw scores per class. */
  init: ArrayLike<number>;
  params: BoostingLoopParams;
  /** Where the fit's shared memory comes from (default: a new one; a pool's `memory` reuses one). */
  memory?: (bytes: number) => WebAssembly.Memory;
  /** Histogram slots per thread and tree (default: maxLeaves + 2, within 32 MiB; fewer means rebuilding some). */
  histSlots?: number;
}

/**
 * Bins the rows and lays out one fit's shared memory (see {@link BoostingJob}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBoostingJob, runBoosting } from "./boosting_engine.ts";
 * const x = Float64Array.from({ length: 40 }, (_, i) => i), y = Int32Array.from(x, (v) => (v < 20 ? 0 : 1));
 * const job = createBoostingJob({ columns: [x], y, rowWeight: new Float64Array(40).fill(1), nVal: 0,
 *   nClasses: 2, nThreads: 1, maxBins: 255, binSampleRows: 100, init: [0, 0],
 *   params: { nRounds: 3, rowFraction: 1, featureFraction: 1, seed: 0, patience: 0, maxDepth: 2, maxLeaves: 3,
 *     minSamplesLeaf: 1, minHessian: 0, l2: 1, learningRate: 0.5 } });
 * const out = runBoosting(job, 0);
 * assert(out.trees.length === 6 && out.trees[0].feature[0] === 0 && out.trees[0].thresholdBin[0] === 19);
 * ```
 */
export function createBoostingJob(input: BoostingJobInput): BoostingJob {
  const { columns, y, rowWeight, nVal, nThreads: N, params: p } = input;
  const K = input.nClasses, F = columns.length, n = y.length - nVal;
  const stride = Math.ceil((F + 1) / 4) * 4;
  const maxLocal = Math.ceil(F / N), slotBytes = Math.max(1, maxLocal) * FEATURE_HIST_BYTES;
  const slots = Math.max(3, input.histSlots ?? Math.min(p.maxLeaves + 2, Math.floor((32 << 20) / slotBytes)));
  const a = (b: number) => Math.ceil(b / 64) * 64;
  const treeBytes = treeMemoryBytes(n, F, slots, slotBytes);
  const sizes = {
    rows: a(n * stride),
    cols: a(n * F),
    weight: a(8 * n),
    raw: a(8 * K * n),
    q: K * a(PAIR_BYTES * n) + a(4 * K) + N * a(16 * K),
    sets: 2 * K * (a(4 * n) + a(PAIR_BYTES * n)),
    cand: a(8 * candidateSlots(N, K)),
    trees: N * K * treeBytes,
    val: nVal > 0 ? a(nVal * stride) + a(8 * nVal) + a(8 * K * nVal) + a(8 * nVal) : 0,
    x: F * a(8 * (n + nVal)) + a(8 * F * 256) + a(4 * F),
  };
  const total = Object.values(sizes).reduce((s, v) => s + v, 0);
  const memory = (input.memory ?? kernelMemory)(total);
  const buf = memory.buffer;
  let at = 0;
  const take = (bytes: number) => {
    const o = at;
    at += a(bytes);
    return o;
  };
  const u8 = (len: number) => new Uint8Array(buf, take(len), len);
  const f64 = (len: number) => new Float64Array(buf, take(8 * len), len);
  let maxWeight = 0;
  for (let i = 0; i < n; i++) {
    const w = rowWeight[i];
    if (!(w >= 0 && Number.isFinite(w))) {
      throw new Error(`boosting: row weight ${i} is ${w}; weights must be finite and >= 0`);
    }
    if (w > maxWeight) maxWeight = w;
  }
  // The threads bin their own features (see `_binBlock`): the values go to shared memory first.
  const x = columns.map((c) => {
    const v = f64(n + nVal);
    v.set(c.subarray(0, n + nVal));
    return v;
  });
  const edgeBuf = f64(F * 256), nBins = new Int32Array(buf, take(4 * F), F);
  const rows = u8(n * stride);
  for (let i = 0; i < n; i++) rows[i * stride + F] = y[i];
  const cols = u8(n * F);
  const weight = f64(n);
  weight.set(rowWeight.subarray(0, n));
  const data: BinnedData = {
    rows,
    stride,
    nRows: n,
    nFeatures: F,
    nClasses: K,
    nBins,
    edges: [],
    rowWeight: weight,
    cols,
  };
  const raw = f64(K * n);
  const q = Array.from({ length: K }, () => take(PAIR_BYTES * n));
  const qList = take(4 * K);
  new Int32Array(buf, qList, K).set(q);
  const gradScratch = Array.from({ length: N }, () => take(16 * K));
  const sets = Array.from({ length: K }, (): [RowSetPtr, RowSetPtr] => [
    { idx: take(4 * n), pairs: take(PAIR_BYTES * n) },
    { idx: take(4 * n), pairs: take(PAIR_BYTES * n) },
  ]);
  const cand = f64(candidateSlots(N, K));
  const trees = Array.from(
    { length: N },
    () =>
      Array.from({ length: K }, (_, c) => layTreeMemory(take(treeBytes), sets[c], n, F, slots, slotBytes)),
  );
  let val: BoostingValidation | null = null;
  if (nVal > 0) {
    const vrows = u8(nVal * stride);
    for (let i = 0; i < nVal; i++) vrows[i * stride + F] = y[n + i];
    const vw = f64(nVal);
    vw.set(rowWeight.subarray(n, n + nVal));
    val = { rows: vrows, nRows: nVal, weight: vw, raw: f64(K * nVal), loss: f64(nVal) };
  }
  const shared = (bytes: number) => N > 1 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return {
    memory,
    data,
    q,
    qList,
    gradScratch,
    quant: quantisation(n, maxWeight),
    binning: { x, edges: edgeBuf, maxBins: input.maxBins, sampleRows: input.binSampleRows },
    raw,
    init: Float64Array.from(input.init),
    val,
    params: p,
    nThreads: N,
    cand,
    sync: new Int32Array(shared(16)),
    counts: new Int32Array(shared(4 * K * N)),
    trees,
  };
}

/** What thread 0 reports. */
export interface BoostingOutcome {
  /** Round-major: tree `r * k + c` adds to class c; only the kept rounds. */
  trees: FlatTree[];
  gain: Float64Array;
  /** Rounds grown, and kept (fewer with early stopping: the round count with the lowest validation loss). */
  roundsRun: number;
  roundsKept: number;
  /** Weighted mean validation log-loss after 0, 1, ... rounds (empty without validation). */
  validationLoss: number[];
}

/**
 * A barrier for `nThreads` threads on the shared words `sync` ([arrived, generation, failed, -]): spins
 * briefly, then sleeps on the generation word. Throws when another thread marked the job failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBarrier } from "./boosting_engine.ts";
 * const sync = new Int32Array(new SharedArrayBuffer(16));
 * makeBarrier(sync, 1)();
 * assert(sync[1] === 1 && sync[0] === 0);
 * ```
 */
export function makeBarrier(sync: Int32Array, nThreads: number): () => void {
  return () => {
    const gen = Atomics.load(sync, 1);
    if (Atomics.add(sync, 0, 1) === nThreads - 1) {
      Atomics.store(sync, 0, 0);
      Atomics.add(sync, 1, 1);
      Atomics.notify(sync, 1);
      return;
    }
    for (let s = 0; s < 30000; s++) if (Atomics.load(sync, 1) !== gen) return;
    while (Atomics.load(sync, 1) === gen) {
      if (Atomics.load(sync, 2) !== 0) throw new Error("another boosting worker failed");
      Atomics.wait(sync, 1, gen, 50);
    }
  };
}

/** Marks the job failed and wakes every thread waiting at its barrier. */
export function abortJob(sync: Int32Array): void {
  Atomics.store(sync, 2, 1);
  Atomics.notify(sync, 1);
}

/**
 * Runs the round loop as thread `thread` of `job.nThreads` (every thread calls it; with one thread, the
 * barrier is skipped). `onRound(r)` is called by thread 0 after each round.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBoostingJob, runBoosting } from "./boosting_engine.ts";
 * const x = Float64Array.from({ length: 60 }, (_, i) => i % 30), y = Int32Array.from(x, (v) => (v < 10 ? 0 : v < 20 ? 1 : 2));
 * const params = { nRounds: 4, rowFraction: 1, featureFraction: 1, seed: 0, patience: 0, maxDepth: 2, maxLeaves: 3,
 *   minSamplesLeaf: 1, minHessian: 0, l2: 1, learningRate: 0.5 };
 * const out = runBoosting(createBoostingJob({ columns: [x], y, rowWeight: new Float64Array(60).fill(1), nVal: 0,
 *   nClasses: 3, nThreads: 1, maxBins: 255, binSampleRows: 100, init: [0, 0, 0], params }), 0);
 * assert(out.trees.length === 12 && out.roundsKept === 4);
 * assert(out.trees[0].value[out.trees[0].left[0]] > 0); // class 0 scores up on its rows
 * ```
 */
export function runBoosting(
  job: BoostingJob,
  thread: number,
  onRound?: (r: number) => void,
): BoostingOutcome {
  const { data, raw, init, val, params: p, nThreads, quant } = job;
  const K = data.nClasses, n = data.nRows, F = data.nFeatures, stride = data.stride;
  const { rows, rowWeight } = data;
  const barrier = nThreads > 1 ? makeBarrier(job.sync, nThreads) : () => {};
  const ex: SplitExchange = {
    nThreads,
    thread,
    groups: K,
    cand: job.cand,
    barrier,
    bank: 0,
    counts: job.counts,
  };
  const kernels = histKernels(job.memory), buffer = job.memory.buffer;
  _binBlock(job, Math.floor((thread * F) / nThreads), Math.floor(((thread + 1) * F) / nThreads));
  barrier();
  const { edges } = job.binning;
  data.edges = Array.from({ length: F }, (_, f) => edges.subarray(f * 256, f * 256 + data.nBins[f] - 1));
  const growths = Array.from(
    { length: K },
    (_, c) => new TreeGrowth(data, p, kernels, job.trees[thread][c], buffer, quant, ex, c),
  );
  const lo = Math.floor((thread * n) / nThreads), hi = Math.floor(((thread + 1) * n) / nThreads);
  const nv = val?.nRows ?? 0;
  const vlo = Math.floor((thread * nv) / nThreads), vhi = Math.floor(((thread + 1) * nv) / nThreads);
  for (let i = lo; i < hi; i++) for (let c = 0; c < K; c++) raw[i * K + c] = init[c];
  if (val) { for (let i = vlo; i < vhi; i++) for (let c = 0; c < K; c++) val.raw[i * K + c] = init[c]; }

  const nSample = Math.max(1, Math.round(p.rowFraction * n));
  const nFeat = Math.max(1, Math.round(p.featureFraction * F));
  const trees: FlatTree[] = [];
  const gain = new Float64Array(F);
  const losses: number[] = [];
  const gainAfter: Float64Array[] = []; // with validation: the gain totals after each round
  let best = Infinity, bestRounds = 0, r = 0;
  for (;; r++) {
    // 1. This thread's rows: add the last round's trees, then the gradients for the next round.
    const last = trees.slice(trees.length - (r > 0 ? K : 0));
    if (nSample < n) {
      for (let c = 0; c < last.length; c++) addBinnedTreeOutput(last[c], rows, stride, lo, hi, raw, K, c);
    }
    if (r < p.nRounds) {
      kernels.gradients(
        raw.byteOffset,
        K,
        rows.byteOffset,
        stride,
        F,
        rowWeight.byteOffset,
        lo,
        hi,
        job.qList,
        quant.qg,
        quant.qh,
        job.gradScratch[thread],
      );
    }
    if (val) {
      for (let c = 0; c < last.length; c++) {
        addBinnedTreeOutput(last[c], val.rows, stride, vlo, vhi, val.raw, K, c);
      }
      _losses(val, stride, F, vlo, vhi, K);
    }
    barrier();
    if (val) {
      // Every thread sums the same losses in the same order, so all take the same decision.
      let sum = 0, wsum = 0;
      for (let i = 0; i < nv; i++) sum += val.loss[i], wsum += val.weight[i];
      const loss = sum / wsum;
      losses.push(loss);
      if (loss < best) best = loss, bestRounds = r;
      if (r - bestRounds >= p.patience) break;
    }
    if (r === p.nRounds) break;
    // 2. The round's class trees, grown by every thread together.
    const sample = nSample >= n ? null : _sampleRows(deriveSeed(p.seed, 2 * r), n, nSample);
    const feats = growths.map((_, c) => _sampleFeatures(deriveSeed(p.seed, 2 * (r * K + c) + 1), F, nFeat));
    trees.push(...growTrees(growths, sample, sample?.length ?? n, job.q, feats));
    if (nSample >= n && (val !== null || r + 1 < p.nRounds)) {
      // Every row is in the trees' partitions: add the leaf scores from there (the gradients of the next
      // round read them after a barrier).
      for (let c = 0; c < K; c++) growths[c].addLeafScores(raw, K, c);
      barrier();
    }
    // per tree, then in total (the summing order of the reference engine)
    for (const t of growths) for (let f = 0; f < F; f++) gain[f] += t.gain[f];
    if (val) gainAfter.push(gain.slice());
    if (thread === 0) onRound?.(r + 1);
    if (!val && r + 1 === p.nRounds) {
      r++;
      break;
    }
  }
  const roundsRun = val ? Math.min(r, p.nRounds) : r;
  const roundsKept = val ? Math.max(1, bestRounds) : roundsRun;
  // The dropped rounds' splits do not count in the importance.
  const kept = roundsKept < roundsRun ? gainAfter[roundsKept - 1] : gain;
  return { trees: trees.slice(0, roundsKept * K), gain: kept, roundsRun, roundsKept, validationLoss: losses };
}

/**
 * Bins features [fLo, fHi): edges from the seeded sample of rows (the same rows for every feature and thread),
 * then the bytes of those features in the row-major and column-major copies and in the validation rows.
 */
function _binBlock(job: BoostingJob, fLo: number, fHi: number): void {
  const { data, val, binning: b } = job, n = data.nRows, S = data.stride;
  if (fLo >= fHi) return;
  const sample = binSampleRows(n, b.sampleRows, deriveSeed(job.params.seed, 0x5eed));
  const scratch = new Float64Array(sample === null ? n : sample.length);
  for (let f = fLo; f < fHi; f++) {
    const col = b.x[f], e = featureEdges(col.subarray(0, n), sample, b.maxBins, scratch);
    b.edges.set(e, f * 256);
    data.nBins[f] = e.length + 1;
    const lk = binLookup(e);
    binValues(lk, col, 0, n, data.cols!, f * n, 1);
    const c = data.cols!.subarray(f * n, (f + 1) * n), rows = data.rows;
    for (let i = 0; i < n; i++) rows[i * S + f] = c[i];
    if (val) binValues(lk, col, n, n + val.nRows, val.rows, f, S);
  }
}

function _losses(
  val: BoostingValidation,
  stride: number,
  F: number,
  lo: number,
  hi: number,
  K: number,
): void {
  const { raw, rows, weight, loss } = val;
  for (let i = lo; i < hi; i++) {
    let mx = -Infinity;
    for (let c = 0; c < K; c++) mx = Math.max(mx, raw[i * K + c]);
    let z = 0;
    for (let c = 0; c < K; c++) z += Math.exp(raw[i * K + c] - mx);
    const yi = rows[i * stride + F];
    loss[i] = weight[i] * (Math.log(z) + mx - raw[i * K + yi]);
  }
}

function _sampleRows(seed: number, n: number, k: number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed), out = new Int32Array(k);
  // Selection sampling keeps rows in time order and draws each subset with equal probability.
  for (let i = 0, need = k, o = 0; i < n && need > 0; i++) {
    if (rng.next() * (n - i) < need) out[o++] = i, need--;
  }
  return out;
}

function _sampleFeatures(seed: number, F: number, k: number): Int32Array {
  if (k >= F) return Int32Array.from({ length: F }, (_, i) => i);
  return _sampleRows(seed, F, k);
}
