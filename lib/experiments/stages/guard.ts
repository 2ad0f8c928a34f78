/**
 * The leakage guard (issue #11): which checks run (a switched-off check needs a reason and leaves a
 * warning), the causality check (no feature value may change when later bars are cut away) and the warm-up
 * check (values after a feature's declared lookback may not depend on how much earlier history was loaded).
 * Both run on the last `guard.causalityRows` development rows before any training.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { Dataset } from "../../data/dataset.ts";
import {
  type CausalityReport,
  checkCausality,
  checkWarmup,
  describeCausalityViolation,
  describeWarmupViolation,
  type FeatureSet,
  featureSetLookback,
  type WarmupReport,
} from "../../features/mod.ts";
import { sliceRows } from "../../series/columns.ts";
import { CandlelabError } from "../../util/errors.ts";
import type { ExperimentConfig } from "../config.ts";
import type { GuardRecord } from "../run_record.ts";

/** The guard switches and a warning per switched-off check. */
export interface GuardSwitches {
  guard: GuardRecord;
  warnings: string[];
}

/**
 * Reads the guard switches off the config.
 *
 * @example
 * ```ts ignore
 * const { guard, warnings } = guardSwitches(cfg);
 * console.log(guard.causality, warnings);
 * ```
 */
export function guardSwitches(cfg: ExperimentConfig): GuardSwitches {
  const guard: GuardRecord = {
    causality: cfg.guard.causality,
    warmup: cfg.guard.warmup,
    reason: cfg.guard.reason ?? null,
  };
  const warnings = (["causality", "warmup"] as const).filter((check) => !guard[check]).map((check) =>
    `leakage guard: the ${check} check is switched off (reason: ${guard.reason})`
  );
  return { guard, warnings };
}

/** The causality report (none when the check is off), and the refusal when it found a violation. */
export interface CausalityResult {
  report?: CausalityReport;
  refusal?: CandlelabError;
}

/**
 * Runs the causality check on the development `dataset` unless it is switched off.
 *
 * @example
 * ```ts ignore
 * const r = causalityStage(cfg, dataset, set);
 * if (r.refusal) throw r.refusal;
 * ```
 */
export function causalityStage(cfg: ExperimentConfig, dataset: Dataset, set: FeatureSet): CausalityResult {
  if (!cfg.guard.causality) return {};
  const table = _tail(dataset.table, cfg.guard.causalityRows);
  const report = checkCausality(table, set, {
    cuts: cfg.guard.causalityCuts,
    timing: { intervalMs: dataset.intervalMs },
  });
  if (report.ok) return { report };
  const refusal = new CandlelabError(
    `Cannot train ${cfg.name}: ${report.violations.length} causality violation(s):\n  ${
      report.violations.slice(0, 5).map(describeCausalityViolation).join("\n  ")
    }\nFix the feature (no negative shifts, centred windows or full-column statistics) before training`,
  );
  return { report, refusal };
}

/** The warm-up report (none when the check is off), its warnings, and the refusal on a violation. */
export interface WarmupResult {
  report?: WarmupReport;
  warnings: string[];
  refusal?: CandlelabError;
}

/**
 * Runs the warm-up check on the development `dataset` unless it is switched off; warns when the checked
 * rows leave no start row.
 *
 * @example
 * ```ts ignore
 * const r = warmupStage(cfg, dataset, set);
 * console.log(r.warnings);
 * ```
 */
export function warmupStage(cfg: ExperimentConfig, dataset: Dataset, set: FeatureSet): WarmupResult {
  if (!cfg.guard.warmup) return { warnings: [] };
  const timing = { intervalMs: dataset.intervalMs };
  const table = _tail(dataset.table, cfg.guard.causalityRows);
  const report = checkWarmup(table, set, { cuts: cfg.guard.causalityCuts, timing });
  const warnings = report.starts.length > 0 ? [] : [
    `leakage guard: the warm-up check had no start row: ${table.numRows()} rows checked do not exceed the ` +
    `feature set's lookback ${featureSetLookback(set, timing)}; raise guard.causalityRows`,
  ];
  if (report.ok) return { report, warnings };
  const refusal = new CandlelabError(
    `Cannot train ${cfg.name}: ${report.violations.length} warm-up violation(s):\n  ${
      report.violations.slice(0, 5).map(describeWarmupViolation).join("\n  ")
    }\nDeclare the lookback the feature needs`,
  );
  return { report, warnings, refusal };
}

/** The last `rows` rows of a table (views), or the table itself when it is not longer. */
function _tail(table: ColumnTable, rows: number): ColumnTable {
  const n = table.numRows();
  return n <= rows ? table : sliceRows(table, n - rows);
}
