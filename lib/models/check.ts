/**
 * Input checks shared by every model: shapes, class indices, weights, missing values, feature names.
 * NaN is refused (not treated as a missing-value bin): features must drop their warm-up rows first.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { FeatureMatrix } from "./estimator.ts";

/**
 * Checks a training set: column lengths, no NaN / infinite values, `y` integers in [0, nClasses),
 * weights finite and >= 0 with a positive total. Throws a CandlelabError naming the problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFitInput } from "./check.ts";
 * const X = { names: ["a"], columns: [new Float64Array([1, 2])], nRows: 2 };
 * checkFitInput("fit hist_random_forest", X, new Int32Array([0, 2]), 3);
 * let failed = false;
 * try { checkFitInput("fit", X, new Int32Array([0, 3]), 3); } catch { failed = true; }
 * assert(failed);
 * ```
 */
export function checkFitInput(
  action: string,
  X: FeatureMatrix,
  y: Int32Array,
  nClasses: number,
  weights?: Float64Array,
): void {
  _checkMatrix(action, X);
  if (X.nRows < 2) {
    throw new CandlelabError(`Cannot ${action}: need at least 2 training rows, current value is ${X.nRows}`);
  }
  if (y.length !== X.nRows) {
    throw new CandlelabError(
      `Cannot ${action}: y has ${y.length} labels but X has ${X.nRows} rows; pass one label per row`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(c >= 0 && c < nClasses)) {
      throw new CandlelabError(
        `Cannot ${action}: y[${i}] is ${c}, outside the classes 0..${nClasses - 1}; ` +
          `map labels to class indices (lib/labels/classes.ts) or set nClasses`,
      );
    }
  }
  if (weights !== undefined) {
    if (weights.length !== X.nRows) {
      throw new CandlelabError(
        `Cannot ${action}: weights has ${weights.length} values but X has ${X.nRows} rows; pass one weight per row`,
      );
    }
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0 && w < Infinity)) {
        throw new CandlelabError(
          `Cannot ${action}: weights[${i}] is ${w}; weights must be finite and >= 0`,
        );
      }
      total += w;
    }
    if (!(total > 0)) {
      throw new CandlelabError(
        `Cannot ${action}: the weights sum to ${total}; at least one must be positive`,
      );
    }
  }
}

/**
 * Checks a matrix to predict on: same feature names in the same order as at fit time, no NaN.
 *
 * @example
 * ```ts
 * import { checkPredictInput } from "./check.ts";
 * const X = { names: ["a"], columns: [new Float64Array([1])], nRows: 1 };
 * checkPredictInput("predict with hist_random_forest", X, ["a"]);
 * ```
 */
export function checkPredictInput(action: string, X: FeatureMatrix, featureNames: readonly string[]): void {
  if (X.names.length !== featureNames.length || X.names.some((n, i) => n !== featureNames[i])) {
    throw new CandlelabError(
      `Cannot ${action}: X has features [${X.names.join(", ")}] but the model was fitted on ` +
        `[${featureNames.join(", ")}]; pass the same columns in the same order`,
    );
  }
  _checkMatrix(action, X);
}

function _checkMatrix(action: string, X: FeatureMatrix): void {
  if (X.columns.length !== X.names.length || X.columns.length === 0) {
    throw new CandlelabError(
      `Cannot ${action}: X has ${X.columns.length} columns and ${X.names.length} names; ` +
        `pass at least one feature with one name per column`,
    );
  }
  for (let j = 0; j < X.columns.length; j++) {
    const col = X.columns[j];
    if (col.length !== X.nRows) {
      throw new CandlelabError(
        `Cannot ${action}: column "${X.names[j]}" has ${col.length} values but nRows is ${X.nRows}; ` +
          `all columns must have nRows values`,
      );
    }
    for (let i = 0; i < col.length; i++) {
      if (!Number.isFinite(col[i])) {
        throw new CandlelabError(
          `Cannot ${action}: column "${X.names[j]}" row ${i} is ${col[i]}; models refuse NaN and ` +
            `infinite values, drop warm-up rows (or fill them) before fitting or predicting`,
        );
      }
    }
  }
}

/**
 * The error thrown when a model is used before `fit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notFittedError } from "./check.ts";
 * assert(notFittedError("hist_random_forest", "predict").message.includes("call fit"));
 * ```
 */
export function notFittedError(kind: string, action: string): CandlelabError {
  return new CandlelabError(
    `Cannot ${action} with ${kind}: the model is not fitted yet; call fit(X, y) first (or load a saved model)`,
  );
}
