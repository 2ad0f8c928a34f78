/**
 * Classification metrics for the k-class target, with scikit-learn's definitions.
 *
 * - macro-F1: mean F1 over the classes present in `yTrue` or `yPred` (sklearn `f1_score(average="macro")`
 *   with its default labels); a class with no predicted or no true rows scores 0 precision/recall.
 * - balanced accuracy: mean recall over the classes present in `yTrue` (sklearn `balanced_accuracy_score`).
 * - log-loss: mean of `-log(clip(p_true, 1e-15, 1 - 1e-15))`.
 * - majority baseline: the share of the most frequent class in `yTrue` (what always-guess-one scores).
 *
 * @module
 */
import type { ProbaMatrix } from "../models/estimator.ts";
import { CandlelabError } from "../util/errors.ts";

/** Precision, recall, F1 and support of one class. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** One row of the calibration table (bins of the max probability). */
export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean max-probability of the rows in the bin (NaN if empty). */
  meanConfidence: number;
  /** Share of rows in the bin whose argmax was right (NaN if empty). */
  accuracy: number;
}

/** Everything {@link classificationReport} computes. */
export interface ClassificationReport {
  n: number;
  accuracy: number;
  majorityBaseline: number;
  balancedAccuracy: number;
  macroF1: number;
  logLoss: number;
  perClass: ClassMetrics[];
  /** `confusion[t][p]` = rows of true class t predicted as p. */
  confusion: number[][];
  calibration: CalibrationBin[];
}

function _checkLabels(y: Int32Array, k: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] < k)) {
      throw new CandlelabError(
        `Cannot compute metrics: ${what}[${i}] = ${y[i]} is not a class index in 0..${k - 1}; ` +
          `map labels to class indices (lib/labels/classes.ts) first`,
      );
    }
  }
}

function _checkSameLength(a: { length: number }, b: { length: number }): void {
  if (a.length !== b.length) {
    throw new CandlelabError(
      `Cannot compute metrics: yTrue has ${a.length} rows but the predictions have ${b.length}; align them first`,
    );
  }
}

/**
 * Confusion matrix `c[true][pred]` over classes `0..k-1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { confusionMatrix } from "./metrics.ts";
 * const c = confusionMatrix(Int32Array.of(0, 1, 2, 2), Int32Array.of(0, 2, 2, 1), 3);
 * assert(c[2][1] === 1 && c[1][2] === 1 && c[0][0] === 1);
 * ```
 */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, k = 3): number[][] {
  _checkSameLength(yTrue, yPred);
  _checkLabels(yTrue, k, "yTrue");
  _checkLabels(yPred, k, "yPred");
  const c = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) c[yTrue[i]][yPred[i]]++;
  return c;
}

/**
 * Share of rows predicted right (NaN for no rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { accuracy } from "./metrics.ts";
 * assert(accuracy(Int32Array.of(0, 1, 2, 2), Int32Array.of(0, 1, 1, 2)) === 0.75);
 * ```
 */
export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  _checkSameLength(yTrue, yPred);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return yTrue.length ? hit / yTrue.length : NaN;
}

/**
 * Share of the most frequent true class: the accuracy of always predicting it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { majorityBaseline } from "./metrics.ts";
 * assert(majorityBaseline(Int32Array.of(1, 1, 1, 0), 3) === 0.75);
 * ```
 */
export function majorityBaseline(yTrue: Int32Array, k = 3): number {
  _checkLabels(yTrue, k, "yTrue");
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i]]++;
  return yTrue.length ? Math.max(...counts) / yTrue.length : NaN;
}

/**
 * Per-class precision, recall, F1 and support (0 where undefined, as sklearn's `zero_division` warns).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { perClassMetrics } from "./metrics.ts";
 * const m = perClassMetrics(Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1), 2);
 * assert(m[0].precision === 1 && m[0].recall === 0.5 && m[1].support === 1);
 * ```
 */
