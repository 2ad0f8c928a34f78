/**
 * The schema of `experiments/runs/<run-id>/run.json`: everything needed to trace a run's numbers
 * back to the config, data, code and seed that made them. Field names are snake_case (a file format).
 *
 * @module
 */
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";

/** Version of the run.json layout; bump it when a field changes meaning. */
export const RUN_FORMAT_VERSION = 1;

/** Reference to a dataset file the run read. */
export const DatasetRefSchema = z.strictObject({
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.string().optional(),
  metadata_path: z.string().optional(),
});

/** Metrics of one validation fold; `macro_f1` and `accuracy` are the common ones, others allowed. */
export const FoldMetricsSchema = z.looseObject({
  fold: z.number().int(),
  macro_f1: z.number().nullable().optional(),
  accuracy: z.number().nullable().optional(),
});

/**
 * Backtest summary. The deflated Sharpe needs `sharpe` (per period), `n_periods`, `skew` and
 * `kurtosis` (Pearson, 3 for normal returns) of the per-bar net returns.
 */
export const BacktestSummarySchema = z.looseObject({
  /** Per-period (per-bar) Sharpe ratio: mean / std of the net returns. */
  sharpe: z.number(),
  /** Annualised Sharpe ratio: `sharpe * sqrt(periods_per_year)`. */
  sharpe_annualised: z.number(),
  periods_per_year: z.number().positive().optional(),
  /** Number of return observations (track length T). */
  n_periods: z.number().int().nonnegative(),
  /** Skewness of the per-bar net returns. */
  skew: z.number(),
  /** Pearson (non-excess) kurtosis of the per-bar net returns: 3 for normal. */
  kurtosis: z.number(),
  total_return: z.number().nullable().optional(),
  max_drawdown: z.number().nullable().optional(),
  n_trades: z.number().int().nullable().optional(),
});

/** Timing and memory of one stage. */
export const StageRecordSchema = z.strictObject({
  name: z.string(),
  status: z.enum(["ok", "failed"]),
  started_at: z.string(),
  seconds: z.number().nonnegative(),
  rss_before_bytes: z.number(),
  rss_after_bytes: z.number(),
  /** Largest RSS seen (samples every ~50 ms, plus before and after). */
  rss_peak_bytes: z.number(),
});

/** The error of a failed run. */
export const RunErrorSchema = z.strictObject({
  name: z.string(),
  message: z.string(),
  stack: z.string().nullable(),
});

// --- issue #11 (verdict, rows, warnings, guard): ADR-028 -----------------------------------------------
/** The verdict against same-metric nulls (lib/experiments/verdict.ts). */
export const VerdictRecordSchema = z.looseObject({
  text: z.string(),
  label_skill: z.boolean(),
  economic_skill: z.boolean(),
  macro_f1: z.number(),
  macro_f1_majority: z.number(),
  macro_f1_prior_random: z.number(),
  accuracy: z.number(),
  accuracy_majority: z.number(),
  accuracy_prior_random: z.number(),
  label_p_value: z.number().optional(),
  p_value: z.number(),
  permutation_draws: z.number().int(),
  min_shift_bars: z.number().int(),
  net_return: z.number().nullable(),
  gross_return: z.number().nullable(),
  costs_share_of_gross: z.number().nullable(),
});

/** Rows of the dataset: how many were kept and why the others were dropped. */
export const RowsRecordSchema = z.looseObject({
  total: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  /** kept / eligible (rows after the warm-up and before the label-horizon tail). */
  kept_share: z.number(),
  min_kept_share: z.number(),
  dropped: z.record(z.string(), z.number().int().nonnegative()),
});

/** Which leakage checks ran, and why one did not. */
export const GuardRecordSchema = z.strictObject({
  causality: z.boolean(),
  warmup: z.boolean(),
  reason: z.string().nullable(),
});
// --- end issue #11 ---------------------------------------------------------------------------------------

// --- issue #13 (lockbox, evaluate): ADR-032 ---------------------------------------------------------------
/** The strategy's lockbox as this run left it (closed, or opened by this run) and the opening count. */
export const HoldoutRecordSchema = z.looseObject({
  /** First lockbox bar (ISO UTC, inclusive) and end of the data (exclusive). */
  start: z.string(),
  end: z.string(),
  /** Whether this run looked at the lockbox. */
  opened: z.boolean(),
  /** Openings of this strategy's lockbox in the ledger, this run's included. */
  opens: z.number().int().nonnegative(),
  /** "hold-out 2024-01-01 00:00 .. 2025-01-01 00:00 closed (opened 1 time)". */
  text: z.string().optional(),
  /** Bars inside the lockbox, and rows scored when opened. */
  bars: z.number().int().nonnegative().optional(),
  rows: z.number().int().nonnegative().optional(),
  /** Scores of the final model on the lockbox rows and their backtest summary, when opened. */
  metrics: z.record(z.string(), z.unknown()).optional(),
});

