/**
 * The whole research loop for one experiment config, in one direction:
 * load -> quality gate -> features (cached) -> causality check -> labels -> walk-forward training and
 * evaluation -> registry -> backtest on out-of-fold predictions -> SQLite state -> experiment log.
 *
 * Every stage is timed (and its peak memory sampled) in the run's `run.json`; a failure anywhere is
 * recorded as a failed run before the error is rethrown.
 *
 * @module
 */
import { join } from "node:path";
import type { ColumnTable } from "arquero";
import { checkFile, loadDataset } from "../data/mod.ts";
import type { Dataset } from "../data/dataset.ts";
import type { AnyFeatureDef } from "../features/feature.ts"; // issue #11
import { assertPointInTime, joinSummary, rowsWithoutAux } from "../data/point_in_time.ts"; // issue #11
import {
  accountRows,
  cachedFeatureColumns,
  type CacheEvent,
  checkCausality,
  checkWarmup,
  describeCausalityViolation,
  describeWarmupViolation,
  type FeatureSet,
  featureSetLookback,
  loadFeatureSetSpec,
  resolveFeatureSet,
  selectValidRows,
  takeRows,
} from "../features/mod.ts";
import { float64Column, sliceRows } from "../series/columns.ts";
import { classBalance, computeLabels, type Labels } from "../labels/mod.ts";
import { createModel } from "../models/mod.ts";
import type { Estimator, FeatureMatrix } from "../models/estimator.ts";
import { argmaxProba } from "../validation/metrics.ts";
import {
  splitsFromConfig,
  walkForward,
  type WalkForwardProgress,
  type WalkForwardResult,
} from "../validation/mod.ts";
import { codeVersion, metricsFromReport, type ModelMetadata, saveModel } from "../registry/mod.ts";
import { backtest, type BacktestResult, barsFromDataset } from "../backtest/mod.ts";
import { closeStateDb, openStateDb, replay } from "../state/mod.ts";
import { CandlelabError } from "../util/errors.ts";
import { checkPaths } from "../config/paths.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { hashId } from "../util/hash.ts";
import type { ExperimentConfig } from "./config.ts";
import { type Run, withRun } from "./recorder.ts";
import type { Progress } from "./progress.ts";
import { backtestSummary } from "./evaluate_rows.ts";
import { computeVerdict, type Verdict } from "./verdict.ts"; // issue #11
import { datasetBeforeLockbox, type Lockbox, resolveLockbox } from "./holdout.ts"; // issue #13
import { type HoldoutResult, holdoutStage } from "./holdout_stage.ts"; // issue #13
import { dataAsset, strategyKey } from "./strategy_identity.ts"; // issue #13
import { fileOverrides } from "../data/config.ts"; // issue #13
import { deriveGap, foldPeriods } from "../validation/mod.ts"; // issue #13
import type { GuardRecord, RowsRecord } from "./run_record.ts"; // issue #11

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
  const at = (p: string) => (p.startsWith("/") ? p : join(root, p));
  // refuse bad paths and feature params before anything (even the run folder) is written
  const preflight = (async () => {
    checkPaths(config, { projectRoot: root, file: options.configFile ?? `the config of ${config.name}` });
    const featureFile = _configPath(config.features, at, "configs/features");
    const spec = await loadFeatureSetSpec(featureFile);
    try {
      resolveFeatureSet(spec, options.featureRegistry);
    } catch (err) {
      throw new CandlelabError(`Invalid feature set ${featureFile}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  })();
  return preflight.then(async () =>
    withRun({
      root: _outputAt(options, at)(config.output.runs),
      // issue #13: a run on another asset's data is another strategy (trials, lockbox): name@ASSET
      strategy: strategyKey(config, await dataAsset(_resolvePaths(config, at))),
      config,
      seed: config.seed,
      projectRoot: root,
      progress: options.progress,
    }, (run) => _pipeline(run, config, options, at))
  );
}

async function _pipeline(
  run: Run,
  cfg: ExperimentConfig,
  options: ExperimentOptions,
  at: (p: string) => string,
): Promise<ExperimentResult> {
  const dataCfg = _resolvePaths(cfg, at);
  const outAt = _outputAt(options, at);
  const fullDataset = await run.stage("load", async (log) => {
    const ds = await (options.loaders?.loadDataset ?? loadDataset)(dataCfg);
    for (const s of ds.sources) run.addDataset({ path: s.path, sha256: s.sha256, kind: s.kind });
    log.info("loaded", { rows: ds.table.numRows(), market: ds.market, interval: ds.interval });
    return ds;
  });
  // issue #11: every joined column must be point-in-time (recomputed from the join records; a dataset
  // whose auxiliary columns have no join record, e.g. built by hand, is refused)
  await run.stage("point_in_time", (log) => {
    const r = assertPointInTime(fullDataset);
    log.info("point in time", {
      checked: r.checked.length,
      joins: fullDataset.joins?.map(joinSummary) ?? [],
    });
  });

  // --- issue #13: the lockbox (ADR-032): everything up to the final model sees only the bars before it
  const lockbox: Lockbox | undefined = cfg.holdout
    ? resolveLockbox(
      cfg.holdout,
      float64Column(fullDataset.table, "timestamp"),
      fullDataset.intervalMs,
      deriveGap({ horizon: cfg.label.horizon }, cfg.validation.embargo).before,
    )
    : undefined;
  const dataset = lockbox ? datasetBeforeLockbox(fullDataset, lockbox, cfg.label.horizon) : fullDataset;
  if (options.openHoldout && !lockbox) {
    throw new CandlelabError(
      `Cannot open the hold-out of ${cfg.name}: its config has no holdout section; add ` +
        `holdout: { start: "2024-01-01" } or do not ask to open it`,
    );
  }
  // --- end issue #13

  await run.stage("quality", async (log) => {
    for (const s of dataset.sources) {
      const overrides = fileOverrides(dataCfg, s.path, s.kind ?? "ohlcv"); // issue #13: names off the convention
      const r = await (options.loaders?.checkFile ?? checkFile)(s.path, { overrides });
      log.info("checked", { file: s.path, ok: r.ok, hashMatches: r.hashMatches ?? null });
      if (r.hashMatches === false && cfg.guard.requireMetadataMatch) {
        throw new CandlelabError(`Cannot run ${cfg.name}: quality gate failed: ${r.problems.join("; ")}`);
      }
      const hard = r.current.quality.findings.filter((f) => f.severity === "hard");
      if (hard.length > 0) {
        throw new CandlelabError(
          `Cannot run ${cfg.name}: quality gate failed for ${s.path}: ${
            hard.map((f) => f.message).join("; ")
          }`,
        );
      }
    }
  });

  const spec = await loadFeatureSetSpec(_configPath(cfg.features, at, "configs/features"));
  const featureSet = resolveFeatureSet(spec, options.featureRegistry);
  const timing = { intervalMs: dataset.intervalMs };
  run.setFeatureSpecHash(hashId(featureSet.spec));
  run.setLabelSpecHash(hashId(cfg.label));

  const { columns: fullFeatures, hit } = await run.stage("features", async (log) => {
    const r = await (options.loaders?.cachedFeatureColumns ?? cachedFeatureColumns)({
      table: fullDataset.table, // issue #13: one cache entry for the whole file; cut below
      datasetHashes: dataset.sources.map((s) => s.sha256),
      set: featureSet,
      dir: at(cfg.output.cache),
      timing,
      log: (e: CacheEvent) => log.info(`cache ${e.event}`, { entry: e.key, path: e.path }),
    });
    return { columns: r.columns, hit: r.hit };
  });
  const features = _firstRows(fullFeatures, dataset.table.numRows()); // issue #13

  // --- issue #11: the leakage guard (causality + warm-up) runs before training unless switched off with a reason
  const guard: GuardRecord = {
    causality: cfg.guard.causality,
    warmup: cfg.guard.warmup,
    reason: cfg.guard.reason ?? null,
  };
  run.setGuard(guard);
  for (const check of ["causality", "warmup"] as const) {
    if (!guard[check]) {
      run.addWarning(`leakage guard: the ${check} check is switched off (reason: ${guard.reason})`);
    }
  }
  await run.stage("causality", (log) => {
    if (!guard.causality) return;
    const table = _tail(dataset.table, cfg.guard.causalityRows);
    const report = checkCausality(table, featureSet, { cuts: cfg.guard.causalityCuts, timing });
    log.info("causality", { ok: report.ok, cuts: report.cuts, columns: report.columns });
    if (!report.ok) {
      throw new CandlelabError(
        `Cannot train ${cfg.name}: ${report.violations.length} causality violation(s):\n  ${
          report.violations.slice(0, 5).map(describeCausalityViolation).join("\n  ")
        }\nFix the feature (no negative shifts, centred windows or full-column statistics) before training`,
      );
    }
  });
  await run.stage("warmup", (log) => {
    if (!guard.warmup) return;
    const table = _tail(dataset.table, cfg.guard.causalityRows);
    const report = checkWarmup(table, featureSet, { cuts: cfg.guard.causalityCuts, timing });
    log.info("warmup", { ok: report.ok, starts: report.starts, tolerance: report.tolerance });
    if (report.starts.length === 0) {
      run.addWarning(
        `leakage guard: the warm-up check had no start row: ${table.numRows()} rows checked do not exceed the ` +
          `feature set's lookback ${featureSetLookback(featureSet, timing)}; raise guard.causalityRows`,
      );
    }
    if (!report.ok) {
      throw new CandlelabError(
        `Cannot train ${cfg.name}: ${report.violations.length} warm-up violation(s):\n  ${
          report.violations.slice(0, 5).map(describeWarmupViolation).join("\n  ")
        }\nDeclare the lookback the feature needs`,
      );
    }
  });
  // --- end issue #11 guard

  const lookback = featureSetLookback(featureSet, timing);
  // bars a modelled row reads backwards: the feature set's, or the label's own volatility window if longer
  const rowLookback = Math.max(lookback, "volWindow" in cfg.label ? cfg.label.volWindow : 0);
  const { labels, rowIndex, X, y, rows } = await run.stage("labels", (log) => {
    const labels = computeLabels(dataset.table, cfg.label);
    const cols = featureSet.columns.map((c) => features[c]);
    const sel = selectValidRows(cols, { minRow: rowLookback, y: labels.y });
    if (sel.kept < 10 * (cfg.validation.folds + 1)) {
      throw new CandlelabError(
        `Cannot train ${cfg.name}: only ${sel.kept} rows have every feature and a label ` +
          `(${sel.droppedWarmup} warm-up rows dropped, ${sel.droppedInvalid} invalid); load more data or shorten windows`,
      );
    }
    const X: FeatureMatrix = {
      names: featureSet.columns,
      columns: cols.map((c) => takeRows(c, sel.index)),
      nRows: sel.kept,
    };
    const y = new Int32Array(takeRows(labels.y, sel.index)); // a copy
    // issue #11: every row kept or dropped for a named cause; too few kept fails the run with the counts
    const rows = _rowsRecord(dataset, cols, labels.y, sel.index, rowLookback, cfg.guard.minKeptShare);
    run.setRows(rows);
    log.info("rows", rows);
    if (rows.kept_share < rows.min_kept_share) {
      throw new CandlelabError(
        `Cannot train ${cfg.name}: only ${
          (rows.kept_share * 100).toFixed(1)
        } % of the eligible rows were kept ` +
          `(guard.minKeptShare is ${rows.min_kept_share}): ${_droppedText(rows)}; ` +
          `fix the data (missing auxiliary bars, invalid values) or lower guard.minKeptShare`,
      );
    }
    const balance = classBalance(y, [{ name: "all", start: 0, end: y.length }]);
    log.info("labels", {
      rows: sel.kept,
      droppedWarmup: sel.droppedWarmup,
      droppedInvalid: sel.droppedInvalid,
      balance,
    });
    return { labels, rowIndex: sel.index, X, y, rows };
  });

  const evaluation = await run.stage("walkforward", async (log) => {
    const barTimes = float64Column(dataset.table, "timestamp"); // issue #13: folds by time, periods as dates
    const rowTimes = Float64Array.from(rowIndex, (i) => barTimes[i]);
    const folds = splitsFromConfig(cfg.validation, X.nRows, {
      horizon: labels.horizon,
      lookback: rowLookback,
    }, rowTimes);
    const periods = new Map(foldPeriods(folds, rowTimes).map((p) => [p.fold, p]));
    const wf = await walkForward({
      X,
      y,
      folds,
      makeModel: options.makeModel ?? (() => createModel({ ...cfg.model, seed: cfg.seed })),
      onProgress: options.onTrainProgress,
      finalModel: true,
      maxTrainRows: cfg.validation.max_train_rows,
      permutation: cfg.validation.permutation_repeats > 0
        ? { seed: cfg.seed, repeats: cfg.validation.permutation_repeats }
        : undefined,
    });
    for (const f of wf.folds) {
      run.addFoldMetrics({
        ...periods.get(f.fold), // issue #13: train_start/train_end/test_start/test_end
        fold: f.fold,
        train_rows: f.trainRowsUsed,
        test_rows: f.testEnd - f.testStart,
        fit_seconds: f.fitMs / 1000,
        ...metricsFromReport(f.metrics),
      });
    }
    run.setOverallMetrics(metricsFromReport(wf.overall));
    log.info("walk-forward", { folds: wf.folds.length, macro_f1: wf.overall.macroF1 });
    return wf;
  });

  const bars = barsFromDataset(dataset);
  const barRows = Int32Array.from(evaluation.rows, (r) => rowIndex[r]);
  const btInput = {
    bars,
    rows: barRows,
    proba: evaluation.proba,
    intervalMs: dataset.intervalMs,
    policy: cfg.policy,
    risk: cfg.risk,
    costs: cfg.costs,
    market: cfg.market,
  };
  const result = await run.stage("backtest", (log) => {
    const r = backtest(btInput);
    run.setBacktest(backtestSummary(r, dataset.intervalMs));
    log.info("backtest", { total_return: r.metrics.totalReturn, trades: r.metrics.nTrades });
    // issue #11: funding paid as zero is a warning, not only a counter
    const mf = r.flags.missingFunding;
    if (mf.count > 0) {
      run.addWarning(
        `${mf.count} funding event(s) missing (first at ${
          new Date(mf.timestamps[0]).toISOString()
        }) were paid ` +
          `as zero (market.onMissingFunding: flag); fill the funding file or set onMissingFunding: error`,
      );
    }
    // issue #11: a bar inside the out-of-sample span without a prediction (a dropped row) is traded flat
    const flat = barRows.length ? barRows[barRows.length - 1] - barRows[0] + 1 - barRows.length : 0;
    if (flat > 0) {
      run.addWarning(
        `${flat} bar(s) inside the out-of-sample span have no prediction (rows dropped, see rows) and were ` +
          `traded as flat: the backtest closes any position there`,
      );
    }
    return r;
  });

  // --- issue #11: the verdict against same-metric nulls (before the model is registered)
  const verdict = await run.stage("verdict", (log) => {
    const yTrue = Int32Array.from(evaluation.rows, (r) => y[r]);
    const v = computeVerdict({
      yTrue,
      yPred: argmaxProba(evaluation.proba),
      exposure: {
        open: bars.open,
        close: bars.close,
        fundingRate: bars.fundingRate,
        firstBar: barRows[0],
        position: result.position,
        equity: result.equity,
      },
      attribution: result.attribution,
      netReturn: result.metrics.totalReturn,
      horizon: labels.horizon,
      seed: cfg.seed,
    });
    run.setVerdict(v);
    log.info("verdict", { text: v.text });
    return v;
  });
  // --- end issue #11 verdict

  const model = await run.stage("registry", async (log) => {
    if (!evaluation.finalModel) {
      throw new CandlelabError("Cannot register: walk-forward returned no final model");
    }
    const ts = dataset.table.array("timestamp") as Float64Array;
    const meta = await saveModel(outAt(cfg.output.registry), evaluation.finalModel.toJSON(), {
      strategy: run.snapshot().strategy, // issue #13: name@ASSET on another asset's data
      asset: dataset.asset,
      market: cfg.data.market,
      interval: dataset.interval,
      features: { set: featureSet.name, hash: hashId(featureSet.spec), names: featureSet.columns, lookback },
      label: cfg.label,
      training: { start: ts[rowIndex[0]], end: ts[rowIndex[rowIndex.length - 1]], rows: rowIndex.length },
      validation: cfg.validation,
      datasets: dataset.sources.map((s) => ({ path: s.path, sha256: s.sha256, kind: s.kind })),
      metrics: metricsFromReport(evaluation.overall),
      evaluation: {
        folds: evaluation.folds.map((f) => ({ fold: f.fold, ...metricsFromReport(f.metrics) })),
        verdict, // issue #11
      },
      code: await codeVersion({ cwd: at(".") }),
      seed: cfg.seed,
      guard, // issue #11: which leakage checks ran, and why one did not
    });
    run.setModelId(meta.id);
    log.info("registered", { id: meta.id });
    return meta;
  });

  // --- issue #13: the lockbox stays closed unless this run was asked to open it (ADR-032)
  const holdout = lockbox
    ? await holdoutStage({
      run,
      cfg,
      lockbox,
      open: options.openHoldout ?? false,
      ledgerPath: at(cfg.output.holdout_ledger),
      features: fullFeatures,
      columns: featureSet.columns,
      labels: computeLabels(fullDataset.table, cfg.label),
      rowLookback,
      model: evaluation.finalModel!,
      bars: barsFromDataset(fullDataset),
      intervalMs: fullDataset.intervalMs,
    })
    : undefined;
  // --- end issue #13

  await run.stage("artifacts", async () => {
    await writeJsonAtomic(join(run.dir, "backtest.json"), {
      strategy: cfg.name,
      model_id: model.id,
      timestamp: Array.from(result.timestamp),
      equity: Array.from(result.equity),
      position: Array.from(result.position),
      trades: result.trades,
      attribution: result.attribution,
      metrics: result.metrics,
      buy_and_hold: result.buyAndHold,
      flags: result.flags,
    });
  });

  if (options.persistState ?? true) {
    await run.stage("state", (log) => {
      const db = openStateDb(at(cfg.output.state), { busyTimeoutMs: 30_000 });
      try {
        const r = replay({ ...btInput, db, runId: run.id, strategy: cfg.name });
        log.info("state persisted", { bars: r.processed, done: r.done });
      } finally {
        closeStateDb(db);
      }
    });
  }

  return {
    runId: run.id,
    runDir: run.dir,
    config: cfg,
    dataset,
    featureSet,
    features,
    cacheHit: hit,
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

function _outputAt(options: ExperimentOptions, at: (p: string) => string): (p: string) => string {
  const out = options.outputRoot;
  return out === undefined ? at : (p) => (p.startsWith("/") ? p : join(out, p));
}

function _configPath(nameOrPath: string, at: (p: string) => string, dir: string): string {
  return /\.ya?ml$/.test(nameOrPath) ? at(nameOrPath) : at(`${dir}/${nameOrPath}.yaml`);
}

function _resolvePaths(cfg: ExperimentConfig, at: (p: string) => string): ExperimentConfig["data"] {
  const d = cfg.data;
  const paths: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.paths)) if (typeof v === "string") paths[k] = at(v);
  return { ...d, paths } as ExperimentConfig["data"];
}

