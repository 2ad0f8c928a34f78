/**
 * Recording observes the stages: each stage returns its result, and its recorder here fills run.json
 * (datasets, spec hashes, guard, rows, metrics, backtest, verdict, model id, lockbox, warnings) and logs
 * the stage's summary line, for `runExperiment` and `evaluateModel` alike. The stage functions never see
 * the run. A result that carries a `refusal` (a check that failed after finding something worth recording)
 * is recorded first, then thrown, so a failed run still shows what the stage found.
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import type { CacheEvent, FeatureSet } from "../../features/mod.ts";
import { metricsFromReport, type ModelMetadata } from "../../registry/mod.ts";
import type { ReplayResult } from "../../state/mod.ts";
import { hashId } from "../../util/hash.ts";
import type { ExperimentConfig } from "../config.ts";
import type { RunLogger } from "../logger.ts";
import type { Run } from "../recorder.ts";
import type { Verdict } from "../verdict.ts";
import type { ScoredRows } from "../evaluate_rows.ts";
import type { BacktestOutcome } from "./backtest.ts";
import type { FeaturesResult } from "./features.ts";
import type { CausalityResult, GuardSwitches, WarmupResult } from "./guard.ts";
import type { HoldoutOutcome } from "./holdout.ts";
import type { PointInTimeResult } from "./load.ts";
import type { QualityResult } from "./quality.ts";
import type { LabelledRows } from "./rows.ts";
import type { ValidationResult } from "./validation.ts";

/** The result of each timed stage, by its name in run.json `stages`. */
export interface StageResults {
  load: Dataset;
  point_in_time: PointInTimeResult;
  quality: QualityResult;
  features: FeaturesResult;
  causality: CausalityResult;
  warmup: WarmupResult;
  labels: LabelledRows;
  walkforward: ValidationResult;
  backtest: BacktestOutcome;
  verdict: Verdict;
  registry: ModelMetadata;
  holdout: HoldoutOutcome;
  artifacts: void;
  state: ReplayResult;
  /** `deno task evaluate`: a registered model scored on the rows of a period (no other stage runs). */
  evaluate: { modelId: string; scored: ScoredRows };
}

/** Results recorded between stages (not timed). */
export interface NoteResults {
  /** The dataset's source files (an `evaluate` run, which loads its data before the run starts). */
  datasets: Dataset;
  /** The feature set and label spec the run uses (their hashes). */
  specs: { set: FeatureSet; label: ExperimentConfig["label"] };
  /** Which leakage checks run. */
  guard: GuardSwitches;
}

type Recorder<T> = (run: Run, out: T, log: RunLogger) => void;

const _warn = (run: Run, warnings: readonly string[]) => warnings.forEach((w) => run.addWarning(w));
const _datasets = (run: Run, ds: Dataset) =>
  ds.sources.forEach((s) => run.addDataset({ path: s.path, sha256: s.sha256, kind: s.kind }));

