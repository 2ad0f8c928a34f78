/**
 * Feature importance on a test fold: impurity-based (what the model reports) and by permutation
 * (how much macro-F1 drops when one column is shuffled, seeded, averaged over `repeats` shuffles).
 * Permutation uses the drop in macro-F1, not accuracy: on imbalanced 3-class labels accuracy barely moves
 * when a model falls back to the majority class, macro-F1 does.
 *
 * @module
 */
import type { Estimator, FeatureMatrix } from "../models/estimator.ts";
import { CandlelabError } from "../util/errors.ts";
import { macroF1 } from "./metrics.ts";
import { mulberry32 } from "../util/random.ts";

/** Permutation importance of one feature. */
export interface PermutationImportance {
  feature: string;
  /** Mean drop in macro-F1 (baseline - permuted); can be negative for useless features. */
  mean: number;
  std: number;
  /** Drop of each repeat. */
  drops: number[];
}

/**
 * Impurity importance from the model, sorted by decreasing value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { impurityImportance } from "./importance.ts";
 * const model = { featureImportance: () => ({ a: 0.2, b: 0.8 }) };
 * assert(impurityImportance(model)[0].feature === "b");
 * ```
 */
export function impurityImportance(
  model: Pick<Estimator, "featureImportance">,
): { feature: string; importance: number }[] {
  return Object.entries(model.featureImportance())
    .map(([feature, importance]) => ({ feature, importance }))
    .sort((a, b) => b.importance - a.importance);
}

/**
 * Permutation importance on held-out rows (never the model's training rows): for each feature,
 * shuffle its column `repeats` times (Fisher-Yates, seeded) and record the drop in macro-F1.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { permutationImportance } from "./importance.ts";
 * import { NearestCentroid } from "./_test_estimators.ts";
 * const x = Float64Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : -1));
 * const X = { names: ["signal", "noise"], columns: [x, new Float64Array(40)], nRows: 40 };
 * const y = Int32Array.from(x, (v) => (v > 0 ? 2 : 0));
 * const imp = permutationImportance(await new NearestCentroid().fit(X, y), X, y, { seed: 1 });
 * assert(imp[0].feature === "signal" && imp[0].mean > 0.3 && imp[1].mean === 0);
 * ```
 */
export function permutationImportance(
  model: Pick<Estimator, "predict">,
  X: FeatureMatrix,
  y: Int32Array,
  opts: { seed: number; repeats?: number; nClasses?: number },
): PermutationImportance[] {
  const repeats = opts.repeats ?? 5, k = opts.nClasses ?? 3;
  if (y.length !== X.nRows) {
    throw new CandlelabError(
      `Cannot compute permutation importance: X has ${X.nRows} rows but y has ${y.length}; pass the same test fold`,
    );
  }
  const base = macroF1(y, model.predict(X), k);
  const rand = mulberry32(opts.seed);
  const out = X.names.map((feature, j) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const col = Float64Array.from(X.columns[j]);
      for (let i = col.length - 1; i > 0; i--) {
        const s = Math.floor(rand() * (i + 1));
        const t = col[i];
        col[i] = col[s];
        col[s] = t;
      }
      const columns = X.columns.slice();
      columns[j] = col;
      drops.push(base - macroF1(y, model.predict({ ...X, columns }), k));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / repeats);
    return { feature, mean, std, drops };
  });
  return out.sort((a, b) => b.mean - a.mean);
}
