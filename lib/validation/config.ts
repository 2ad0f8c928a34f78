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
 * Time-based walk-forward (folds by durations instead of equal row blocks; `folds` is then ignored):
 *
 * ```yaml
 * validation: { scheme: walk_forward, train: 365d, test: 30d, step: 30d, window: expanding }
 * ```
 *
 * @module
 */
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";
import { parseInterval } from "../data/interval.ts";
import { deriveGap, type Lookaround, purgedKFoldSplits, type Split, walkForwardSplits } from "./splits.ts";
import { timeWalkForwardSplits } from "./time_folds.ts";

const _Duration = z.string().regex(/^\d+[smhdw]$/, "a duration such as 365d, 30d, 12h or 4w");

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
  train: _Duration.optional()
    .describe("time-based walk_forward: first training period (and the rolling window), e.g. 365d"),
  test: _Duration.optional().describe("time-based walk_forward: length of each test window, e.g. 30d"),
  step: _Duration.optional()
    .describe("time-based walk_forward: distance between test windows (default = test), e.g. 30d"),
}).refine((c) => c.scheme === "walk_forward" || c.folds >= 2, {
  message: "purged_kfold needs at least 2 folds",
  path: ["folds"],
}).refine((c) => (c.train === undefined) === (c.test === undefined), {
  message: "time-based walk-forward needs both train and test (e.g. train: 365d, test: 30d)",
  path: ["test"],
}).refine((c) => c.test === undefined || c.scheme === "walk_forward", {
  message: "train/test/step durations are for scheme walk_forward only",
  path: ["scheme"],
}).refine((c) => c.step === undefined || c.test !== undefined, {
  message: "step needs train and test durations too",
  path: ["step"],
}).refine((c) => c.test === undefined || c.train_rows === undefined, {
  message: "train_rows is the bar-count form; with train/test durations the rolling window is `train`",
  path: ["train_rows"],
});

/** Parsed validation config. */
export type ValidationConfig = z.output<typeof ValidationConfigSchema>;

/**
 * Builds the splits a validation config describes, for `n` valid rows and the label/feature lookaround.
 * Time-based folds (`train`/`test`/`step`) need `times`, the bar open time (UTC ms) of each valid row.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { splitsFromConfig, ValidationConfigSchema } from "./config.ts";
 * const cfg = ValidationConfigSchema.parse({ folds: 4, max_train_rows: 200000 });
 * const s = splitsFromConfig(cfg, 1000, { horizon: 15 });
 * assert(s.length === 4 && s[0].train[0].end === 185);
 * ```
 */
export function splitsFromConfig(
  cfg: ValidationConfig,
  n: number,
  look: Lookaround,
  times?: Float64Array,
): Split[] {
  const gap = deriveGap(look, cfg.embargo);
  if (cfg.train !== undefined && cfg.test !== undefined) {
    if (!times || times.length !== n) {
      throw new CandlelabError(
        `Cannot build time-based walk-forward splits: the time of each of the ${n} rows is needed, got ${
          times ? times.length : "none"
        }; pass the rows' timestamps to splitsFromConfig`,
      );
    }
    return timeWalkForwardSplits({
      times,
      trainMs: parseInterval(cfg.train),
      testMs: parseInterval(cfg.test),
      stepMs: parseInterval(cfg.step ?? cfg.test),
      gap,
      window: cfg.window,
      maxTrainRows: cfg.max_train_rows,
    });
  }
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
