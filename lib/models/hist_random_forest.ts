/**
 * Candlelab's histogram random forest: bootstrap rows, `sqrt(features)` tried per split (scikit-learn's
 * default), gini, depth and leaf-size limits, class weights. With `nWorkers` > 1, features are binned and
 * trees grown in the workers of a `WorkerPool` (borrowed from `fit`'s options, or private to the call);
 * tree `i` draws its randomness from `(seed, i)` and binning does not depend on the thread, so 1 or N workers
 * give bit-identical forests and predictions. `predictProbaAsync` splits rows across the pool's workers
 * with the same numbers as `predictProba` (both use `forest_predict.ts`). See ADR-015 and ADR-023.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type {
  Estimator,
  FeatureMatrix,
  FitOptions,
  ModelJSON,
  PredictOptions,
  ProbaMatrix,
} from "./estimator.ts";
import {
  type HistRandomForestParams,
  type HistRandomForestParamsInput,
  HistRandomForestParamsSchema,
  parseParams,
  resolveClassWeights,
} from "./config.ts";
import { checkFitInput, checkPredictInput, notFittedError } from "./check.ts";
import {
  binForestData,
  binForestFeature,
  type ForestData,
  forestData,
  forestSampleRows,
} from "./forest_data.ts";
import {
  buildForestTree,
  createForestWorkspace,
  type ForestTreeParams,
  type ForestTreeResult,
} from "./forest_tree.ts";
import { type CompiledForest, compileForest, predictForest, predictForestPlain } from "./forest_predict.ts";
import { type FlatTree, type FlatTreeJSON, treeFromJSON, treeToJSON } from "./tree.ts";
import { argmaxRows, checkModelJSON, namedImportance, normaliseImportance } from "./common.ts";
import { runTasks, WorkerPool } from "./worker_pool.ts";
import type { ForestWorkerRequest } from "./hist_random_forest_worker.ts";

const _KIND = "hist_random_forest";
const _FORMAT_VERSION = 1;

interface _Fitted {
  featureNames: string[];
  trees: FlatTree[];
  importance: number[];
  /** Built on first prediction; null when the forest does not fit the packed layout. */
  compiled?: CompiledForest | null;
}

const _WORKER = new URL("./hist_random_forest_worker.ts", import.meta.url);
/** Rows per prediction task in the workers, at least. */
const _MIN_CHUNK_ROWS = 2048;

/** A fitted forest as JSON. */
export interface HistRandomForestJSON extends ModelJSON {
  kind: "hist_random_forest";
  formatVersion: number;
  params: HistRandomForestParams;
  featureNames: string[];
  importance: number[];
  trees: FlatTreeJSON[];
}

/**
 * Histogram random forest classifier.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HistRandomForest } from "./hist_random_forest.ts";
 * const x = Float64Array.from({ length: 200 }, (_, i) => i % 10);
 * const y = Int32Array.from(x, (v) => (v < 3 ? 0 : v < 7 ? 1 : 2));
 * const X = { names: ["x"], columns: [x], nRows: 200 };
 * const rf = await new HistRandomForest({ nTrees: 5, nWorkers: 1 }).fit(X, y);
 * assert(rf.predict(X).every((c, i) => c === y[i]));
 * ```
 */
export class HistRandomForest implements Estimator {
  readonly kind = _KIND;
  readonly params: Readonly<HistRandomForestParams>;
  #fitted: _Fitted | null = null;

  constructor(params: HistRandomForestParamsInput = {}) {
    this.params = Object.freeze(parseParams(HistRandomForestParamsSchema, params, _KIND));
  }

