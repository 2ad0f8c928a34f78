/**
 * Sweep files, `configs/sweeps/*.yaml`: a base strategy config, fixed overrides and a search space over
 * any config key by dotted path (the paths of `--set`), searched as a grid or by seeded random draws.
 *
 * ```yaml
 * name: btc_spot_grid
 * base: configs/strategies/btc_spot_ema_cross_rsi.yaml
 * fixed: { model.nTrees: 20 }
 * search:
 *   kind: grid                                  # or: kind: random, trials: 30, seed: 7
 *   space:
 *     policy.entry: [0.42, 0.45, 0.48]          # random: a list is a choice;
 *     model.maxDepth: [3, 6]                    # { min, max, int?, log? } a range
 * objective: sharpe
 * ```
 *
 * @module
 */
import { z } from "zod";
import { loadConfig } from "../config/load.ts";

/** A value a sweep may set: a YAML scalar or a flat list of scalars (as `--set` accepts). */
export const SweepValueSchema = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.number(), z.string(), z.boolean(), z.null()])),
]);

/** A sweep value. */
export type SweepValue = z.infer<typeof SweepValueSchema>;

const _path = z.string().regex(
  /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/,
  "a config key is a dotted path like model.maxDepth or policy.entry",
);

/** A numeric range for random search: uniform on [min, max], integers when `int`, log-uniform when `log`. */
export const RangeSchema = z.strictObject({
  min: z.number(),
  max: z.number(),
  /** Draw integers in [min, max] (both included). @default false */
  int: z.boolean().default(false),
  /** Draw uniformly in log space (min > 0). @default false */
  log: z.boolean().default(false),
}).refine((r) => r.max > r.min, { message: "max must be greater than min" })
  .refine((r) => !r.log || r.min > 0, { message: "a log range needs min > 0" })
  .refine((r) => !r.int || (Number.isInteger(r.min) && Number.isInteger(r.max)), {
    message: "an int range needs integer min and max",
  });

/** Every combination of the listed values (the last key varies fastest). */
export const GridSearchSchema = z.strictObject({
  kind: z.literal("grid"),
  space: z.record(_path, z.array(SweepValueSchema).min(1)),
});

/** `trials` seeded draws: a list is a uniform choice, `{ min, max }` a range. */
export const RandomSearchSchema = z.strictObject({
  kind: z.literal("random"),
  trials: z.int().min(1).max(100_000),
  seed: z.int().min(0).max(0xffffffff).default(0),
  space: z.record(_path, z.union([z.array(SweepValueSchema).min(1), RangeSchema])),
});

/** The metric that ranks trials (higher is better); read from the trial's run.json. */
export const ObjectiveSchema = z.enum(["sharpe", "sortino", "calmar", "total_return", "macro_f1"]);

/** A named objective. */
export type Objective = z.infer<typeof ObjectiveSchema>;

/**
 * Walk-forward optimisation: choose settings per outer fold on its training period only. The outer folds are
 * the trials' own walk-forward test folds (the base config's `validation`); the first one only chooses.
 */
export const WalkForwardOptSchema = z.strictObject({
  /**
   * Optional check: the number of the trials' walk-forward folds (`validation.folds`); the outer folds are
   * those folds, so another number is an error.
   */
  folds: z.int().min(2).max(100).optional(),
  /**
   * Bars between a fold's choice period and its test fold. Default and minimum: the largest label horizon
   * + `validation.embargo` over the trials; a smaller value is refused when the sweep is planned.
   */
  gap: z.int().min(0).optional(),
  /** What chooses: a function of the choice bars' returns. @default the sweep's objective, else sharpe */
  objective: z.enum(["sharpe", "sortino", "total_return"]).optional(),
});

/** Config keys a sweep may not set or vary: the lockbox and its ledger (ADR-032). */
export const LOCKED_KEYS: readonly RegExp[] = [/^holdout(\.|$)/, /^output\.holdout_ledger$/];

/** The whole sweep file. */
export const SweepConfigSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/, "name must be lower-case letters, digits and _"),
  description: z.string().optional(),
  /** The base strategy config (path from the project root). */
  base: z.string().regex(/\.ya?ml$/, "base must be the path of a strategy YAML file"),
  /** Overrides applied to every trial (dotted path: value), e.g. fewer trees to keep trials cheap. */
  fixed: z.record(_path, SweepValueSchema).default({}),
  search: z.discriminatedUnion("kind", [GridSearchSchema, RandomSearchSchema]),
  /** The metric that ranks trials. @default sharpe */
  objective: ObjectiveSchema.default("sharpe"),
  /** CSCV settings: the number of blocks the common bars are cut into (even). @default 16 */
  pbo: z.strictObject({
    blocks: z.int().min(2).max(20).refine((b) => b % 2 === 0, "blocks must be even").default(16),
  }).prefault({}),
  /** Optional walk-forward optimisation over the trials' out-of-sample returns. */
  walk_forward: WalkForwardOptSchema.optional(),
}).superRefine((c, ctx) => {
  // issue #14: the lockbox stays locked; a sweep neither moves it nor chooses among hold-out settings
  const keys: [string, PropertyKey[]][] = [
    ...Object.keys(c.fixed).map((k): [string, PropertyKey[]] => [k, ["fixed", k]]),
    ...Object.keys(c.search.space).map((k): [string, PropertyKey[]] => [k, ["search", "space", k]]),
  ];
  for (const [key, path] of keys) {
    if (LOCKED_KEYS.some((re) => re.test(key))) {
      ctx.addIssue({
        code: "custom",
        path,
        message:
          `a sweep cannot vary or set the hold-out; remove ${key} from ${path.slice(0, -1).join(".")}: ` +
          `the lockbox is the base strategy's (its holdout section) and stays locked for every trial (ADR-032)`,
      });
    }
  }
});

/** A parsed sweep file (defaults filled in). */
export type SweepConfig = z.output<typeof SweepConfigSchema>;

/**
 * Reads and validates a sweep file; errors name the file and every bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSweepConfig } from "./config.ts";
 * const c = await loadSweepConfig("configs/sweeps/btc_spot_grid.yaml");
 * assert.equal(c.search.kind, "grid");
 * ```
 */
export function loadSweepConfig(file: string): Promise<SweepConfig> {
  return loadConfig(file, SweepConfigSchema);
}
