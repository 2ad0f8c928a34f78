/**
 * Candlelab's histogram gradient-boosted trees for k classes: softmax loss, one tree per class per round,
 * learning rate, best-first leaves with depth / leaf / hessian limits, L2 on leaf values, feature and row
 * subsampling (seeded per round and tree), class weights, optional early stopping on the most recent rows.
 * With `nWorkers` > 1 the round loop runs in the workers of a `WorkerPool` (`boosting_engine.ts`); the
 * model is bit-identical for any number of workers. See ADR-015 and ADR-029.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { Estimator, FeatureMatrix, FitOptions, ModelJSON, ProbaMatrix } from "./estimator.ts";
import {
  type HistGradientBoostingParams,
  type HistGradientBoostingParamsInput,
  HistGradientBoostingParamsSchema,
  parseParams,
  resolveClassWeights,
} from "./config.ts";
import { checkFitInput, checkPredictInput, notFittedError } from "./check.ts";
import { type BoostingJob, type BoostingOutcome, createBoostingJob, runBoosting } from "./boosting_engine.ts";
import { kernelMemory } from "./hist_kernels.ts";
import { addTreeOutput, type FlatTree, type FlatTreeJSON, treeFromJSON, treeToJSON } from "./tree.ts";
import { argmaxRows, checkModelJSON, namedImportance, normaliseImportance } from "./common.ts";
import { runTasks, WorkerPool } from "./worker_pool.ts";
import type { BoostingWorkerRequest } from "./hist_gradient_boosting_worker.ts";

const _KIND = "hist_gradient_boosting";
const _FORMAT_VERSION = 1;
const _WORKER = new URL("./hist_gradient_boosting_worker.ts", import.meta.url);

/** What early stopping decided (in the model JSON, so it reaches the registry's artifact). */
export interface EarlyStoppingRecord {
  /** The last rows of the training set (in time order) held out to measure the validation loss. */
  validationRows: number;
  /** Rounds grown before stopping, and kept (the count with the lowest validation loss). */
  roundsRun: number;
  roundsKept: number;
  /** Weighted mean multiclass log-loss on the validation rows after 0, 1, ... rounds. */
  validationLoss: number[];
}

interface _Fitted {
  featureNames: string[];
  init: number[];
  /** Round-major: tree `r * nClasses + c` adds to class c. */
  trees: FlatTree[];
  importance: number[];
  earlyStopping?: EarlyStoppingRecord;
}

/** A fitted boosting model as JSON. */
export interface HistGradientBoostingJSON extends ModelJSON {
  kind: "hist_gradient_boosting";
  formatVersion: number;
  params: HistGradientBoostingParams;
  featureNames: string[];
  init: number[];
  importance: number[];
  trees: FlatTreeJSON[];
  /** Present when the model was fitted with `earlyStopping`. */
  earlyStopping?: EarlyStoppingRecord;
}

/**
 * Histogram gradient boosting classifier (multiclass softmax).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HistGradientBoosting } from "./hist_gradient_boosting.ts";
 * const x = Float64Array.from({ length: 300 }, (_, i) => i % 10);
 * const y = Int32Array.from(x, (v) => (v < 3 ? 0 : v < 7 ? 1 : 2));
 * const X = { names: ["x"], columns: [x], nRows: 300 };
 * const gb = await new HistGradientBoosting({ nRounds: 20, minSamplesLeaf: 5, nWorkers: 1 }).fit(X, y);
 * assert(gb.predict(X).every((c, i) => c === y[i]));
 * ```
 */
export class HistGradientBoosting implements Estimator {
  readonly kind = _KIND;
  readonly params: Readonly<HistGradientBoostingParams>;
  #fitted: _Fitted | null = null;

  constructor(params: HistGradientBoostingParamsInput = {}) {
    this.params = Object.freeze(parseParams(HistGradientBoostingParamsSchema, params, _KIND));
  }

