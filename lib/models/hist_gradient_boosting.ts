/**
 * Candlelab's histogram gradient-boosted trees for k classes: softmax loss, one tree per class per round,
 * learning rate, best-first leaves with depth / leaf / hessian limits, L2 on leaf values, feature and row
 * subsampling (seeded per round and tree), class weights. Fits in the calling thread.
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
import { binTrainingData } from "./binning.ts";
import {
  addBinnedTreeOutput,
  type BoostingTreeParams,
  type BoostingTreeResult,
  buildBoostingTree,
} from "./boosting_tree.ts";
import type { BinnedData } from "./binning.ts";
import { addTreeOutput, type FlatTree, type FlatTreeJSON, treeFromJSON, treeToJSON } from "./tree.ts";
import { createRng, deriveSeed } from "./rng.ts";
import { argmaxRows, checkModelJSON, namedImportance, normaliseImportance } from "./common.ts";

const _KIND = "hist_gradient_boosting";
const _FORMAT_VERSION = 1;

interface _Fitted {
  featureNames: string[];
  init: number[];
  /** Round-major: tree `r * nClasses + c` adds to class c. */
  trees: FlatTree[];
  importance: number[];
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

  /** Learns the ensemble; with `nWorkers` > 1 the class trees of each round grow in parallel workers. */
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
    const nWorkers = Math.min(p.nWorkers, K);
    const shared = nWorkers > 1;
    // Workers load their module while this thread bins the data.
    const workers = shared ? _spawnWorkers(nWorkers) : [];
    try {
      const data = binTrainingData(X.columns, y, rowW, K, p, shared);
      const f64 = (len: number) =>
        shared ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len);
      const grads = Array.from({ length: K }, () => f64(n));
      const hess = Array.from({ length: K }, () => f64(n));
      const sampleBuf = shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
      const treeParams: BoostingTreeParams = {
        maxDepth: p.maxDepth,
        maxLeaves: p.maxLeaves,
        minSamplesLeaf: p.minSamplesLeaf,
        minHessian: p.minHessian,
        l2: p.l2,
        learningRate: p.learningRate,
      };
      const pool = shared
        ? _boostingPool(workers, { data, grads, hess, sample: sampleBuf, params: treeParams })
        : null;

      // Initial scores: log of the weighted class priors.
      const prior = new Float64Array(K);
      let total = 0;
      for (let i = 0; i < n; i++) prior[y[i]] += rowW[i], total += rowW[i];
      const init = Array.from(prior, (v) => Math.log(Math.max(v / total, 1e-12)));
      const raw = new Float64Array(n * K);
      for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) raw[i * K + c] = init[c];

      const nSample = Math.max(1, Math.round(p.rowFraction * n));
      const nFeat = Math.max(1, Math.round(p.featureFraction * F));
      const trees: FlatTree[] = [];
      const gainSum = new Float64Array(F);
      const prob = new Float64Array(K);
      for (let r = 0; r < p.nRounds; r++) {
        const sample = _sampleRows(deriveSeed(p.seed, 2 * r), n, nSample);
        sampleBuf.set(sample);
        for (let s = 0; s < sample.length; s++) {
          const i = sample[s];
          let mx = -Infinity;
          for (let c = 0; c < K; c++) mx = Math.max(mx, raw[i * K + c]);
          let z = 0;
          for (let c = 0; c < K; c++) z += prob[c] = Math.exp(raw[i * K + c] - mx);
          const wi = rowW[i];
          for (let c = 0; c < K; c++) {
            const pc = prob[c] / z;
            grads[c][i] = wi * (pc - (y[i] === c ? 1 : 0));
            hess[c][i] = wi * Math.max(pc * (1 - pc), 1e-16);
          }
        }
        const feats = Array.from(
          { length: K },
          (_, c) => _sampleFeatures(deriveSeed(p.seed, 2 * (r * K + c) + 1), F, nFeat),
        );
        const results = pool
          ? await pool.round(sample.length, feats)
          : feats.map((fs, c) => buildBoostingTree(data, sample, grads[c], hess[c], fs, treeParams));
        for (let c = 0; c < K; c++) {
          for (let f = 0; f < F; f++) gainSum[f] += results[c].gain[f];
          addBinnedTreeOutput(results[c].tree, data.rows, data.stride, n, raw, K, c);
          trees.push(results[c].tree);
        }
        options.onProgress?.(r + 1, p.nRounds);
      }
      this.#fitted = {
        featureNames: [...X.names],
        init,
        trees,
        importance: normaliseImportance(Array.from(gainSum)),
      };
      return this;
    } finally {
      for (const w of workers) w.terminate();
    }
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
    };
    return model;
  }

  #need(action: string): _Fitted {
    if (this.#fitted === null) throw notFittedError(_KIND, action);
    return this.#fitted;
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

function _spawnWorkers(n: number): Worker[] {
  return Array.from(
    { length: n },
    () => new Worker(new URL("./hist_gradient_boosting_worker.ts", import.meta.url), { type: "module" }),
  );
}

interface _Pool {
  round(nSample: number, feats: Int32Array[]): Promise<BoostingTreeResult[]>;
}

function _boostingPool(
  workers: Worker[],
  init: {
    data: BinnedData;
    grads: Float64Array[];
    hess: Float64Array[];
    sample: Int32Array;
    params: BoostingTreeParams;
  },
): _Pool {
  for (const w of workers) w.postMessage({ type: "init", ...init });
  return {
    round: (nSample, feats) =>
      new Promise<BoostingTreeResult[]>((resolve, reject) => {
        const K = feats.length, out = new Array<BoostingTreeResult>(K);
        let next = 0, done = 0, failed = false;
        const fail = (why: string) => {
          if (!failed) {
            failed = true, reject(new CandlelabError(`Cannot fit ${_KIND}: a tree worker failed: ${why}`));
          }
        };
        const send = (w: Worker) => {
          const c = next++;
          w.postMessage({ type: "tree", c, nSample, feats: feats[c] });
        };
        for (const w of workers) {
          w.onerror = (e) => {
            e.preventDefault();
            fail(e.message);
          };
          w.onmessage = (e: MessageEvent) => {
            const msg = e.data;
            if (msg.type === "error") return fail(msg.message);
            out[msg.c] = { tree: msg.tree, gain: msg.gain };
            if (++done === K) resolve(out);
            else if (next < K && !failed) send(w);
          };
        }
        for (const w of workers) if (next < K) send(w);
      }),
  };
}
