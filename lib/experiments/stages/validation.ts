/**
 * The walk-forward stage: folds by time over the modelled rows (periods as dates), a model fitted and scored
 * per fold, and the final model fitted on every development row.
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import { float64Column } from "../../series/columns.ts";
import { createModel } from "../../models/mod.ts";
import type { Estimator, FeatureMatrix } from "../../models/estimator.ts";
import {
  foldPeriods,
  splitsFromConfig,
  walkForward,
  type WalkForwardProgress,
  type WalkForwardResult,
} from "../../validation/mod.ts";
import { metricsFromReport } from "../../registry/mod.ts";
import type { Labels } from "../../labels/mod.ts";
import type { ExperimentConfig } from "../config.ts";
import type { FoldMetrics } from "../run_record.ts";

/** The modelled rows: matrix, targets, their bar indices and labels (the horizon). */
export interface ModelRows {
  X: FeatureMatrix;
  y: Int32Array;
  rowIndex: Int32Array;
  labels: Pick<Labels, "horizon">;
}

/** How the models are made and who hears of the training. */
export interface ValidationHooks {
  /** issue #13: an estimator per fold instead of `cfg.model` (tests: a spy that records what it is fed). */
  makeModel?: (fold: number) => Estimator;
  /** Training progress (folds, trees). */
  onTrainProgress?: (p: WalkForwardProgress) => void;
}

/** The walk-forward result with its per-fold and overall metrics as run.json records them. */
export interface ValidationResult {
  evaluation: WalkForwardResult;
  folds: FoldMetrics[];
  overall: Record<string, number>;
}

/**
 * Fits and scores a model per fold over the `rows` of the development `dataset` (folds by bar time, purged
 * and embargoed by the label horizon and `rowLookback`), then the final model.
 *
 * @example
 * ```ts ignore
 * const v = await validationStage(cfg, dataset, rows, 48, {});
 * console.log(v.overall.macro_f1, v.folds.length);
 * ```
 */
export async function validationStage(
  cfg: ExperimentConfig,
  dataset: Dataset,
  rows: ModelRows,
  rowLookback: number,
  hooks: ValidationHooks,
): Promise<ValidationResult> {
  const { X, y } = rows;
  const barTimes = float64Column(dataset.table, "timestamp"); // issue #13: folds by time, periods as dates
  const rowTimes = Float64Array.from(rows.rowIndex, (i) => barTimes[i]);
  const folds = splitsFromConfig(cfg.validation, X.nRows, {
    horizon: rows.labels.horizon,
    lookback: rowLookback,
  }, rowTimes);
  const periods = new Map(foldPeriods(folds, rowTimes).map((p) => [p.fold, p]));
  const wf = await walkForward({
    X,
    y,
    folds,
    makeModel: hooks.makeModel ?? (() => createModel({ ...cfg.model, seed: cfg.seed })),
    onProgress: hooks.onTrainProgress,
    finalModel: true,
    maxTrainRows: cfg.validation.max_train_rows,
    permutation: cfg.validation.permutation_repeats > 0
      ? { seed: cfg.seed, repeats: cfg.validation.permutation_repeats }
      : undefined,
  });
  const foldMetrics = wf.folds.map((f): FoldMetrics => ({
    ...periods.get(f.fold), // issue #13: train_start/train_end/test_start/test_end
    fold: f.fold,
    train_rows: f.trainRowsUsed,
    test_rows: f.testEnd - f.testStart,
    fit_seconds: f.fitMs / 1000,
    ...metricsFromReport(f.metrics),
  }));
  return { evaluation: wf, folds: foldMetrics, overall: metricsFromReport(wf.overall) };
}
