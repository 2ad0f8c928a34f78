/**
 * The whole research loop for one experiment config, in one direction:
 * load -> point-in-time -> lockbox cut -> quality gate -> features (cached) -> leakage guard -> labels ->
 * walk-forward training and evaluation -> backtest on out-of-fold predictions -> verdict -> registry ->
 * lockbox -> artifacts -> SQLite state. Each stage is a function in stages/ that takes its inputs and
 * returns its result; stages/record.ts records each result in run.json (the stages never see the run).
 *
 * Every stage is timed (and its peak memory sampled) in the run's `run.json`; a failure anywhere is
 * recorded as a failed run before the error is rethrown.
 *
 * @module
 */
import type { checkFile, loadDataset } from "../data/mod.ts";
import type { Dataset } from "../data/dataset.ts";
import type { AnyFeatureDef } from "../features/feature.ts"; // issue #11
import type { cachedFeatureColumns, FeatureSet } from "../features/mod.ts";
import type { Labels } from "../labels/mod.ts";
import type { Estimator } from "../models/estimator.ts";
import type { WalkForwardProgress, WalkForwardResult } from "../validation/mod.ts";
import type { ModelMetadata } from "../registry/mod.ts";
import type { BacktestResult } from "../backtest/mod.ts";
import { checkPaths } from "../config/paths.ts";
import type { ExperimentConfig } from "./config.ts";
import type { RunLogger } from "./logger.ts";
import { type Run, withRun } from "./recorder.ts";
import type { Progress } from "./progress.ts";
import type { Verdict } from "./verdict.ts"; // issue #11
import { dataAsset, strategyKey } from "./strategy_identity.ts"; // issue #13
import type { GuardRecord, RowsRecord } from "./run_record.ts"; // issue #11
import { type RunPaths, runPaths } from "./stages/paths.ts";
import { cacheEvents, recordStages } from "./stages/record.ts";
import { loadStage, pointInTimeStage } from "./stages/load.ts";
import { lockboxStage } from "./stages/lockbox.ts";
import { qualityStage } from "./stages/quality.ts";
import { featuresStage, loadFeatureSet } from "./stages/features.ts";
import { causalityStage, guardSwitches, warmupStage } from "./stages/guard.ts";
import { lookbacks, rowsStage } from "./stages/rows.ts";
import { validationStage } from "./stages/validation.ts";
import { backtestInput, backtestStage } from "./stages/backtest.ts";
import { verdictStage } from "./stages/verdict.ts";
import { registryStage } from "./stages/registry.ts";
import { type HoldoutResult, holdoutStage } from "./stages/holdout.ts"; // issue #13
import { artifactsStage } from "./stages/artifacts.ts";
import { stateStage } from "./stages/state.ts";

/** Options of {@link runExperiment}. */
export interface ExperimentOptions {
  /** Folder the config's relative paths are resolved against (default "."). */
  projectRoot?: string;
  /** Progress display of stages (default: stderr). */
  progress?: Progress;
  /** Training progress (folds, trees). */
  onTrainProgress?: (p: WalkForwardProgress) => void;
  /** Persist the backtest bar by bar into the SQLite state file (default true). */
  persistState?: boolean;
  /** Config file named in errors (paths are checked against the project root before any work). */
  configFile?: string;
  /**
   * Folder the run folder and the registry (`output.runs`, `output.registry`) are written under instead of
   * `projectRoot`; a sweep worker points it at a scratch folder so that only the sweep process writes
   * experiments/ and models/ (ADR-031). Data, features and the cache still resolve against `projectRoot`.
   */
  outputRoot?: string;
  /**
   * Replacements for loading the dataset, its quality check and the feature cache (default: the plain
   * functions, every run); a sweep worker passes memoised ones so each dataset and feature table is read once.
   */
  loaders?: ExperimentLoaders;
  /**
   * Open the strategy's lockbox (config `holdout`): score the final model on it and record the opening in
   * the ledger (issue #13, ADR-032). Only a person's explicit choice (`--open-holdout`) sets this.
   */
  openHoldout?: boolean;
  /** issue #13: an estimator per fold instead of `config.model` (tests: a spy that records what it is fed). */
  makeModel?: (fold: number) => Estimator;
  /**
   * Feature registry the feature set is resolved against (default: lib/features FEATURES); the leakage
   * canaries (issue #11) pass one with a deliberately biased feature, which must be caught by the guard.
   */
  featureRegistry?: ReadonlyMap<string, AnyFeatureDef>;
}

/** The loaders a sweep worker may memoise (same signatures as the functions they replace). */
export interface ExperimentLoaders {
  loadDataset?: typeof loadDataset;
  checkFile?: typeof checkFile;
  cachedFeatureColumns?: typeof cachedFeatureColumns;
}

