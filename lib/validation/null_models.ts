/**
 * Null models of the classification metrics: what a predictor that knows nothing about the features scores
 * on the same rows, in the same metric (macro-F1 beside macro-F1, accuracy beside accuracy), plus a
 * circular-shift test of the predictions against the labels.
 *
 * - majority: always predict the most frequent true class. Exact: accuracy `p_m`, macro-F1
 *   `2 p_m / (1 + p_m) / K` (K = classes present in the true labels; the others score F1 0).
 * - prior-random: predict class c with probability `p_c`, independently of everything. Expected (to first
 *   order in 1/n): accuracy `sum p_c^2`, per-class precision = recall = `p_c`, so macro-F1 `1 / K`.
 * - circular shift: the predictions shifted by `s` rows (wrapping), `minShift <= s <= n - minShift`, keep
 *   their class mix and their runs but lose their alignment with the labels. The p-value is
 *   `(1 + #{shifted macro-F1 >= observed}) / (1 + draws)`.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { mulberry32 } from "../util/random.ts";

/** Accuracy and macro-F1 of the two null predictors on one set of true labels. */
export interface NullScores {
  /** Classes present in the true labels. */
  classes: number;
  accuracyMajority: number;
  accuracyPriorRandom: number;
  macroF1Majority: number;
  macroF1PriorRandom: number;
}

function _counts(yTrue: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < yTrue.length; i++) {
    const c = yTrue[i];
    if (!(c >= 0 && c < k)) {
      throw new CandlelabError(
        `Cannot compute null scores: yTrue[${i}] = ${c} is not a class index in 0..${k - 1}`,
      );
    }
    counts[c]++;
  }
  return counts;
}

/**
 * Accuracy and macro-F1 of the majority-class and prior-random predictors on `yTrue` (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nullScores } from "./null_models.ts";
 * const s = nullScores(Int32Array.of(1, 1, 1, 0, 2, 1, 1, 0), 3); // p = [0.25, 0.625, 0.125]
 * assert.equal(s.accuracyMajority, 0.625);
 * assert.ok(Math.abs(s.macroF1Majority - (2 * 0.625 / 1.625) / 3) < 1e-12);
 * assert.ok(Math.abs(s.macroF1PriorRandom - 1 / 3) < 1e-12);
 * assert.ok(Math.abs(s.accuracyPriorRandom - (0.0625 + 0.390625 + 0.015625)) < 1e-12);
 * ```
 */
export function nullScores(yTrue: Int32Array, k = 3): NullScores {
  const counts = _counts(yTrue, k);
  const n = yTrue.length;
  if (n === 0) {
    throw new CandlelabError("Cannot compute null scores: there are no rows; evaluate on at least one row");
  }
  const p = counts.map((c) => c / n);
  const present = counts.filter((c) => c > 0).length;
  const pm = Math.max(...p);
  return {
    classes: present,
    accuracyMajority: pm,
    accuracyPriorRandom: p.reduce((a, b) => a + b * b, 0),
    macroF1Majority: (2 * pm) / (1 + pm) / present,
    macroF1PriorRandom: 1 / present,
  };
}

/** Macro-F1 of `yPred` shifted by `shift` rows (circularly) against `yTrue`, sklearn's definition. */
function _shiftedMacroF1(
  yTrue: Int32Array,
  yPred: Int32Array,
  shift: number,
  k: number,
  cm: Float64Array,
): number {
  const n = yTrue.length;
  cm.fill(0);
  for (let i = 0; i < n; i++) {
    let j = i - shift;
    if (j < 0) j += n;
    cm[yTrue[i] * k + yPred[j]]++;
  }
  let sum = 0, count = 0;
  for (let c = 0; c < k; c++) {
    let support = 0, predicted = 0;
    for (let o = 0; o < k; o++) (support += cm[c * k + o]), (predicted += cm[o * k + c]);
    if (support === 0 && predicted === 0) continue;
    const tp = cm[c * k + c];
    const prec = predicted ? tp / predicted : 0;
    const rec = support ? tp / support : 0;
    sum += prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    count++;
  }
  return count ? sum / count : NaN;
}

/** Result of {@link labelShiftTest}. */
export interface LabelShiftTest {
  /** Macro-F1 of the predictions as they are. */
  observed: number;
  /** Mean macro-F1 over the shifted draws. */
  nullMean: number;
  pValue: number;
  draws: number;
  minShift: number;
}

/**
 * Circular-shift test of `yPred` against `yTrue`: seeded `draws` shifts in `[minShift, n - minShift]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelShiftTest } from "./null_models.ts";
 * const y = Int32Array.from({ length: 600 }, (_, i) => Math.floor(i / 7) % 3);
 * assert.ok(labelShiftTest(y, y, { minShift: 4, draws: 200, seed: 1 }).pValue < 0.05);
 * ```
 */
export function labelShiftTest(
  yTrue: Int32Array,
  yPred: Int32Array,
  options: { minShift: number; draws?: number; seed?: number; k?: number },
): LabelShiftTest {
  const n = yTrue.length;
  const k = options.k ?? 3;
  const draws = options.draws ?? 1000;
  const minShift = Math.max(1, Math.ceil(options.minShift));
  if (yPred.length !== n) {
    throw new CandlelabError(
      `Cannot test the predictions: yTrue has ${n} rows but yPred has ${yPred.length}; align them first`,
    );
  }
  _counts(yTrue, k);
  _counts(yPred, k);
  if (n - 2 * minShift < 1) {
    throw new CandlelabError(
      `Cannot test the predictions: ${n} rows leave no circular shift of at least ${minShift} rows; ` +
        `evaluate on more than ${2 * minShift} rows`,
    );
  }
  const cm = new Float64Array(k * k);
  const observed = _shiftedMacroF1(yTrue, yPred, 0, k, cm);
  const rand = mulberry32(options.seed ?? 0);
  let ge = 0, sum = 0;
  const span = n - 2 * minShift + 1;
  for (let d = 0; d < draws; d++) {
    const s = minShift + Math.floor(rand() * span);
    const v = _shiftedMacroF1(yTrue, yPred, s, k, cm);
    sum += v;
    if (v >= observed - 1e-12) ge++;
  }
  return { observed, nullMean: sum / draws, pValue: (1 + ge) / (1 + draws), draws, minShift };
}