  /**
   * Learns the ensemble. With `nWorkers` > 1 the rounds run in the workers of `options.pool` (or of a private
   * pool closed before returning), each building the histograms of a block of features; the model is the
   * same for any number of workers. With `earlyStopping`, the last `validationFraction` of the rows (in
   * time order) are held out of the fit and the rounds stop after `patience` rounds without a lower
   * validation log-loss; the rounds with the lowest loss are kept.
   */
  async fit(
    X: FeatureMatrix,
    y: Int32Array,
    weights?: Float64Array,
    options: FitOptions = {},
  ): Promise<this> {
    const p = this.params, K = p.nClasses, n = X.nRows, F = X.columns.length;
    checkFitInput(`fit ${_KIND}`, X, y, K, weights);
    const classW = resolveClassWeights(p.classWeight, y, K, weights);
    const rowW = new Float64Array(n);
    for (let i = 0; i < n; i++) rowW[i] = (weights ? weights[i] : 1) * classW[y[i]];
    const es = p.earlyStopping;
    const nVal = es ? Math.floor(n * es.validationFraction) : 0;
    if (es && (nVal < 1 || n - nVal < 2)) {
      throw new CandlelabError(
        `Cannot fit ${_KIND}: earlyStopping.validationFraction ${es.validationFraction} of ${n} rows leaves ` +
          `${nVal} validation and ${
            n - nVal
          } fitting rows; give more rows, change the fraction or drop earlyStopping`,
      );
    }
    const nThreads = Math.max(1, Math.min(p.nWorkers, F));
    let out: BoostingOutcome;
    if (nThreads === 1) {
      const job = _makeJob(X, y, rowW, nVal, p, 1, _soloMemory);
      out = runBoosting(job, 0, (r) => options.onProgress?.(r, p.nRounds));
    } else {
      const pool = options.pool ?? new WorkerPool();
      try {
        out = await pool.run(_WORKER, nThreads, async (workers) => {
          const job = _makeJob(X, y, rowW, nVal, p, nThreads, (bytes) => pool.memory("gbt", bytes));
          let result: BoostingOutcome | null = null;
          await runTasks(workers, {
            count: nThreads,
            inFlight: 1,
            send: (w, task) => {
              const msg: BoostingWorkerRequest = { type: "fit", task, job, progress: !!options.onProgress };
              w.postMessage(msg);
            },
            onDone: (r) => {
              if (r.task === 0) result = r as unknown as BoostingOutcome;
            },
            onProgress: (m) => options.onProgress?.(m.done as number, p.nRounds),
            action: `fit ${_KIND}`,
          });
          return result!;
        });
      } finally {
        if (!options.pool) pool.close();
      }
    }
    this.#fitted = {
      featureNames: [...X.names],
      init: _prior(y, rowW, n - nVal, K),
      trees: out.trees,
      importance: normaliseImportance(Array.from(out.gain)),
      ...(es
        ? {
          earlyStopping: {
            validationRows: nVal,
            roundsRun: out.roundsRun,
            roundsKept: out.roundsKept,
            validationLoss: out.validationLoss,
          },
        }
        : {}),
    };
    return this;
  }

  /** Starts the workers a fit with more than one worker borrows from `pool` (see `Estimator.warm`). */
  warm(pool: WorkerPool): void {
    if (this.params.nWorkers > 1) pool.warm(_WORKER, this.params.nWorkers);
  }

  /** Softmax of the summed scores, n x nClasses. */
  predictProba(X: FeatureMatrix): ProbaMatrix {
    const f = this.#need("predictProba");
    checkPredictInput(`predictProba with ${_KIND}`, X, f.featureNames);
    const K = this.params.nClasses, n = X.nRows;
    const data = new Float64Array(n * K);
    for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) data[i * K + c] = f.init[c];
    // tree t scores class t % K: its single leaf value goes to column t % K of row i
    for (let t = 0; t < f.trees.length; t++) addTreeOutput(f.trees[t], X.columns, n, data, 1, K, t % K);
    for (let i = 0; i < n; i++) {
      let mx = -Infinity, z = 0;
      for (let c = 0; c < K; c++) mx = Math.max(mx, data[i * K + c]);
      for (let c = 0; c < K; c++) z += data[i * K + c] = Math.exp(data[i * K + c] - mx);
      for (let c = 0; c < K; c++) data[i * K + c] /= z;
    }
    return { nRows: n, nClasses: K, data };
  }

  /** Most probable class per row (ties go to the lower class index). */
  predict(X: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  /** Total split gain per feature, normalised to sum 1 (the boosting analogue of impurity decrease). */
  featureImportance(): Record<string, number> {
    const f = this.#need("featureImportance");
    return namedImportance(f.featureNames, f.importance);
  }

  /** Serialises parameters, initial scores and trees. */
  toJSON(): HistGradientBoostingJSON {
    const f = this.#need("toJSON");
    return {
      kind: _KIND,
      formatVersion: _FORMAT_VERSION,
      params: { ...this.params },
      featureNames: [...f.featureNames],
      init: [...f.init],
      importance: [...f.importance],
      trees: f.trees.map(treeToJSON),
      ...(f.earlyStopping ? { earlyStopping: structuredClone(f.earlyStopping) } : {}),
    };
  }

  /**
   * Rebuilds a fitted model from `toJSON()` output; refuses another kind or format version.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HistGradientBoosting } from "./hist_gradient_boosting.ts";
   * const X = { names: ["x"], columns: [Float64Array.from({ length: 60 }, (_, i) => i)], nRows: 60 };
   * const y = Int32Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : 2));
   * const gb = await new HistGradientBoosting({ nRounds: 3, nWorkers: 1 }).fit(X, y);
   * const back = HistGradientBoosting.load(JSON.parse(JSON.stringify(gb)));
   * assert(back.predictProba(X).data.join() === gb.predictProba(X).data.join());
   * ```
   */
  static load(json: unknown): HistGradientBoosting {
    const j = checkModelJSON(json, _KIND, _FORMAT_VERSION) as HistGradientBoostingJSON;
    const model = new HistGradientBoosting(j.params);
    const nF = j.featureNames?.length ?? 0, K = model.params.nClasses;
    if (
      !Array.isArray(j.trees) || j.trees.length === 0 || j.trees.length % K !== 0 || !Array.isArray(j.init) ||
      j.init.length !== K || !Array.isArray(j.importance) || j.importance.length !== nF
    ) {
      throw new CandlelabError(
        `Cannot load ${_KIND}: trees, init, featureNames or importance are missing or inconsistent; the model file is damaged, refit and save it again`,
      );
    }
    model.#fitted = {
      featureNames: [...j.featureNames],
      init: [...j.init],
      trees: j.trees.map((t) => treeFromJSON(t, nF)),
      importance: [...j.importance],
      ...(j.earlyStopping ? { earlyStopping: structuredClone(j.earlyStopping) } : {}),
    };
    return model;
  }

  #need(action: string): _Fitted {
    if (this.#fitted === null) throw notFittedError(_KIND, action);
    return this.#fitted;
  }
}

