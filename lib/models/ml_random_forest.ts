/**
 * The `ml-random-forest` package (mljs) behind the estimator contract: the reference learner for small
 * data (its fit time grows ~n^1.7). Its pitfalls are handled here:
 * - out-of-bag estimation is off (it crashes with few trees);
 * - probabilities are the trees' vote shares for every class at once, computed from `predictionValues`
 *   (its `predictProbability(X, label)` works one class per call and drops the first tree's vote);
 * - `maxSamples` is never used (it keeps the first rows, dropping the most recent on time-ordered data):
 *   above `maxRows`, a seeded random subset of rows, kept in time order, is used instead.
 * Its trees each see a random subset of features (`maxFeatures` per tree), not a subset per split.
 *
 * @module
 */
import { RandomForestClassifier } from "ml-random-forest";
import { CandlelabError } from "../util/errors.ts";
import type { Estimator, FeatureMatrix, FitOptions, ModelJSON, ProbaMatrix } from "./estimator.ts";
import {
  type MlRandomForestParams,
  type MlRandomForestParamsInput,
  MlRandomForestParamsSchema,
  parseParams,
} from "./config.ts";
import { checkFitInput, checkPredictInput, notFittedError } from "./check.ts";
import { createRng } from "./rng.ts";
import { argmaxRows, checkModelJSON, normaliseImportance } from "./common.ts";

const _KIND = "ml_random_forest";
const _FORMAT_VERSION = 1;

interface _Fitted {
  featureNames: string[];
  forest: RandomForestClassifier;
  importance: number[];
}

/** A fitted ml-random-forest as JSON (`forest` is mljs's own `toJSON()` output). */
export interface MlRandomForestJSON extends ModelJSON {
  kind: "ml_random_forest";
  formatVersion: number;
  params: MlRandomForestParams;
  featureNames: string[];
  importance: number[];
  forest: unknown;
}

/**
 * ml-random-forest classifier (reference for small data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MlRandomForest } from "./ml_random_forest.ts";
 * const x = Float64Array.from({ length: 60 }, (_, i) => i % 10);
 * const y = Int32Array.from(x, (v) => (v < 5 ? 0 : 2));
 * const X = { names: ["x"], columns: [x], nRows: 60 };
 * const rf = await new MlRandomForest({ nTrees: 3 }).fit(X, y);
 * assert(rf.predictProba(X).nClasses === 3);
 * ```
 */
export class MlRandomForest implements Estimator {
  readonly kind = _KIND;
  readonly params: Readonly<MlRandomForestParams>;
  #fitted: _Fitted | null = null;

  constructor(params: MlRandomForestParamsInput = {}) {
    this.params = Object.freeze(parseParams(MlRandomForestParamsSchema, params, _KIND));
  }

  /** Learns the forest (synchronous inside; async for the uniform contract). Unequal sample weights are refused. */
  fit(X: FeatureMatrix, y: Int32Array, weights?: Float64Array, options: FitOptions = {}): Promise<this> {
    try {
      return Promise.resolve(this.#fitSync(X, y, weights, options));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #fitSync(X: FeatureMatrix, y: Int32Array, weights: Float64Array | undefined, options: FitOptions): this {
    const p = this.params;
    checkFitInput(`fit ${_KIND}`, X, y, p.nClasses, weights);
    if (weights !== undefined && weights.some((v) => v !== weights[0])) {
      throw new CandlelabError(
        `Cannot fit ${_KIND}: ml-random-forest does not support unequal sample weights (got ${weights.length} ` +
          `weights, not all equal); use hist_random_forest, or fit without weights`,
      );
    }
    const rows = _rowSubset(X.nRows, p.maxRows, p.seed);
    const data = Array.from(rows, (i) => X.columns.map((c) => c[i]));
    const labels = Array.from(rows, (i) => y[i]);
    options.onProgress?.(0, 1);
    const forest = new RandomForestClassifier({
      nEstimators: p.nTrees,
      maxFeatures: p.maxFeatures,
      replacement: false,
      seed: p.seed,
      useSampleBagging: true,
      noOOB: true,
      treeOptions: { maxDepth: p.maxDepth, minNumSamples: p.minSamplesSplit },
    });
    forest.train(data, labels);
    options.onProgress?.(1, 1);
    const raw = (forest as unknown as { featureImportance(): number[] }).featureImportance();
    this.#fitted = { featureNames: [...X.names], forest, importance: normaliseImportance(raw) };
    return this;
  }

  /** Share of the trees voting for each class, n x nClasses. */
  predictProba(X: FeatureMatrix): ProbaMatrix {
    const f = this.#need("predictProba");
    checkPredictInput(`predictProba with ${_KIND}`, X, f.featureNames);
    const K = this.params.nClasses, n = X.nRows;
    const rowsArr = Array.from({ length: n }, (_, i) => X.columns.map((c) => c[i]));
    const votes = f.forest.predictionValues(rowsArr).to2DArray();
    const data = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const v = votes[i];
      for (let t = 0; t < v.length; t++) data[i * K + v[t]] += 1 / v.length;
    }
    return { nRows: n, nClasses: K, data };
  }

  /** Most probable class per row (ties go to the lower class index). */
  predict(X: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  /** mljs's gain-based importance, normalised to sum 1. */
  featureImportance(): Record<string, number> {
    const f = this.#need("featureImportance");
    return Object.fromEntries(f.featureNames.map((n, i) => [n, f.importance[i] ?? 0]));
  }

  /** Serialises parameters and mljs's forest. */
  toJSON(): MlRandomForestJSON {
    const f = this.#need("toJSON");
    return {
      kind: _KIND,
      formatVersion: _FORMAT_VERSION,
      params: { ...this.params },
      featureNames: [...f.featureNames],
      importance: [...f.importance],
      forest: f.forest.toJSON(),
    };
  }

  /**
   * Rebuilds a fitted model from `toJSON()` output; refuses another kind or format version.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { MlRandomForest } from "./ml_random_forest.ts";
   * const X = { names: ["x"], columns: [Float64Array.from({ length: 40 }, (_, i) => i)], nRows: 40 };
   * const y = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
   * const rf = await new MlRandomForest({ nTrees: 2 }).fit(X, y);
   * const back = MlRandomForest.load(JSON.parse(JSON.stringify(rf)));
   * assert(back.predict(X).join() === rf.predict(X).join());
   * ```
   */
  static load(json: unknown): MlRandomForest {
    const j = checkModelJSON(json, _KIND, _FORMAT_VERSION) as MlRandomForestJSON;
    const model = new MlRandomForest(j.params);
    let forest: RandomForestClassifier;
    try {
      forest = RandomForestClassifier.load(j.forest as Parameters<typeof RandomForestClassifier.load>[0]);
    } catch (err) {
      throw new CandlelabError(
        `Cannot load ${_KIND}: ml-random-forest refused the saved forest (${
          (err as Error).message
        }); refit and save it again`,
      );
    }
    model.#fitted = {
      featureNames: [...(j.featureNames ?? [])],
      forest,
      importance: [...(j.importance ?? [])],
    };
    return model;
  }

  #need(action: string): _Fitted {
    if (this.#fitted === null) throw notFittedError(_KIND, action);
    return this.#fitted;
  }
}

function _rowSubset(n: number, maxRows: number | null, seed: number): Int32Array {
  if (maxRows === null || n <= maxRows) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed), out = new Int32Array(maxRows);
  for (let i = 0, need = maxRows, o = 0; i < n && need > 0; i++) {
    if (rng.next() * (n - i) < need) out[o++] = i, need--;
  }
  return out;
}
