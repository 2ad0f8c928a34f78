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
import type { BinnedData } from "./binning.ts";
import {
  addBinnedTreeOutput,
  type BoostingTreeParams,
  BoostingWorkspace,
  growTrees,
  type RowSet,
  rowSet,
  type SplitExchange,
  TreeGrowth,
} from "./boosting_tree.ts";
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

/** Everything the threads of one fit share. */
export interface BoostingJob {
  data: BinnedData;
  /** k x n gradients and hessians (class-major) and n x k raw scores; filled by the loop. */
  grad: Float64Array;
  hess: Float64Array;
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
  /**
   * With several threads: per class, memory (shared) for the two row sets of its tree (`rowSet(n, buf)`,
   * 20 * n bytes each), set 2c and 2c + 1; null with one thread (it keeps its own from fit to fit).
   */
  rowSets: ArrayBufferLike[] | null;
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
    for (let s = 0; s < 2000; s++) if (Atomics.load(sync, 1) !== gen) return;
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
 * import { binTrainingData } from "./binning.ts";
 * import { candidateSlots } from "./boosting_tree.ts";
 * import { runBoosting } from "./boosting_engine.ts";
 * const x = Float64Array.from({ length: 40 }, (_, i) => i), y = Int32Array.from(x, (v) => (v < 20 ? 0 : 1));
 * const data = binTrainingData([x], y, new Float64Array(40).fill(1), 2, { maxBins: 255, binSampleRows: 100, seed: 0 }, false);
 * const out = runBoosting({ data, grad: new Float64Array(80), hess: new Float64Array(80), raw: new Float64Array(80),
 *   init: new Float64Array(2), val: null, nThreads: 1, cand: new Float64Array(candidateSlots(1, 2)), sync: new Int32Array(4),
 *   counts: new Int32Array(2), rowSets: null,
 *   params: { nRounds: 3, rowFraction: 1, featureFraction: 1, seed: 0, patience: 0, maxDepth: 2, maxLeaves: 3,
 *     minSamplesLeaf: 1, minHessian: 0, l2: 1, learningRate: 0.5 } }, 0);
 * assert(out.trees.length === 6 && out.trees[0].feature[0] === 0);
 * ```
 */
export function runBoosting(
  job: BoostingJob,
  thread: number,
  onRound?: (r: number) => void,
): BoostingOutcome {
  const { data, grad, hess, raw, init, val, params: p, nThreads } = job;
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
  const sets = (c: number): [RowSet, RowSet] | null =>
    job.rowSets ? [rowSet(n, job.rowSets[2 * c]), rowSet(n, job.rowSets[2 * c + 1])] : null;
  const growths = Array.from({ length: K }, (_, c) => new TreeGrowth(data, p, _workspace(c), ex, c, sets(c)));
  const grads = growths.map((_, c) => grad.subarray(c * n, (c + 1) * n));
  const hesses = growths.map((_, c) => hess.subarray(c * n, (c + 1) * n));
  const lo = Math.floor((thread * n) / nThreads), hi = Math.floor(((thread + 1) * n) / nThreads);
  const nv = val?.nRows ?? 0;
  const vlo = Math.floor((thread * nv) / nThreads), vhi = Math.floor(((thread + 1) * nv) / nThreads);
  for (let i = lo; i < hi; i++) for (let c = 0; c < K; c++) raw[i * K + c] = init[c];
  if (val) { for (let i = vlo; i < vhi; i++) for (let c = 0; c < K; c++) val.raw[i * K + c] = init[c]; }

  const nSample = Math.max(1, Math.round(p.rowFraction * n));
  const nFeat = Math.max(1, Math.round(p.featureFraction * F));
  const trees: FlatTree[] = [];
  const gain = new Float64Array(F);
  const prob = new Float64Array(K);
  const losses: number[] = [];
  const gainAfter: Float64Array[] = []; // with validation: the gain totals after each round
  let best = Infinity, bestRounds = 0, r = 0;
  for (;; r++) {
    // 1. This thread's rows: add the last round's trees, then the gradients for the next round.
    const last = trees.slice(trees.length - (r > 0 ? K : 0));
    if (nSample < n) {
      for (let c = 0; c < last.length; c++) addBinnedTreeOutput(last[c], rows, stride, lo, hi, raw, K, c);
    }
    if (r < p.nRounds) _gradients(raw, rows, stride, F, rowWeight, lo, hi, K, n, grad, hess, prob);
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
    trees.push(...growTrees(growths, sample, sample?.length ?? n, grads, hesses, feats));
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

/** Workspaces per class kept by the thread from fit to fit (fresh memory is slow to touch). */
const _ws: BoostingWorkspace[] = [];
function _workspace(c: number): BoostingWorkspace {
  return _ws[c] ??= new BoostingWorkspace();
}

function _gradients(
  raw: Float64Array,
  rows: Uint8Array,
  stride: number,
  F: number,
  rowWeight: Float64Array,
  lo: number,
  hi: number,
  K: number,
  n: number,
  grad: Float64Array,
  hess: Float64Array,
  prob: Float64Array,
): void {
  for (let i = lo; i < hi; i++) {
    let mx = -Infinity;
    for (let c = 0; c < K; c++) mx = Math.max(mx, raw[i * K + c]);
    let z = 0;
    for (let c = 0; c < K; c++) z += prob[c] = Math.exp(raw[i * K + c] - mx);
    const wi = rowWeight[i], yi = rows[i * stride + F];
    for (let c = 0; c < K; c++) {
      const pc = prob[c] / z;
      grad[c * n + i] = wi * (pc - (yi === c ? 1 : 0));
      hess[c * n + i] = wi * Math.max(pc * (1 - pc), 1e-16);
    }
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