/** What a `deno task evaluate` run scored: which registered model on which new data. */
export const EvaluationRecordSchema = z.looseObject({
  model_id: z.string(),
  /** The strategy the model was trained as, and the data it was trained on. */
  model_strategy: z.string(),
  training_datasets: z.array(
    z.strictObject({ path: z.string(), sha256: z.string(), kind: z.string().optional() }),
  ),
  training_start: z.string(),
  training_end: z.string(),
  /** Evaluated period (first and last scored bar, ISO UTC) and rows. */
  start: z.string(),
  end: z.string(),
  rows: z.number().int().nonnegative(),
  /** Scored rows whose label window meets the model's training range, and whether that was allowed. */
  overlap_rows: z.number().int().nonnegative(),
  allow_overlap: z.boolean(),
});
// --- end issue #13 ---------------------------------------------------------------------------------------

/** The whole run.json. */
export const RunRecordSchema = z.strictObject({
  format_version: z.literal(RUN_FORMAT_VERSION),
  run_id: z.string().regex(/^\d{8}T\d{6}Z-[0-9a-z]+-[0-9a-z]+$/),
  strategy: z.string(),
  status: z.enum(["running", "ok", "failed"]),
  error: RunErrorSchema.nullable(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  /** Resolved config, with secret-looking keys replaced by "[scrubbed]". */
  config: z.unknown(),
  /** hashId (lib/util/hash.ts) of the resolved config before scrubbing. */
  config_hash: z.string(),
  seed: z.number().nullable(),
  datasets: z.array(DatasetRefSchema),
  feature_spec_hash: z.string().nullable(),
  label_spec_hash: z.string().nullable(),
  model_id: z.string().nullable(),
  metrics: z.strictObject({
    folds: z.array(FoldMetricsSchema),
    overall: z.record(z.string(), z.number().nullable()),
  }),
  backtest: BacktestSummarySchema.nullable(),
  stages: z.array(StageRecordSchema),
  code: z.strictObject({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  versions: z.strictObject({
    deno: z.string(),
    v8: z.string(),
    typescript: z.string(),
    libraries: z.record(z.string(), z.string()),
  }),
  /** Selected environment variables (CANDLELAB_*, DENO_*, TZ), scrubbed. */
  env: z.record(z.string(), z.string()),
  // issue #11 (ADR-028): optional so older records still read
  verdict: VerdictRecordSchema.nullable().optional(),
  rows: RowsRecordSchema.nullable().optional(),
  warnings: z.array(z.string()).optional(),
  guard: GuardRecordSchema.nullable().optional(),
  /** The sweep this run is a trial of (issue #14, ADR-031): sweep id and trial id (hash of config + data). */
  sweep: z.strictObject({ id: z.string(), trial: z.string() }).optional(),
  // issue #13 (ADR-032): the lockbox, and what an `evaluate` run scored (its `datasets` are the new data)
  holdout: HoldoutRecordSchema.optional(),
  evaluation: EvaluationRecordSchema.optional(),
});

export type DatasetRef = z.infer<typeof DatasetRefSchema>;
export type FoldMetrics = z.infer<typeof FoldMetricsSchema>;
export type BacktestSummary = z.infer<typeof BacktestSummarySchema>;
export type StageRecord = z.infer<typeof StageRecordSchema>;
export type RunError = z.infer<typeof RunErrorSchema>;
export type RunRecord = z.infer<typeof RunRecordSchema>;
export type VerdictRecord = z.infer<typeof VerdictRecordSchema>;
export type RowsRecord = z.infer<typeof RowsRecordSchema>;
export type GuardRecord = z.infer<typeof GuardRecordSchema>;
export type HoldoutRecord = z.infer<typeof HoldoutRecordSchema>;
export type EvaluationRecord = z.infer<typeof EvaluationRecordSchema>;
export type RunStatus = RunRecord["status"];

/**
 * Validates parsed run.json data; the error names the file and every bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseRunRecord } from "./run_record.ts";
 * let threw = false;
 * try { parseRunRecord({ run_id: "x" }, "run.json"); } catch { threw = true; }
 * assert(threw);
 * ```
 */
export function parseRunRecord(data: unknown, file: string): RunRecord {
  const r = RunRecordSchema.safeParse(data);
  if (r.success) return r.data;
  throw new CandlelabError(
    `Cannot read run record ${file}: it does not match the run.json schema:\n${
      z.prettifyError(r.error)
    }\nThe file was probably written by another version; re-run the experiment or fix the fields above`,
  );
}

/**
 * Reads and validates a run.json file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readRunRecord } from "./run_record.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/run.json`, "{");
 * let threw = false;
 * try { await readRunRecord(`${dir}/run.json`); } catch { threw = true; }
 * assert(threw);
 * ```
 */
export async function readRunRecord(file: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read run record ${file}: ${(err as Error).message}; check the run id and the --root folder`,
      { cause: err },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read run record ${file}: it is not valid JSON (${
        (err as Error).message
      }); the file was edited by hand or written without writeJsonAtomic`,
      { cause: err },
    );
  }
  return parseRunRecord(data, file);
}
