/**
 * The registry stage: the final model (fitted on every development row) saved with what it was trained
 * on, how it scored, its verdict and the leakage checks that ran.
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import type { FeatureSet } from "../../features/mod.ts";
import type { WalkForwardResult } from "../../validation/mod.ts";
import { codeVersion, metricsFromReport, type ModelMetadata, saveModel } from "../../registry/mod.ts";
import { CandlelabError } from "../../util/errors.ts";
import { hashId } from "../../util/hash.ts";
import type { ExperimentConfig } from "../config.ts";
import type { GuardRecord } from "../run_record.ts";
import type { Verdict } from "../verdict.ts";

/** What the final model was trained on, how it scored, and the run's strategy. */
export interface TrainedModel {
  cfg: ExperimentConfig;
  /** The run's strategy key (issue #13: name@ASSET on another asset's data). */
  strategy: string;
  /** The development dataset. */
  dataset: Dataset;
  set: FeatureSet;
  /** The feature set's lookback in bars. */
  lookback: number;
  /** Bar index of each modelled row (the training range). */
  rowIndex: Int32Array;
  evaluation: WalkForwardResult;
  verdict: Verdict;
  guard: GuardRecord;
}

/**
 * Saves the final model in the registry folder `dir`, with the git commit of `codeRoot`.
 *
 * @example
 * ```ts ignore
 * const meta = await registryStage({ cfg, strategy, dataset, set, lookback, rowIndex, evaluation, verdict,
 *   guard }, "models", ".");
 * console.log(meta.id);
 * ```
 */
export async function registryStage(
  input: TrainedModel,
  dir: string,
  codeRoot: string,
): Promise<ModelMetadata> {
  const { cfg, dataset, set, rowIndex, evaluation } = input;
  if (!evaluation.finalModel) {
    throw new CandlelabError("Cannot register: walk-forward returned no final model");
  }
  const ts = dataset.table.array("timestamp") as Float64Array;
  return await saveModel(dir, evaluation.finalModel.toJSON(), {
    strategy: input.strategy,
    asset: dataset.asset,
    market: cfg.data.market,
    interval: dataset.interval,
    features: { set: set.name, hash: hashId(set.spec), names: set.columns, lookback: input.lookback },
    label: cfg.label,
    training: { start: ts[rowIndex[0]], end: ts[rowIndex[rowIndex.length - 1]], rows: rowIndex.length },
    validation: cfg.validation,
    datasets: dataset.sources.map((s) => ({ path: s.path, sha256: s.sha256, kind: s.kind })),
    metrics: metricsFromReport(evaluation.overall),
    evaluation: {
      folds: evaluation.folds.map((f) => ({ fold: f.fold, ...metricsFromReport(f.metrics) })),
      verdict: input.verdict, // issue #11
    },
    code: await codeVersion({ cwd: codeRoot }),
    seed: cfg.seed,
    guard: input.guard, // issue #11: which leakage checks ran, and why one did not
  });
}