const STAGE_RECORDERS: { [K in keyof StageResults]?: Recorder<StageResults[K]> } = {
  load: (run, ds, log) => {
    _datasets(run, ds);
    log.info("loaded", { rows: ds.table.numRows(), market: ds.market, interval: ds.interval });
  },
  point_in_time: (_run, r, log) => log.info("point in time", { checked: r.checked, joins: r.joins }),
  quality: (_run, r, log) => r.checked.forEach((c) => log.info("checked", { ...c })),
  causality: (_run, { report: r }, log) => {
    if (r) log.info("causality", { ok: r.ok, cuts: r.cuts, columns: r.columns });
  },
  warmup: (run, { report: r, warnings }, log) => {
    if (r) log.info("warmup", { ok: r.ok, starts: r.starts, tolerance: r.tolerance });
    _warn(run, warnings);
  },
  labels: (run, r, log) => {
    run.setRows(r.rows);
    log.info("rows", r.rows);
    if (r.summary) log.info("labels", r.summary);
  },
  walkforward: (run, { evaluation, folds, overall }, log) => {
    for (const f of folds) run.addFoldMetrics(f);
    run.setOverallMetrics(overall);
    log.info("walk-forward", { folds: evaluation.folds.length, macro_f1: evaluation.overall.macroF1 });
  },
  backtest: (run, { result, summary, warnings }, log) => {
    run.setBacktest(summary);
    log.info("backtest", { total_return: result.metrics.totalReturn, trades: result.metrics.nTrades });
    _warn(run, warnings);
  },
  verdict: (run, v, log) => {
    run.setVerdict(v);
    log.info("verdict", { text: v.text });
  },
  registry: (run, meta, log) => {
    run.setModelId(meta.id);
    log.info("registered", { id: meta.id });
  },
  holdout: (run, { warnings, record, result: h }, log) => {
    _warn(run, warnings);
    if (record) run.setHoldout(record);
    if (h && !h.scored) log.info("hold-out closed", { start: h.start, end: h.end, opens: h.opens });
    if (h?.scored) {
      const { rows, report } = h.scored;
      log.info("hold-out opened", {
        start: h.start,
        end: h.end,
        opens: h.opens,
        rows: rows.length,
        macro_f1: report.macroF1,
      });
    }
  },
  state: (_run, r, log) => log.info("state persisted", { bars: r.processed, done: r.done }),
  evaluate: (run, { modelId, scored }, log) => {
    log.info("evaluated", { model: modelId, rows: scored.rows.length, macro_f1: scored.report.macroF1 });
    run.setOverallMetrics(metricsFromReport(scored.report));
    run.setBacktest(scored.summary);
    run.setVerdict(scored.verdict);
  },
};

const NOTE_RECORDERS: { [K in keyof NoteResults]: (run: Run, out: NoteResults[K]) => void } = {
  datasets: _datasets,
  specs: (run, { set, label }) => {
    run.setFeatureSpecHash(hashId(set.spec));
    run.setLabelSpecHash(hashId(label));
  },
  guard: (run, { guard, warnings }) => {
    run.setGuard(guard);
    _warn(run, warnings);
  },
};

/** A run's stages with recording attached. */
export interface RecordedStages {
  /** Runs `work` as the timed stage `name` (`run.stage`), records its result, then throws its refusal. */
  stage<K extends keyof StageResults>(
    name: K,
    work: (log: RunLogger) => StageResults[K] | Promise<StageResults[K]>,
  ): Promise<StageResults[K]>;
  /** Records `out` now (outside a stage) and returns it. */
  note<K extends keyof NoteResults>(name: K, out: NoteResults[K]): NoteResults[K];
}

/**
 * Attaches the recorders to `run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { withRun } from "../recorder.ts";
 * import { silentProgress } from "../progress.ts";
 * import { recordStages } from "./record.ts";
 * const root = await Deno.makeTempDir();
 * const rec = await withRun({ root, strategy: "demo", config: {}, env: {}, progress: silentProgress }, async (run) => {
 *   const { stage } = recordStages(run);
 *   await stage("warmup", () => ({ warnings: ["the warm-up check had no start row"] }));
 *   return run.snapshot();
 * });
 * assert.deepEqual(rec.warnings, ["the warm-up check had no start row"]);
 * assert.equal(rec.stages[0].name, "warmup");
 * ```
 */
export function recordStages(run: Run): RecordedStages {
  return {
    stage: (name, work) =>
      run.stage(name, async (log) => {
        const out = await work(log);
        (STAGE_RECORDERS[name] as Recorder<typeof out> | undefined)?.(run, out, log);
        const refusal = (out as { refusal?: unknown } | undefined)?.refusal;
        if (refusal !== undefined) throw refusal;
        return out;
      }),
    note: (name, out) => {
      NOTE_RECORDERS[name](run, out);
      return out;
    },
  };
}

/** The feature cache's events (hit, miss, write) as log lines of the features stage, as they happen. */
export function cacheEvents(log: RunLogger): (e: CacheEvent) => void {
  return (e) => log.info(`cache ${e.event}`, { entry: e.key, path: e.path });
}