/** Everything a notebook needs to show a finished experiment. */
export interface ExperimentResult {
  runId: string;
  runDir: string;
  config: ExperimentConfig;
  dataset: Dataset;
  featureSet: FeatureSet;
  /** Feature columns over all bars (timestamp first). */
  features: Record<string, Float64Array>;
  cacheHit: boolean;
  labels: Labels;
  /** Bar index of each modelled row (valid features and label, after warm-up). */
  rowIndex: Int32Array;
  evaluation: WalkForwardResult;
  model: ModelMetadata;
  backtest: BacktestResult;
  // issue #11 (ADR-028): the verdict against same-metric nulls, row counts, warnings, guard switches
  verdict: Verdict;
  rows: RowsRecord;
  warnings: string[];
  guard: GuardRecord;
  /** issue #13: the lockbox (closed, or opened and scored by this run), when the config has one. */
  holdout?: HoldoutResult;
}

/**
 * Runs the experiment described by `config` and records it under `config.output.runs`.
 *
 * @example
 * ```ts ignore
 * import { loadExperimentConfig } from "./config.ts";
 * import { runExperiment } from "./pipeline.ts";
 * const cfg = await loadExperimentConfig("configs/strategies/btc_spot_ema_cross_rsi.yaml");
 * const r = await runExperiment(cfg);
 * console.log(r.runId, r.model.id, r.backtest.metrics.sharpe);
 * ```
 */
export function runExperiment(
  config: ExperimentConfig,
  options: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const root = options.projectRoot ?? ".";
  // refuse bad paths and feature params before anything (even the run folder) is written
  const preflight = (async () => {
    checkPaths(config, { projectRoot: root, file: options.configFile ?? `the config of ${config.name}` });
    const paths = runPaths(config, root, options.outputRoot);
    await loadFeatureSet(paths.featureFile, options.featureRegistry);
    return paths;
  })();
  return preflight.then(async (paths) =>
    withRun({
      root: paths.runs,
      // issue #13: a run on another asset's data is another strategy (trials, lockbox): name@ASSET
      strategy: strategyKey(config, await dataAsset(paths.data)),
      config,
      seed: config.seed,
      projectRoot: root,
      progress: options.progress,
    }, (run) => _pipeline(run, config, options, paths))
  );
}

/** The stages in order; stages/record.ts records each one's result in run.json. */
async function _pipeline(
  run: Run,
  cfg: ExperimentConfig,
  options: ExperimentOptions,
  paths: RunPaths,
): Promise<ExperimentResult> {
  const { stage, note } = recordStages(run);
  const { strategy, config_hash: configHash } = run.snapshot();
  const { loadDataset, checkFile, cachedFeatureColumns } = options.loaders ?? {};
  const full = await stage("load", () => loadStage(paths.data, loadDataset));
  await stage("point_in_time", () => pointInTimeStage(full));
  const { lockbox, dataset } = lockboxStage(cfg, full, options.openHoldout ?? false); // issue #13
  await stage("quality", () => qualityStage(cfg, paths.data, dataset.sources, checkFile));
  const set = await loadFeatureSet(paths.featureFile, options.featureRegistry);
  note("specs", { set, label: cfg.label });
  const cache = (log: RunLogger) => ({
    dir: paths.cache,
    onEvent: cacheEvents(log),
    columns: cachedFeatureColumns,
  });
  const feats = await stage("features", (log) => featuresStage(set, full, dataset, cache(log)));
  const { guard } = note("guard", guardSwitches(cfg)); // issue #11: the leakage guard, before training
  await stage("causality", () => causalityStage(cfg, dataset, set));
  await stage("warmup", () => warmupStage(cfg, dataset, set));
  const { lookback, rowLookback } = lookbacks(set, dataset.intervalMs, cfg.label);
  const modelled = await stage("labels", () => rowsStage(cfg, dataset, set, feats.features, rowLookback));
  const { labels, rowIndex, rows } = modelled;
  const { evaluation } = await stage(
    "walkforward",
    () => validationStage(cfg, dataset, modelled, rowLookback, options),
  );
  const btInput = backtestInput(cfg, dataset, evaluation, rowIndex);
  const { result } = await stage("backtest", () => backtestStage(btInput));
  const verdict = await stage("verdict", () => verdictStage(evaluation, modelled, btInput, result, cfg.seed));
  const trained = { cfg, strategy, dataset, set, lookback, rowIndex, evaluation, verdict, guard };
  const model = await stage("registry", () => registryStage(trained, paths.registry, paths.code));
  // issue #13: the lockbox stays closed unless this run was asked to open it (ADR-032)
  const runInfo = { strategy, id: run.id, dir: run.dir, configHash };
  const opening = { open: options.openHoldout ?? false, ledgerPath: paths.ledger, run: runInfo };
  const scoring = {
    full,
    features: feats.full,
    columns: set.columns,
    rowLookback,
    model: evaluation.finalModel!,
  };
  const holdout = lockbox &&
    (await stage("holdout", () => holdoutStage(cfg, lockbox, opening, scoring))).result;
  await stage("artifacts", () => artifactsStage(run.dir, cfg.name, model.id, result));
  if (options.persistState ?? true) {
    await stage("state", () => stateStage(paths.state, btInput, run.id, cfg.name));
  }
  return {
    runId: run.id,
    runDir: run.dir,
    config: cfg,
    dataset,
    featureSet: set,
    features: feats.features,
    cacheHit: feats.hit,
    labels,
    rowIndex,
    evaluation,
    model,
    backtest: result,
    verdict,
    rows,
    warnings: [...run.warnings],
    guard,
    holdout, // issue #13
  };
}