export function perClassMetrics(yTrue: Int32Array, yPred: Int32Array, k = 3): ClassMetrics[] {
  const c = confusionMatrix(yTrue, yPred, k);
  return c.map((row, cls) => {
    const tp = row[cls];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += c[t][cls];
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/**
 * Macro-F1 as scikit-learn's `f1_score(average="macro")`: mean F1 over classes present in yTrue or yPred.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { macroF1 } from "./metrics.ts";
 * // class 2 never appears: mean over classes 0 and 1 only
 * assert(Math.abs(macroF1(Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1)) - 2 / 3) < 1e-12);
 * ```
 */
export function macroF1(yTrue: Int32Array, yPred: Int32Array, k = 3): number {
  const m = perClassMetrics(yTrue, yPred, k);
  const present = new Uint8Array(k);
  for (let i = 0; i < yTrue.length; i++) present[yTrue[i]] = present[yPred[i]] = 1;
  let sum = 0, count = 0;
  for (let c = 0; c < k; c++) if (present[c]) (sum += m[c].f1), count++;
  return count ? sum / count : NaN;
}

/**
 * Balanced accuracy: mean recall over classes present in yTrue.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { balancedAccuracy } from "./metrics.ts";
 * assert(balancedAccuracy(Int32Array.of(0, 0, 0, 1), Int32Array.of(0, 0, 0, 0)) === 0.5);
 * ```
 */
export function balancedAccuracy(yTrue: Int32Array, yPred: Int32Array, k = 3): number {
  const m = perClassMetrics(yTrue, yPred, k);
  let sum = 0, count = 0;
  for (let c = 0; c < k; c++) if (m[c].support > 0) (sum += m[c].recall), count++;
  return count ? sum / count : NaN;
}

/**
 * Argmax class of each row (ties go to the lower class index, as numpy's argmax).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { argmaxProba } from "./metrics.ts";
 * const p = { nRows: 2, nClasses: 3, data: Float64Array.of(0.2, 0.5, 0.3, 0.6, 0.1, 0.3) };
 * assert(argmaxProba(p).join() === "1,0");
 * ```
 */
export function argmaxProba(proba: ProbaMatrix): Int32Array {
  const { nRows, nClasses: k, data } = proba;
  const out = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c] > data[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Mean negative log-likelihood of the true class, probabilities clipped to [1e-15, 1 - 1e-15].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { logLoss } from "./metrics.ts";
 * const p = { nRows: 2, nClasses: 2, data: Float64Array.of(0.5, 0.5, 0, 1) };
 * assert(Math.abs(logLoss(Int32Array.of(0, 1), p) - Math.log(2) / 2) < 1e-12);
 * ```
 */
export function logLoss(yTrue: Int32Array, proba: ProbaMatrix, eps = 1e-15): number {
  _checkSameLength(yTrue, { length: proba.nRows });
  _checkLabels(yTrue, proba.nClasses, "yTrue");
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, proba.data[i * proba.nClasses + yTrue[i]]));
    s -= Math.log(p);
  }
  return yTrue.length ? s / yTrue.length : NaN;
}

/**
 * Calibration table: rows binned by their max probability into `bins` equal bins of [1/k, 1]
 * (the max of k probabilities is never below 1/k), with count, mean confidence and accuracy.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { calibrationTable } from "./metrics.ts";
 * const p = { nRows: 2, nClasses: 2, data: Float64Array.of(0.9, 0.1, 0.55, 0.45) };
 * const t = calibrationTable(Int32Array.of(0, 1), p, 5);
 * assert(t[4].count === 1 && t[4].accuracy === 1 && t[0].accuracy === 0);
 * ```
 */
export function calibrationTable(yTrue: Int32Array, proba: ProbaMatrix, bins = 10): CalibrationBin[] {
  _checkSameLength(yTrue, { length: proba.nRows });
  const k = proba.nClasses, lo0 = 1 / k, width = (1 - lo0) / bins;
  const count = new Float64Array(bins), conf = new Float64Array(bins), hit = new Float64Array(bins);
  const pred = argmaxProba(proba);
  for (let i = 0; i < proba.nRows; i++) {
    const p = proba.data[i * k + pred[i]];
    const b = Math.min(bins - 1, Math.max(0, Math.floor((p - lo0) / width)));
    count[b]++;
    conf[b] += p;
    if (pred[i] === yTrue[i]) hit[b]++;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lo: lo0 + b * width,
    hi: lo0 + (b + 1) * width,
    count: count[b],
    meanConfidence: count[b] ? conf[b] / count[b] : NaN,
    accuracy: count[b] ? hit[b] / count[b] : NaN,
  }));
}

/**
 * All metrics of one set of predictions (argmax of `proba`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { classificationReport } from "./metrics.ts";
 * const p = { nRows: 3, nClasses: 3, data: Float64Array.of(0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8) };
 * const r = classificationReport(Int32Array.of(0, 1, 2), p);
 * assert(r.accuracy === 1 && r.macroF1 === 1 && r.confusion[2][2] === 1);
 * ```
 */
export function classificationReport(yTrue: Int32Array, proba: ProbaMatrix, bins = 10): ClassificationReport {
  const k = proba.nClasses;
  const yPred = argmaxProba(proba);
  return {
    n: yTrue.length,
    accuracy: accuracy(yTrue, yPred),
    majorityBaseline: majorityBaseline(yTrue, k),
    balancedAccuracy: balancedAccuracy(yTrue, yPred, k),
    macroF1: macroF1(yTrue, yPred, k),
    logLoss: logLoss(yTrue, proba),
    perClass: perClassMetrics(yTrue, yPred, k),
    confusion: confusionMatrix(yTrue, yPred, k),
    calibration: calibrationTable(yTrue, proba, bins),
  };
}
