/**
 * The experiment (strategy) config: one YAML file in `configs/strategies/` composed from each stage's own
 * zod schema — data, features, label, model, validation, signal policy, risk, costs. Strict everywhere:
 * a typo is an error that names the file and the field.
 *
 * ```yaml
 * name: btc_spot_ema_cross_rsi
 * asset: BTC
 * seed: 7
 * data: { market: spot, paths: { candles: data/raw/binance_BTC_USDT_spot_1h.parquet } }
 * features: ema_cross_rsi            # configs/features/<name>.yaml
 * label: { kind: vol_scaled, horizon: 4 }
 * model: { kind: hist_random_forest, nTrees: 200 }
 * validation: { scheme: walk_forward, folds: 4 }
 * market: { kind: spot }
 * policy: { entry: 0.5 }
 * ```
 *
 * @module
 */
import { z } from "zod";
import { DataConfigSchema } from "../data/config.ts";
import { LabelSpecSchema } from "../labels/config.ts";
import { ModelConfigSchema } from "../models/config.ts";
import { ValidationConfigSchema } from "../validation/config.ts";
import { StrategyTradingSchema } from "../backtest/strategy.ts";
import { loadConfig, validateConfig } from "../config/load.ts";
import { applyOverrides, schemaAllowsPath } from "./overrides.ts";
import { parseYaml } from "../config/load.ts";
import { HoldoutConfigSchema } from "./holdout.ts";

/**
 * Checks run before training (ADR-014, ADR-028). Causality and warm-up both run unless switched off, and
 * switching either off needs a `reason` (printed as a warning and stamped into run.json, the registry entry
 * and the reports): `guard: { causality: false, reason: "bisecting a slow feature, not a result" }`.
 */
export const GuardConfigSchema = z.strictObject({
  /** Run `checkCausality` (values must not change when later bars are removed). @default true */
  causality: z.boolean().default(true),
  /** Run `checkWarmup` (values after the declared lookback must not depend on older history). @default true */
  warmup: z.boolean().default(true),
  /** Why a check is off: required when `causality` or `warmup` is false. */
  reason: z.string().trim().min(10, "guard.reason must say why a check is off (at least 10 characters)")
    .optional(),
  /** Cut points (causality) and start rows (warm-up) the checks use. @default 3 */
  causalityCuts: z.int().min(1, {
    message: "guard.causalityCuts must be >= 1; to switch the causality check off write " +
      '`guard: { causality: false, reason: "..." }`',
  }).max(64).default(3),
  /** Rows (the most recent) the checks work on, to keep them quick. @default 5000 */
  causalityRows: z.int().min(100).max(10_000_000).default(5000),
  /** Refuse to run when a source file's hash no longer matches its `.metadata.json`. @default true */
  requireMetadataMatch: z.boolean().default(true),
  /**
   * Fail the run when the share of eligible rows kept (rows after the warm-up and before the label-horizon
   * tail that have every feature and a label) is below this. @default 0.9
   */
  minKeptShare: z.number().min(0).max(1).default(0.9),
}).refine((g) => (g.causality && g.warmup) || g.reason !== undefined, {
  message: "switching off a leakage check needs a reason: add guard.reason, e.g. " +
    '`guard: { causality: false, reason: "why this run may skip it" }`',
  path: ["reason"],
});

/** Where a run writes. Paths are relative to the project root. */
export const OutputConfigSchema = z.strictObject({
  runs: z.string().default("experiments/runs"),
  registry: z.string().default("models"),
  cache: z.string().default("data/cache/features"),
  /** SQLite file holding signals, positions and trades of every run. */
  state: z.string().default("experiments/state.sqlite"),
  /** SQLite ledger of every opening of a strategy's lockbox (issue #13, ADR-032). */
  holdout_ledger: z.string().default("experiments/holdout.sqlite"),
});

/** A whole experiment: what to load, which features and target, which model, how to trade it. */
export const ExperimentConfigSchema = StrategyTradingSchema.extend({
  description: z.string().optional(),
  asset: z.string().regex(/^[A-Z0-9]+$/, "asset must be upper-case letters or digits, e.g. BTC"),
  /** Seeds the model (and everything random downstream). */
  seed: z.int().min(0).max(0xffffffff).default(0),
  data: DataConfigSchema,
  /** Feature-set name (`configs/features/<name>.yaml`) or a path to a YAML file. */
  features: z.string().min(1),
  label: LabelSpecSchema,
  model: ModelConfigSchema,
  validation: ValidationConfigSchema.prefault({}),
  guard: GuardConfigSchema.prefault({}),
  output: OutputConfigSchema.prefault({}),
  /** The lockbox: bars from `start` (or the `last` duration of the data) on are never developed on (ADR-032). */
  holdout: HoldoutConfigSchema.optional(),
}).refine((c) => c.data.market === c.market.kind, {
  message: "market.kind must equal data.market (a spot dataset cannot be traded as a perpetual)",
  path: ["market", "kind"],
});

/** A parsed experiment config (defaults filled in). */
export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;

/**
 * Reads `file`, applies `--set path=value` overrides and validates the result; every problem names the
 * file and the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadExperimentConfig } from "./config.ts";
 * const c = await loadExperimentConfig("configs/strategies/btc_spot_ema_cross_rsi.yaml", ["model.nTrees=20"]);
 * assert(c.model.kind === "hist_random_forest" && c.model.nTrees === 20);
 * ```
 */
export async function loadExperimentConfig(
  file: string,
  overrides: string[] = [],
): Promise<ExperimentConfig> {
  if (overrides.length === 0) return await loadConfig(file, ExperimentConfigSchema);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    // loadConfig words the error for a missing file
    if (err instanceof Deno.errors.NotFound) return await loadConfig(file, ExperimentConfigSchema);
    throw err;
  }
  const raw = parseYaml(text, file);
  const changed = applyOverrides(raw, overrides, { allowNew: schemaAllowsPath(ExperimentConfigSchema) });
  return validateConfig(changed, ExperimentConfigSchema, `${file} (with --set ${overrides.join(" ")})`);
}
