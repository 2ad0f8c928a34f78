/**
 * The `validation` section of an experiment config.
 *
 * ```yaml
 * validation:
 *   scheme: walk_forward     # or purged_kfold
 *   folds: 4
 *   window: expanding        # or rolling (walk_forward only)
 *   max_train_rows: 200000   # stride training rows down to at most this many
 *   embargo: 15              # optional override; the gap is never below the derived one
 * ```
 *
 * @module
 */
import { z } from "zod";
import { deriveGap, type Lookaround, purgedKFoldSplits, type Split, walkForwardSplits } from "./splits.ts";

/** Zod schema of the validation section (strict: a typo is an error). */
export const ValidationConfigSchema = z.strictObject({
  scheme: z.enum(["walk_forward", "purged_kfold"]).default("walk_forward")
    .describe("walk_forward: train before each test block; purged_kfold: train on both sides, purged"),
  folds: z.int().min(1).max(100).default(4).describe("number of test blocks"),
  window: z.enum(["expanding", "rolling"]).default("expanding")
    .describe("walk_forward training window: from row 0 (expanding) or the last train_rows rows (rolling)"),
  train_rows: z.int().positive().max(100_000_000, "train_rows must be at most 100,000,000").optional()
    .describe("rolling window length in rows; default one block"),
  max_train_rows: z.int().positive().max(100_000_000, "max_train_rows must be at most 100,000,000").optional()
    .describe("cap on training rows; stride = ceil(n_train / max_train_rows)"),
  embargo: z.int().nonnegative().max(1_000_000, "embargo must be at most 1,000,000 rows").optional()
    .describe("rows; raises the gap on both sides to at least this, never lowers the derived gap"),
  calibration_bins: z.int().min(1).max(100).default(10).describe("bins of the calibration table"),
  permutation_repeats: z.int().min(0).max(100).default(0)
    .describe("shuffles per feature for permutation importance on each test fold (0 = off)"),
}).refine((c) => c.scheme === "walk_forward" || c.folds >= 2, {
  message: "purged_kfold needs at least 2 folds",
  path: ["folds"],
});

/** Parsed validation config. */
export type ValidationConfig = z.output<typeof ValidationConfigSchema>;

/**
 * Builds the splits a validation config describes, for `n` valid rows and the label/feature lookaround.
 *
 * @example
 * ```ts
 * import { splitsFromConfig, ValidationConfigSchema } from "./config.ts";
 * const cfg = ValidationConfigSchema.parse({ folds: 4, max_train_rows: 200000 });
 * const s = splitsFromConfig(cfg, 1000, { horizon: 15 });
 * console.assert(s.length === 4 && s[0].train[0].end === 185);
 * ```
 */
export function splitsFromConfig(cfg: ValidationConfig, n: number, look: Lookaround): Split[] {
  const gap = deriveGap(look, cfg.embargo);
  if (cfg.scheme === "purged_kfold") {
    return purgedKFoldSplits({ n, folds: cfg.folds, gap, maxTrainRows: cfg.max_train_rows });
  }
  return walkForwardSplits({
    n,
    folds: cfg.folds,
    gap,
    window: cfg.window,
    trainRows: cfg.train_rows,
    maxTrainRows: cfg.max_train_rows,
  });
}