/** Initial scores: log of the weighted class priors of the first `n` rows. */
function _prior(y: Int32Array, rowW: Float64Array, n: number, K: number): number[] {
  const prior = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < n; i++) prior[y[i]] += rowW[i], total += rowW[i];
  return Array.from(prior, (v) => Math.log(Math.max(v / total, 1e-12)));
}

/** The memory of one-thread fits, kept from fit to fit (fresh memory is slow to touch). */
let _solo: WebAssembly.Memory | null = null;
function _soloMemory(bytes: number): WebAssembly.Memory {
  if (_solo === null || _solo.buffer.byteLength < bytes) _solo = kernelMemory(bytes, bytes >> 3);
  return _solo;
}

/** The shared memory and parameters of one fit (see `createBoostingJob`). */
function _makeJob(
  X: FeatureMatrix,
  y: Int32Array,
  rowW: Float64Array,
  nVal: number,
  p: HistGradientBoostingParams,
  nThreads: number,
  memory: (bytes: number) => WebAssembly.Memory,
): BoostingJob {
  return createBoostingJob({
    memory,
    columns: X.columns,
    y,
    rowWeight: rowW,
    nVal,
    nClasses: p.nClasses,
    nThreads,
    maxBins: p.maxBins,
    binSampleRows: p.binSampleRows,
    init: _prior(y, rowW, X.nRows - nVal, p.nClasses),
    params: {
      maxDepth: p.maxDepth,
      maxLeaves: p.maxLeaves,
      minSamplesLeaf: p.minSamplesLeaf,
      minHessian: p.minHessian,
      l2: p.l2,
      learningRate: p.learningRate,
      nRounds: p.nRounds,
      rowFraction: p.rowFraction,
      featureFraction: p.featureFraction,
      seed: p.seed,
      patience: p.earlyStopping?.patience ?? 0,
    },
  });
}
