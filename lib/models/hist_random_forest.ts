/**
 * Candlelab's histogram random forest: bootstrap rows, `sqrt(features)` tried per split (scikit-learn's
 * default), gini, depth and leaf-size limits, class weights. Trees are grown in Deno workers; tree `i`
 * draws its randomness from `(seed, i)`, so 1 or N workers give bit-identical forests and predictions.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { Estimator, FeatureMatrix, FitOptions, ModelJSON, ProbaMatrix } from "./estimator.ts";
import {
  type HistRandomForestParams,
  type HistRandomForestParamsInput,
  HistRandomForestParamsSchema,
  parseParams,
  resolveClassWeights,
} from "./config.ts";
import { checkFitInput, checkPredictInput, notFittedError } from "./check.ts";
import { type BinnedData, binTrainingData } from "./binning.ts";
import {
  buildForestTree,
  createForestWorkspace,
  type ForestTreeParams,
  type ForestTreeResult,
} from "./forest_tree.ts";
import { addTreeOutput, type FlatTree, type FlatTreeJSON, treeFromJSON, treeToJSON } from "./tree.ts";
import { argmaxRows, checkModelJSON, namedImportance, normaliseImportance } from "./common.ts";

const _KIND = "hist_random_forest";
const _FORMAT_VERSION = 1;

interface _Fitted {
  featureNames: string[];
  trees: FlatTree[];
  importance: number[];
}

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

  /** Learns the forest (async: trees are grown in workers when `nWorkers` > 1). */
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
    // Start the workers first: they load their module while this thread bins the data.
    const workers = nWorkers > 1 ? _spawnWorkers(nWorkers) : [];
    let data: BinnedData;
    try {
      data = binTrainingData(X.columns, y, rowWeight, p.nClasses, p, nWorkers > 1);
    } catch (err) {
      for (const w of workers) w.terminate();
      throw err;
    }
    const treeParams: ForestTreeParams = {
      seed: p.seed,
      maxDepth: p.maxDepth,
      minSamplesSplit: p.minSamplesSplit,
      minSamplesLeaf: p.minSamplesLeaf,
      mtry: featuresPerSplit(p.maxFeatures, X.columns.length),
      bootstrap: p.bootstrap,
      maxSamples: p.maxSamples,
    };
    const results = nWorkers > 1
      ? await _growInWorkers(workers, data, treeParams, p.nTrees, options.onProgress)
      : _growInline(data, treeParams, p.nTrees, options.onProgress);
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

  /** Mean of the trees' leaf class distributions, n x nClasses. */
  predictProba(X: FeatureMatrix): ProbaMatrix {
    const f = this.#need("predictProba");
    checkPredictInput(`predictProba with ${_KIND}`, X, f.featureNames);
    const K = this.params.nClasses;
    const data = new Float64Array(X.nRows * K);
    for (const t of f.trees) addTreeOutput(t, X.columns, X.nRows, data, 1);
    const inv = f.trees.length;
    for (let i = 0; i < data.length; i++) data[i] /= inv;
    return { nRows: X.nRows, nClasses: K, data };
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
  data: BinnedData,
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

function _spawnWorkers(n: number): Worker[] {
  return Array.from(
    { length: n },
    () => new Worker(new URL("./hist_random_forest_worker.ts", import.meta.url), { type: "module" }),
  );
}

function _growInWorkers(
  workers: Worker[],
  data: BinnedData,
  params: ForestTreeParams,
  nTrees: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ForestTreeResult[]> {
  const results = new Array<ForestTreeResult>(nTrees);
  return new Promise<ForestTreeResult[]>((resolve, reject) => {
    let next = 0, done = 0, failed = false;
    const fail = (why: string) => {
      if (failed) return;
      failed = true;
      reject(new CandlelabError(`Cannot fit ${_KIND}: a tree worker failed: ${why}`));
    };
    for (const worker of workers) {
      worker.onerror = (e) => {
        e.preventDefault();
        fail(e.message);
      };
      worker.onmessage = (e: MessageEvent) => {
        const msg = e.data;
        if (msg.type === "error") return fail(msg.message);
        results[msg.index] = { tree: msg.tree, importance: msg.importance };
        done++;
        onProgress?.(done, nTrees);
        if (done === nTrees) resolve(results);
        else if (next < nTrees && !failed) worker.postMessage({ type: "tree", index: next++ });
      };
      worker.postMessage({ type: "init", data, params });
      // Two trees in flight per worker hide the message round trip.
      for (let k = 0; k < 2 && next < nTrees; k++) worker.postMessage({ type: "tree", index: next++ });
    }
  }).finally(() => {
    for (const w of workers) w.terminate();
  });
}
