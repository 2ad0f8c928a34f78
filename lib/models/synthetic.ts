/**
 * Seeded synthetic classification data with a planted signal, for tests, benchmarks and notebooks:
 * features are standard normal, and the class comes from `x0 - 0.8 x1 + 0.6 x2 x3 + noise` cut into
 * short / neutral / long. Rows are i.i.d., so a later block is a fair held-out set.
 *
 * @module
 */
import type { FeatureMatrix } from "./estimator.ts";
import { sliceMatrixRows } from "./matrix.ts";
import { createRng } from "./rng.ts";

/** A feature matrix and its class labels. */
export interface LabelledMatrix {
  X: FeatureMatrix;
  y: Int32Array;
}

/**
 * `nRows` x `nFeatures` (>= 4) standard-normal features and 3-class labels with a planted signal;
 * `noise` scales the label noise (1 = a hard problem, ~0.3 = an easy one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plantedSignal } from "./synthetic.ts";
 * const { X, y } = plantedSignal(100, 5, 1, 0.5);
 * assert(X.columns.length === 5 && y.length === 100 && y.every((c) => c >= 0 && c <= 2));
 * ```
 */
export function plantedSignal(nRows: number, nFeatures: number, seed: number, noise = 1): LabelledMatrix {
  const rng = createRng(seed);
  const gauss = () => {
    const u = 1 - rng.next(), v = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const F = Math.max(4, nFeatures);
  const columns = Array.from({ length: F }, () => new Float64Array(nRows));
  const y = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let f = 0; f < F; f++) columns[f][i] = gauss();
    const z = columns[0][i] - 0.8 * columns[1][i] + 0.6 * columns[2][i] * columns[3][i] + noise * gauss();
    y[i] = z < -0.6 ? 0 : z > 0.6 ? 2 : 1;
  }
  return { X: { names: columns.map((_, f) => `f${f}`), columns, nRows }, y };
}

/**
 * Rows [from, to) of a labelled matrix (a time block), as views of `d` (`sliceMatrixRows`, lib/models/matrix.ts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plantedSignal, sliceRows } from "./synthetic.ts";
 * const part = sliceRows(plantedSignal(10, 4, 1), 8, 10);
 * assert(part.X.nRows === 2 && part.y.length === 2);
 * ```
 */
export function sliceRows(d: LabelledMatrix, from: number, to: number): LabelledMatrix {
  return { X: sliceMatrixRows(d.X, from, to), y: d.y.subarray(from, to) };
}

/**
 * Accuracy and macro-F1 (mean over classes that occur in `truth` or `pred`) of predictions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreClasses } from "./synthetic.ts";
 * const s = scoreClasses(Int32Array.of(0, 1, 2, 2), Int32Array.of(0, 1, 2, 1), 3);
 * assert(s.accuracy === 0.75);
 * ```
 */
export function scoreClasses(
  truth: Int32Array,
  pred: Int32Array,
  nClasses: number,
): { accuracy: number; macroF1: number; majority: number } {
  const tp = new Float64Array(nClasses), nt = new Float64Array(nClasses), np = new Float64Array(nClasses);
  let ok = 0;
  for (let i = 0; i < truth.length; i++) {
    nt[truth[i]]++;
    np[pred[i]]++;
    if (truth[i] === pred[i]) tp[truth[i]]++, ok++;
  }
  let f1 = 0, seen = 0;
  for (let c = 0; c < nClasses; c++) {
    if (nt[c] + np[c] === 0) continue;
    seen++;
    f1 += (2 * tp[c]) / (nt[c] + np[c]);
  }
  return {
    accuracy: ok / truth.length,
    macroF1: seen > 0 ? f1 / seen : 0,
    majority: Math.max(...nt) / truth.length,
  };
}