  /**
   * Learns the forest. With `nWorkers` > 1, binning (one task per feature) and trees (one task per tree)
   * run in the workers of `options.pool` (or of a private pool closed before returning).
   */
  async fit(
    X: FeatureMatrix,
    y: Int32Array,
    weights?: Float64Array,
    options: FitOptions = {},
  ): Promise<this> {
    const p = this.params;
    checkFitInput(`fit ${_KIND}`, X, y, p.nClasses, weights);
    const classW = resolveClassWeights(p.classWeight, y, p.nClasses, weights);
    const rowWeight = new Float64Array(X.nRows);
    for (let i = 0; i < X.nRows; i++) rowWeight[i] = (weights ? weights[i] : 1) * classW[y[i]];
    const nWorkers = Math.min(p.nWorkers, p.nTrees);
    const treeParams: ForestTreeParams = {
      seed: p.seed,
      maxDepth: p.maxDepth,
      minSamplesSplit: p.minSamplesSplit,
      minSamplesLeaf: p.minSamplesLeaf,
      mtry: featuresPerSplit(p.maxFeatures, X.columns.length),
      bootstrap: p.bootstrap,
      maxSamples: p.maxSamples,
    };
    let results: ForestTreeResult[];
    if (nWorkers <= 1) {
      const data = binForestData(X.columns, y, rowWeight, p.nClasses, p);
      results = _growInline(data, treeParams, p.nTrees, options.onProgress);
    } else {
      const pool = options.pool ?? new WorkerPool();
      try {
        results = await pool.run(
          _WORKER,
          nWorkers,
          (workers) => _fitInWorkers(workers, pool, X, y, rowWeight, p, treeParams, options),
        );
      } finally {
        if (!options.pool) pool.close();
      }
    }
    const perTree = results.map((r) => normaliseImportance(Array.from(r.importance)));
    const mean = new Array<number>(X.columns.length).fill(0);
    for (const imp of perTree) for (let f = 0; f < mean.length; f++) mean[f] += imp[f];
    this.#fitted = {
      featureNames: [...X.names],
      trees: results.map((r) => r.tree),
      importance: normaliseImportance(mean),
    };
    return this;
  }

  /** Starts the workers a fit with more than one worker borrows from `pool` (see `Estimator.warm`). */
  warm(pool: WorkerPool): void {
    if (this.params.nWorkers > 1) pool.warm(_WORKER, this.params.nWorkers);
  }

  /** Mean of the trees' leaf class distributions, n x nClasses. */
  predictProba(X: FeatureMatrix): ProbaMatrix {
    const f = this.#need("predictProba");
    checkPredictInput(`predictProba with ${_KIND}`, X, f.featureNames);
    const K = this.params.nClasses, data = new Float64Array(X.nRows * K);
    const compiled = this.#compiled(f);
    if (compiled) predictForest(compiled, X.columns, 0, X.nRows, data, 0);
    else predictForestPlain(f.trees, X.columns, X.nRows, data);
    return { nRows: X.nRows, nClasses: K, data };
  }

  /**
   * `predictProba`, with the rows split across the workers of `options.pool` (`nWorkers` of them) when one
   * is given; bit-identical to `predictProba` either way.
   */
  async predictProbaAsync(X: FeatureMatrix, options: PredictOptions = {}): Promise<ProbaMatrix> {
    const f = this.#need("predictProbaAsync");
    const nWorkers = Math.min(this.params.nWorkers, Math.ceil(X.nRows / _MIN_CHUNK_ROWS));
    const pool = options.pool;
    const compiled = this.#compiled(f);
    if (!pool || nWorkers <= 1 || compiled === null) return this.predictProba(X);
    checkPredictInput(`predictProbaAsync with ${_KIND}`, X, f.featureNames);
    const n = X.nRows, K = this.params.nClasses, F = X.columns.length;
    const data = new Float64Array(n * K);
    await pool.run(_WORKER, nWorkers, async (workers) => {
      // Rows go through scratch shared memory (the pool reuses it from call to call), at most
      // pool.maxScratchBytes of features at a time.
      const batchRows = Math.max(1, Math.min(n, Math.floor(pool.maxScratchBytes / (F * 8))));
      const xs = new Float64Array(pool.scratch("forest.columns", batchRows * F * 8), 0, batchRows * F);
      const out = new Float64Array(pool.scratch("forest.proba", batchRows * K * 8), 0, batchRows * K);
      for (let start = 0; start < n; start += batchRows) {
        const m = Math.min(batchRows, n - start);
        const columns = X.columns.map((col, j) => {
          const dst = xs.subarray(j * m, (j + 1) * m);
          dst.set(col.subarray(start, start + m));
          return dst;
        });
        const chunkRows = Math.max(_MIN_CHUNK_ROWS, Math.ceil(m / (8 * nWorkers)));
        const setup: ForestWorkerRequest = {
          type: "predict-setup",
          forest: compiled,
          columns,
          out,
          chunkRows,
          nRows: m,
        };
        for (const w of workers) w.postMessage(setup);
        await runTasks(workers, {
          count: Math.ceil(m / chunkRows),
          send: (w, task) => w.postMessage({ type: "predict", task }),
          onDone: () => {},
          action: `predict with ${_KIND}`,
        });
        data.set(out.subarray(0, m * K), start * K);
      }
    });
    return { nRows: n, nClasses: K, data };
  }

  /** Most probable class per row (ties go to the lower class index). */
  predict(X: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  /** Mean decrease in gini impurity per feature (per tree normalised, averaged, normalised to sum 1). */
  featureImportance(): Record<string, number> {
    const f = this.#need("featureImportance");
    return namedImportance(f.featureNames, f.importance);
  }

  /** Serialises parameters and trees; `HistRandomForest.load` reads it back. */
  toJSON(): HistRandomForestJSON {
    const f = this.#need("toJSON");
    return {
      kind: _KIND,
      formatVersion: _FORMAT_VERSION,
      params: { ...this.params },
      featureNames: [...f.featureNames],
      importance: [...f.importance],
      trees: f.trees.map(treeToJSON),
    };
  }

  /**
   * Rebuilds a fitted forest from `toJSON()` output; refuses another kind or format version.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HistRandomForest } from "./hist_random_forest.ts";
   * const X = { names: ["x"], columns: [Float64Array.from({ length: 50 }, (_, i) => i)], nRows: 50 };
   * const y = Int32Array.from({ length: 50 }, (_, i) => (i < 25 ? 0 : 2));
   * const rf = await new HistRandomForest({ nTrees: 3, nWorkers: 1 }).fit(X, y);
   * const back = HistRandomForest.load(JSON.parse(JSON.stringify(rf)));
   * assert(back.predict(X).join() === rf.predict(X).join());
   * ```
   */
  static load(json: unknown): HistRandomForest {
    const j = checkModelJSON(json, _KIND, _FORMAT_VERSION) as HistRandomForestJSON;
    const model = new HistRandomForest(j.params);
    const nF = j.featureNames?.length ?? 0;
    if (
      !Array.isArray(j.trees) || j.trees.length === 0 || !Array.isArray(j.importance) ||
      j.importance.length !== nF
    ) {
      throw new CandlelabError(
        `Cannot load ${_KIND}: trees, featureNames or importance are missing or inconsistent; the model file is damaged, refit and save it again`,
      );
    }
    model.#fitted = {
      featureNames: [...j.featureNames],
      trees: j.trees.map((t) => treeFromJSON(t, nF)),
      importance: [...j.importance],
    };
    return model;
  }

  #compiled(f: _Fitted): CompiledForest | null {
    if (f.compiled === undefined) {
      f.compiled = compileForest(f.trees, f.featureNames.length, this.params.nClasses);
    }
    return f.compiled;
  }

  #need(action: string): _Fitted {
    if (this.#fitted === null) throw notFittedError(_KIND, action);
    return this.#fitted;
  }
}

