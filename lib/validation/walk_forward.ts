/**
 * Runs an estimator over time-series splits and keeps only out-of-fold predictions: every probability
 * in the result was made by a model that never trained on that row nor on any row within the gap.
 *
 * Final-model policy: with `finalModel: true`, one more model is fitted on every row `[0, n)` (strided by
 * the same `maxTrainRows` cap) after the folds. It is the model to register and deploy; its metrics are
 * the out-of-fold ones, never a score on its own training rows.
 *
 * A contiguous, unstrided training range is passed to `fit` as views of `X` (no copy): models must not
 * modify their input. Strided (gathered) training rows of every fold are written into one buffer reused
 * from fold to fold: models must not keep references to their training arrays after `fit` resolves.
 *
 * Workers: one `WorkerPool` serves every fit and prediction of the run (`opts.pool`, or one created here
 * and closed before returning), so workers start once; test rows are predicted with the model's
 * `predictProbaAsync` when it has one (same numbers as `predictProba`).
 *
 * @module
 */
import type { Estimator, FeatureMatrix, ModelJSON, ProbaMatrix } from "../models/estimator.ts";
import { gatherMatrixRows, sliceMatrixRows } from "../models/matrix.ts";
import { WorkerPool } from "../models/worker_pool.ts";
import { gatherRows } from "../series/rows.ts";
import { CandlelabError } from "../util/errors.ts";
import { type ClassificationReport, classificationReport } from "./metrics.ts";
import { type PermutationImportance, permutationImportance } from "./importance.ts";
import { checkSplits, type Split, trainIndices } from "./splits.ts";

/** Fitted-model info and metrics of one fold. */
export interface FoldResult {
  fold: number;
  /** Training rows before the stride. */
  trainRows: number;
  trainRowsUsed: number;
  stride: number;
  testStart: number;
  testEnd: number;
  fitMs: number;
  predictMs: number;
  metrics: ClassificationReport;
  featureImportance: Record<string, number>;
  /** Drop in macro-F1 per shuffled feature on this fold's test rows, when `permutation` was asked. */
  permutationImportance?: PermutationImportance[];
  model: ModelJSON;
}

/** What {@link walkForward} returns. */
export interface WalkForwardResult {
  folds: FoldResult[];
  /** Row index (into X / y) of each out-of-fold prediction, increasing. */
  rows: Int32Array;
  /** Fold number of each out-of-fold row. */
  foldOf: Int32Array;
  /** Out-of-fold probabilities, row i of `proba` belongs to `rows[i]`. */
  proba: ProbaMatrix;
  /** Metrics over all out-of-fold rows together. */
  overall: ClassificationReport;
  /** Fitted on all rows when `finalModel` was asked. */
  finalModel?: Estimator;
}

/** Progress event passed to `onProgress`. */
export interface WalkForwardProgress {
  fold: number;
  folds: number;
  stage: "fit" | "predict" | "done" | "final";
  /** Within a fit: work done and total, as the model reports it (trees, rounds). */
  done?: number;
  total?: number;
}

/** Options of {@link walkForward}. */
export interface WalkForwardRunOptions {
  X: FeatureMatrix;
  /** Class indices 0..k-1, one per row of X. */
  y: Int32Array;
  weights?: Float64Array;
  /** From `walkForwardSplits` or `purgedKFoldSplits`; checked with `checkSplits` before any fit. */
  folds: Split[];
  /** A fresh, unfitted estimator per fold (fold 0 = final model). */
  makeModel: (fold: number) => Estimator;
  onProgress?: (p: WalkForwardProgress) => void;
  /** Also fit a model on all rows (see the module doc). Default false. */
  finalModel?: boolean;
  /** Cap on the final model's training rows (stride = ceil(n / max)). */
  maxTrainRows?: number;
  /** Permutation importance on each test fold (seeded; the fold number is added to the seed). */
  permutation?: { seed: number; repeats: number };
  /** Workers lent to every fit and prediction (left open). Default: a pool made and closed by this run. */
  pool?: WorkerPool;
}

/** Training rows of a split: views when they are one contiguous range (no copy), else gathered into `buf`. */
function _trainRows(
  X: FeatureMatrix,
  y: Int32Array,
  w: Float64Array | undefined,
  split: Split,
  idx: Int32Array,
  buf: _GatherBuffer,
) {
  if (split.stride === 1 && split.train.length === 1) {
    const { start, end } = split.train[0];
    return { X: sliceMatrixRows(X, start, end), y: y.subarray(start, end), w: w?.subarray(start, end) };
  }
  const m = idx.length, F = X.columns.length;
  // 1/8 extra, so the next fold's slightly larger training set (one more row) reuses the same memory.
  if (buf.x.length < m * F) buf.x = new Float64Array(Math.ceil(m * 1.125) * F);
  return { X: gatherMatrixRows(X, idx, buf.x), y: gatherRows(y, idx), w: w ? gatherRows(w, idx) : undefined };
}

/** Memory for gathered training rows, reused from fold to fold (first-touching fresh memory is slow). */
interface _GatherBuffer {
  x: Float64Array;
}

