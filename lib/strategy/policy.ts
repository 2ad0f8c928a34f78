/**
 * The signal policy: class probabilities (0 short, 1 neutral, 2 long) to a signed target size.
 *
 * @module
 */
import type { ProbaMatrix } from "../models/estimator.ts";
import { N_CLASSES } from "../labels/classes.ts";
import { CandlelabError } from "../util/errors.ts";
import type { SignalPolicy } from "./config.ts";

/** Largest |sum - 1| accepted for a row of class probabilities. */
export const PROBA_SUM_TOLERANCE = 1e-6;

/**
 * Checks a probability matrix: 3 classes, `nRows` rows, no NaN, each value in [0, 1], rows summing to 1
 * within {@link PROBA_SUM_TOLERANCE}. Throws a CandlelabError naming the first bad row and its values.
 *
 * @example
 * ```ts
 * import { validateProba } from "./policy.ts";
 * validateProba({ nRows: 1, nClasses: 3, data: new Float64Array([0.2, 0.3, 0.5]) });
 * ```
 */
export function validateProba(proba: ProbaMatrix): void {
  if (proba.nClasses !== N_CLASSES) {
    throw new CandlelabError(
      `Cannot use probabilities: expected ${N_CLASSES} classes (short, neutral, long), current value is ${proba.nClasses}; pass the 3-class predictProba output`,
    );
  }
  if (proba.data.length !== proba.nRows * N_CLASSES) {
    throw new CandlelabError(
      `Cannot use probabilities: data has ${proba.data.length} values but nRows x 3 = ${
        proba.nRows * N_CLASSES
      }; build the matrix row-major n x 3`,
    );
  }
  const d = proba.data;
  for (let r = 0; r < proba.nRows; r++) {
    const a = d[3 * r], b = d[3 * r + 1], c = d[3 * r + 2];
    const s = a + b + c;
    if (
      !(a >= 0 && a <= 1 && b >= 0 && b <= 1 && c >= 0 && c <= 1) || !(Math.abs(s - 1) <= PROBA_SUM_TOLERANCE)
    ) {
      throw new CandlelabError(
        `Cannot use probabilities: row ${r} is [${a}, ${b}, ${c}] (sum ${s}); each row must hold 3 values in [0, 1] without NaN summing to 1 within ${PROBA_SUM_TOLERANCE}; fix or renormalise the model output`,
      );
    }
  }
}

/**
 * Target size for one bar: signed fraction of equity (before leverage), in [-maxSize, maxSize].
 * `side` is the side currently held (-1, 0, +1): a held side is kept while its probability stays >= `exit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decideTarget } from "./policy.ts";
 * import { SignalPolicySchema } from "./config.ts";
 * const policy = SignalPolicySchema.parse({ entry: 0.6, exit: 0.4, minSize: 0.5, maxSize: 1 });
 * assert.ok(Math.abs(decideTarget(0.1, 0.1, 0.8, 0, policy) - 0.75) < 1e-12); // 0.5 + 0.5 * (0.8 - 0.6) / 0.4
 * assert.ok(decideTarget(0.1, 0.4, 0.5, 0, policy) === 0);    // below entry: stay flat
 * assert.ok(decideTarget(0.1, 0.4, 0.5, 1, policy) === 0.5);  // held long, above exit: keep minSize
 * ```
 */
export function decideTarget(
  pShort: number,
  _pNeutral: number,
  pLong: number,
  side: number,
  policy: SignalPolicy,
): number {
  const { entry, exit, minSize, maxSize, allowShort } = policy;
  if (pLong >= entry && pLong > pShort) return _size(pLong, entry, minSize, maxSize);
  if (allowShort && pShort >= entry && pShort > pLong) return -_size(pShort, entry, minSize, maxSize);
  if (side > 0 && pLong >= exit && pLong > pShort) return minSize;
  if (side < 0 && allowShort && pShort >= exit && pShort > pLong) return -minSize;
  return 0;
}

function _size(p: number, entry: number, minSize: number, maxSize: number): number {
  if (entry >= 1) return maxSize;
  const f = (p - entry) / (1 - entry);
  return minSize + (maxSize - minSize) * (f > 1 ? 1 : f);
}