/**
 * Number of features tried per split for `maxFeatures` and `nFeatures` (at least 1), as scikit-learn counts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { featuresPerSplit } from "./hist_random_forest.ts";
 * assert(featuresPerSplit("sqrt", 30) === 5 && featuresPerSplit(0.5, 30) === 15);
 * ```
 */
export function featuresPerSplit(
  maxFeatures: HistRandomForestParams["maxFeatures"],
  nFeatures: number,
): number {
  const k = maxFeatures === "sqrt"
    ? Math.floor(Math.sqrt(nFeatures))
    : maxFeatures === "log2"
    ? Math.floor(Math.log2(nFeatures))
    : maxFeatures === "all"
    ? nFeatures
    : Math.floor(maxFeatures * nFeatures);
  return Math.max(1, Math.min(nFeatures, k));
}

function _growInline(
  data: ForestData,
  params: ForestTreeParams,
  nTrees: number,
  onProgress?: (done: number, total: number) => void,
): ForestTreeResult[] {
  const out: ForestTreeResult[] = [];
  const workspace = createForestWorkspace(data);
  for (let i = 0; i < nTrees; i++) {
    out.push(buildForestTree(data, params, i, workspace));
    onProgress?.(i + 1, nTrees);
  }
  return out;
}

async function _fitInWorkers(
  workers: readonly Worker[],
  pool: WorkerPool,
  X: FeatureMatrix,
  y: Int32Array,
  rowWeight: Float64Array,
  p: HistRandomForestParams,
  treeParams: ForestTreeParams,
  options: FitOptions,
): Promise<ForestTreeResult[]> {
  const n = X.nRows, F = X.columns.length;
  const sample = forestSampleRows(n, p);
  const bins = new Uint8Array(pool.scratch("forest.bins", n * F), 0, n * F);
  const yb = new Uint8Array(pool.scratch("forest.y", n), 0, n);
  yb.set(y);
  const w8 = new Float64Array(pool.scratch("forest.weights", n * 8), 0, n);
  w8.set(rowWeight);
  const edges = new Array<Float64Array>(F);
  if (n * F * 8 <= pool.maxScratchBytes) {
    // 1. Bin in the workers, one feature per task, from a shared copy of the columns (scratch memory the
    //    pool reuses from fit to fit) into the shared bins.
    const xs = new Float64Array(pool.scratch("forest.columns", n * F * 8), 0, n * F);
    X.columns.forEach((col, f) => xs.set(col, f * n));
    const binSetup: ForestWorkerRequest = {
      type: "bin-setup",
      columns: xs,
      n,
      sample,
      maxBins: p.maxBins,
      bins,
    };
    for (const w of workers) w.postMessage(binSetup);
    await runTasks(workers, {
      count: F,
      send: (w, task) => w.postMessage({ type: "bin", task }),
      onDone: (r) => (edges[r.task] = r.edges as Float64Array),
      action: `fit ${_KIND} (binning)`,
    });
  } else {
    // 1'. Too large to copy: bin here (the same bytes), straight from the caller's columns.
    const buf = new Float64Array(sample?.length ?? n);
    X.columns.forEach((col, f) => {
      edges[f] = binForestFeature(col, sample, p.maxBins, bins.subarray(f * n, (f + 1) * n), buf);
    });
  }

  // 2. Grow the trees, one task per tree index.
  const data = forestData(bins, yb, w8, edges, p.nClasses);
  const growSetup: ForestWorkerRequest = { type: "grow-setup", data, params: treeParams };
  for (const w of workers) w.postMessage(growSetup);
  const results = new Array<ForestTreeResult>(p.nTrees);
  let done = 0;
  await runTasks(workers, {
    count: p.nTrees,
    send: (w, task) => w.postMessage({ type: "tree", task }),
    onDone: (r) => {
      results[r.task] = { tree: r.tree as FlatTree, importance: r.importance as Float64Array };
      options.onProgress?.(++done, p.nTrees);
    },
    action: `fit ${_KIND}`,
  });
  return results;
}