/**
 * Fits one model per split and collects the out-of-fold probabilities and metrics.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { walkForward } from "./walk_forward.ts";
 * import { walkForwardSplits } from "./splits.ts";
 * import { ClassPrior } from "./_test_estimators.ts";
 * const n = 60;
 * const X = { names: ["x"], columns: [Float64Array.from({ length: n }, (_, i) => i)], nRows: n };
 * const y = Int32Array.from({ length: n }, (_, i) => i % 3);
 * const folds = walkForwardSplits({ n, folds: 2, gap: { before: 2, after: 2 } });
 * const r = await walkForward({ X, y, folds, makeModel: () => new ClassPrior() });
 * assert(r.rows[0] === 20 && r.proba.nRows === 40);
 * ```
 */
export async function walkForward(opts: WalkForwardRunOptions): Promise<WalkForwardResult> {
  const { X, y, weights, folds } = opts;
  const n = X.nRows;
  if (y.length !== n || (weights && weights.length !== n) || X.columns.some((c) => c.length !== n)) {
    throw new CandlelabError(
      `Cannot run walk-forward: X has ${n} rows but y has ${y.length}` +
        (weights ? `, weights ${weights.length}` : "") +
        ` (and every feature column must have ${n}); align them first`,
    );
  }
  checkSplits(folds, n);
  const pool = opts.pool ?? new WorkerPool();
  try {
    return await _run(opts, pool);
  } finally {
    if (!opts.pool) pool.close();
  }
}

async function _run(opts: WalkForwardRunOptions, pool: WorkerPool): Promise<WalkForwardResult> {
  const { X, y, weights, folds, makeModel, onProgress } = opts;
  const n = X.nRows;
  const gather: _GatherBuffer = { x: new Float64Array(0) };
  const results: FoldResult[] = [];
  const parts: { fold: number; start: number; end: number; proba: ProbaMatrix }[] = [];
  for (const split of folds) {
    const idx = trainIndices(split);
    const model = makeModel(split.fold);
    model.warm?.(pool); // its workers load while the fold's rows are gathered (the first fold's start)
    onProgress?.({ fold: split.fold, folds: folds.length, stage: "fit" });
    const t0 = performance.now();
    const tr = _trainRows(X, y, weights, split, idx, gather);
    await model.fit(tr.X, tr.y, tr.w, {
      onProgress: (done, total) =>
        onProgress?.({ fold: split.fold, folds: folds.length, stage: "fit", done, total }),
      pool,
    });
    const t1 = performance.now();
    onProgress?.({ fold: split.fold, folds: folds.length, stage: "predict" });
    const { start, end } = split.test;
    const test = sliceMatrixRows(X, start, end);
    const proba = model.predictProbaAsync
      ? await model.predictProbaAsync(test, { pool })
      : model.predictProba(test);
    const t2 = performance.now();
    if (proba.nRows !== end - start) {
      throw new CandlelabError(
        `Cannot run walk-forward: model "${model.kind}" returned ${proba.nRows} probability rows for ` +
          `${end - start} test rows in fold ${split.fold}; predictProba must return one row per input row`,
      );
    }
    parts.push({ fold: split.fold, start, end, proba });
    const perm = opts.permutation && opts.permutation.repeats > 0
      ? permutationImportance(model, sliceMatrixRows(X, start, end), y.subarray(start, end), {
        seed: opts.permutation.seed + split.fold,
        repeats: opts.permutation.repeats,
        nClasses: proba.nClasses,
      })
      : undefined;
    results.push({
      fold: split.fold,
      trainRows: split.train.reduce((s, r) => s + r.end - r.start, 0),
      trainRowsUsed: idx.length,
      stride: split.stride,
      testStart: start,
      testEnd: end,
      fitMs: t1 - t0,
      predictMs: t2 - t1,
      metrics: classificationReport(y.subarray(start, end), proba),
      featureImportance: model.featureImportance(),
      permutationImportance: perm,
      model: model.toJSON(),
    });
    onProgress?.({ fold: split.fold, folds: folds.length, stage: "done" });
  }
  parts.sort((a, b) => a.start - b.start);
  const k = parts[0]?.proba.nClasses ?? 0;
  const total = parts.reduce((s, p) => s + p.end - p.start, 0);
  const rows = new Int32Array(total), foldOf = new Int32Array(total), data = new Float64Array(total * k);
  let off = 0;
  for (const p of parts) {
    for (let r = p.start; r < p.end; r++, off++) (rows[off] = r), (foldOf[off] = p.fold);
    data.set(p.proba.data, (off - (p.end - p.start)) * k);
  }
  const proba = { nRows: total, nClasses: k, data };
  const out: WalkForwardResult = {
    folds: results,
    rows,
    foldOf,
    proba,
    overall: classificationReport(gatherRows(y, rows), proba),
  };
  if (opts.finalModel) {
    onProgress?.({ fold: 0, folds: folds.length, stage: "final" });
    const stride = opts.maxTrainRows ? Math.max(1, Math.ceil(n / opts.maxTrainRows)) : 1;
    const all: Split = {
      fold: 0,
      train: [{ start: 0, end: n }],
      test: { start: n, end: n },
      stride,
      gap: { before: 0, after: 0 },
    };
    const tr = _trainRows(X, y, weights, all, trainIndices(all), gather);
    const model = makeModel(0);
    await model.fit(tr.X, tr.y, tr.w, {
      onProgress: (done, total) =>
        onProgress?.({ fold: 0, folds: folds.length, stage: "final", done, total }),
      pool,
    });
    out.finalModel = model;
  }
  return out;
}