// --- issue #11: row accounting
/** Auxiliary columns a perpetual dataset joins onto its candles (NaN where the joined series had no value). */
const _AUX_COLUMNS = ["mark_open", "mark_high", "mark_low", "mark_close", "spot_close"];
// (used only for a dataset without point-in-time join records; with them, `rowsWithoutAux` says which rows)

function _rowsRecord(
  dataset: Dataset,
  features: Float64Array[],
  y: Int32Array,
  kept: Int32Array,
  minRow: number,
  minKeptShare: number,
): RowsRecord {
  const names = new Set(dataset.table.columnNames());
  const missing = rowsWithoutAux(dataset);
  const aux = missing
    ? [Float64Array.from(missing, (m) => (m ? NaN : 0))]
    : _AUX_COLUMNS.filter((c) => names.has(c)).map((c) => float64Column(dataset.table, c));
  const a = accountRows({ features, y, kept, minRow, aux, auxLookback: minRow });
  // per-join counts of the point-in-time join (lib/data/point_in_time.ts), without per-row arrays
  const joins = dataset.joins?.map(joinSummary);
  return {
    total: a.total,
    kept: a.kept,
    eligible: a.eligible,
    kept_share: a.keptShare,
    min_kept_share: minKeptShare,
    dropped: { ...a.dropped },
    ...(joins !== undefined ? { joins } : {}),
  };
}

function _droppedText(rows: RowsRecord): string {
  const d = Object.entries(rows.dropped).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(", ");
  return `${rows.kept} of ${rows.total} rows kept (${rows.eligible ?? "?"} eligible); dropped: ${d}`;
}
// --- end issue #11 row accounting

/** issue #13: the first `n` rows of each column (views; the same object when nothing is cut). */
function _firstRows(cols: Record<string, Float64Array>, n: number): Record<string, Float64Array> {
  if (Object.values(cols).every((c) => c.length <= n)) return cols;
  return Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, c.subarray(0, n)]));
}

/** The last `rows` rows of a table (views), or the table itself when it is not longer. */
function _tail(table: ColumnTable, rows: number): ColumnTable {
  const n = table.numRows();
  return n <= rows ? table : sliceRows(table, n - rows);
}
