/**
 * Small helpers shared by the model classes: argmax over probability rows, importance normalisation,
 * and the kind / format-version check of saved models.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { ModelJSON, ProbaMatrix } from "./estimator.ts";

/**
 * Index of the largest probability in each row; ties go to the lower class index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argmaxRows } from "./common.ts";
 * const p = { nRows: 2, nClasses: 3, data: new Float64Array([0.2, 0.5, 0.3, 0.4, 0.4, 0.2]) };
 * assert(argmaxRows(p).join() === "1,0");
 * ```
 */
export function argmaxRows(p: ProbaMatrix): Int32Array {
  const out = new Int32Array(p.nRows);
  const k = p.nClasses;
  for (let i = 0; i < p.nRows; i++) {
    let best = 0, bv = p.data[i * k];
    for (let c = 1; c < k; c++) {
      const v = p.data[i * k + c];
      if (v > bv) bv = v, best = c;
    }
    out[i] = best;
  }
  return out;
}

/**
 * Scales non-negative importances to sum 1 (all zeros stay zeros; NaN counts as 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normaliseImportance } from "./common.ts";
 * assert(normaliseImportance([1, 3]).join() === "0.25,0.75");
 * ```
 */
export function normaliseImportance(values: number[]): number[] {
  const clean = values.map((v) => (v > 0 ? v : 0));
  const s = clean.reduce((a, b) => a + b, 0);
  return s > 0 ? clean.map((v) => v / s) : clean;
}

/**
 * Checks that `json` is a saved model of `kind` at `formatVersion`; says what was found otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkModelJSON } from "./common.ts";
 * let msg = "";
 * try { checkModelJSON({ kind: "x", formatVersion: 1, params: {} }, "hist_random_forest", 1); } catch (e) { msg = (e as Error).message; }
 * assert(msg.includes('kind "x"'));
 * ```
 */
export function checkModelJSON(json: unknown, kind: string, formatVersion: number): ModelJSON {
  const j = json as Partial<ModelJSON> | null;
  if (j === null || typeof j !== "object") {
    throw new CandlelabError(
      `Cannot load ${kind}: expected a model object, got ${j === null ? "null" : typeof j}`,
    );
  }
  if (j.kind !== kind) {
    throw new CandlelabError(
      `Cannot load ${kind}: the saved model has kind "${String(j.kind)}"; load it with loadModel(json) ` +
        `(lib/models/factory.ts), which picks the class from its kind`,
    );
  }
  if (j.formatVersion !== formatVersion) {
    throw new CandlelabError(
      `Cannot load ${kind}: formatVersion is ${String(j.formatVersion)} but this code reads version ` +
        `${formatVersion}; refit the model with this version of Candlelab and save it again`,
    );
  }
  if (j.params === null || typeof j.params !== "object") {
    throw new CandlelabError(
      `Cannot load ${kind}: params are missing; the model file is damaged, refit and save it again`,
    );
  }
  return j as ModelJSON;
}

/**
 * Importance values by feature name, as `featureImportance()` returns them.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { namedImportance } from "./common.ts";
 * assert(namedImportance(["a", "b"], [0.25, 0.75]).b === 0.75);
 * ```
 */
export function namedImportance(names: readonly string[], values: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}
