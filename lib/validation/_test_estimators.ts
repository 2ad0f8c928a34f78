/**
 * Tiny estimators that follow the contract in `lib/models/estimator.ts`, for tests and examples of the
 * validation and registry code only (the real classifiers live in `lib/models`).
 *
 * @module
 */
import type { Estimator, FeatureMatrix, ModelJSON, ProbaMatrix } from "../models/estimator.ts";
import { CandlelabError } from "../util/errors.ts";

function _notFitted(kind: string): never {
  throw new CandlelabError(`Cannot predict with ${kind}: the model is not fitted; call fit(X, y) first`);
}

function _argmax(p: ProbaMatrix): Int32Array {
  const out = new Int32Array(p.nRows);
  for (let i = 0; i < p.nRows; i++) {
    let b = 0;
    for (let c = 1; c < p.nClasses; c++) if (p.data[i * p.nClasses + c] > p.data[i * p.nClasses + b]) b = c;
    out[i] = b;
  }
  return out;
}

/**
 * Predicts the (weighted) training class frequencies for every row.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ClassPrior } from "./_test_estimators.ts";
 * const X = { names: ["x"], columns: [Float64Array.of(0, 0, 0, 0)], nRows: 4 };
 * const m = await new ClassPrior().fit(X, Int32Array.of(2, 2, 2, 0));
 * assert(m.predictProba(X).data[2] === 0.75);
 * ```
 */
export class ClassPrior implements Estimator {
  readonly kind = "test_class_prior";
  readonly params: Readonly<Record<string, unknown>>;
  #prior?: Float64Array;
  #names: string[] = [];
  constructor(params: { nClasses?: number } = {}) {
    this.params = { nClasses: params.nClasses ?? 3 };
  }
  fit(X: FeatureMatrix, y: Int32Array, weights?: Float64Array): Promise<this> {
    const k = this.params.nClasses as number;
    const p = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const w = weights ? weights[i] : 1;
      p[y[i]] += w;
      total += w;
    }
    for (let c = 0; c < k; c++) p[c] = total ? p[c] / total : 1 / k;
    this.#prior = p;
    this.#names = X.names;
    return Promise.resolve(this);
  }
  predictProba(X: FeatureMatrix): ProbaMatrix {
    const p = this.#prior ?? _notFitted(this.kind);
    const data = new Float64Array(X.nRows * p.length);
    for (let i = 0; i < X.nRows; i++) data.set(p, i * p.length);
    return { nRows: X.nRows, nClasses: p.length, data };
  }
  predict(X: FeatureMatrix): Int32Array {
    return _argmax(this.predictProba(X));
  }
  featureImportance(): Record<string, number> {
    return Object.fromEntries(this.#names.map((n) => [n, 1 / this.#names.length]));
  }
  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      formatVersion: 1,
      params: { ...this.params },
      prior: Array.from(this.#prior ?? []),
    };
  }
}

/**
 * Nearest class centroid (Euclidean); probabilities are a softmax of minus the distances.
 * Importance is each feature's spread of centroids, normalised to sum to 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { NearestCentroid } from "./_test_estimators.ts";
 * const X = { names: ["x"], columns: [Float64Array.of(-1, -1, 1, 1)], nRows: 4 };
 * const m = await new NearestCentroid().fit(X, Int32Array.of(0, 0, 2, 2));
 * assert(m.predict(X).join() === "0,0,2,2");
 * ```
 */
export class NearestCentroid implements Estimator {
  readonly kind = "test_nearest_centroid";
  readonly params: Readonly<Record<string, unknown>>;
  #centroids?: Float64Array[];
  #present: boolean[] = [];
  #names: string[] = [];
  constructor(params: { nClasses?: number } = {}) {
    this.params = { nClasses: params.nClasses ?? 3 };
  }
  fit(X: FeatureMatrix, y: Int32Array): Promise<this> {
    const k = this.params.nClasses as number, f = X.columns.length;
    const sums = Array.from({ length: k }, () => new Float64Array(f));
    const counts = new Float64Array(k);
    for (let i = 0; i < X.nRows; i++) {
      counts[y[i]]++;
      for (let j = 0; j < f; j++) sums[y[i]][j] += X.columns[j][i];
    }
    this.#centroids = sums.map((s, c) => s.map((v) => (counts[c] ? v / counts[c] : 0)));
    this.#present = Array.from(counts, (c) => c > 0);
    this.#names = X.names;
    return Promise.resolve(this);
  }
  predictProba(X: FeatureMatrix): ProbaMatrix {
    const cs = this.#centroids ?? _notFitted(this.kind);
    const k = cs.length, data = new Float64Array(X.nRows * k);
    for (let i = 0; i < X.nRows; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) {
        let d = 0;
        for (let j = 0; j < X.columns.length; j++) d += (X.columns[j][i] - cs[c][j]) ** 2;
        const e = this.#present[c] ? Math.exp(-Math.sqrt(d)) : 0;
        data[i * k + c] = e;
        sum += e;
      }
      for (let c = 0; c < k; c++) data[i * k + c] = sum > 0 ? data[i * k + c] / sum : 1 / k;
    }
    return { nRows: X.nRows, nClasses: k, data };
  }
  predict(X: FeatureMatrix): Int32Array {
    return _argmax(this.predictProba(X));
  }
  featureImportance(): Record<string, number> {
    const cs = this.#centroids ?? _notFitted(this.kind);
    const spread = this.#names.map((_, j) => {
      const v = cs.filter((_, c) => this.#present[c]).map((c) => c[j]);
      return Math.max(...v) - Math.min(...v);
    });
    const total = spread.reduce((a, b) => a + b, 0) || 1;
    return Object.fromEntries(this.#names.map((n, j) => [n, spread[j] / total]));
  }
  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      formatVersion: 1,
      params: { ...this.params },
      centroids: (this.#centroids ?? []).map((c) => Array.from(c)),
    };
  }
}
