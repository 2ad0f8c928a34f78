/**
 * Applying a registered model to new data (`deno task evaluate`, or `evaluateModel` in a notebook): load the
 * model, rebuild exactly the feature set and label it was trained with (refusing, with both definitions,
 * when the config's differ), load and check the new data, refuse rows whose label windows meet the model's
 * training range unless asked (saying how many), predict, score, backtest with the config's policy, risk,
 * costs and market, and write a run whose run.json links the model id, its training datasets and the new
 * datasets. Scoring rows of a strategy's lockbox is an opening of it and goes into the ledger first.
 *
 * @module
 */
import { join } from "node:path";
import { checkFile, loadDataset } from "../data/mod.ts";
import type { Dataset } from "../data/dataset.ts";
import { fileOverrides } from "../data/config.ts";
import { parseTime } from "../data/interval.ts";
import { assertPointInTime } from "../data/point_in_time.ts";
import {
  cachedFeatureColumns,
  featureSetLookback,
  loadFeatureSetSpec,
  resolveFeatureSet,
} from "../features/mod.ts";
import { float64Column } from "../series/columns.ts";
import { computeLabels } from "../labels/mod.ts";
import { loadModel } from "../models/mod.ts";
import { loadRegisteredModel, metricsFromReport, type ModelMetadata } from "../registry/mod.ts";
import { barsFromDataset } from "../backtest/mod.ts";
import { checkPaths } from "../config/paths.ts";
import { CandlelabError } from "../util/errors.ts";
import { hashId } from "../util/hash.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import type { ExperimentConfig } from "./config.ts";
import { withRun } from "./recorder.ts";
import type { Progress } from "./progress.ts";
import { type ScoredRows, scoreRows } from "./evaluate_rows.ts";
import { holdoutText, lockboxPeriod } from "./holdout.ts";
import { holdoutOpenings, recordHoldoutOpening } from "./holdout_ledger.ts";
import { strategyKey } from "./strategy_identity.ts";

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /** Registry id of the model (16 hex digits). */
  modelId: string;
  /** Folder the config's relative paths are resolved against (default "."). */
  projectRoot?: string;
  /** Config file named in errors. */
  configFile?: string;
  /** Score rows whose label windows meet the model's training range (default false: refuse). */
  allowOverlap?: boolean;
  /** Score only rows from this time (ISO, inclusive); earlier bars only warm the features up. */
  start?: string;
  /** Score only rows before this time (ISO, exclusive). */
  end?: string;
  progress?: Progress;
}

/** What {@link evaluateModel} returns. */
export interface EvaluateResult {
  runId: string;
  runDir: string;
  model: ModelMetadata;
  dataset: Dataset;
  scored: ScoredRows;
  /** Scored rows whose label windows meet the training range (0 unless `allowOverlap`). */
  overlapRows: number;
  /** Openings of the strategy's lockbox after this run, when it scored lockbox rows. */
  holdoutOpens?: number;
  strategy: string;
}

/**
 * Evaluates registered model `options.modelId` on the data `config` describes (see the module doc).
 *
 * @example
 * ```ts ignore
 * import { loadExperimentConfig } from "./config.ts";
 * import { evaluateModel } from "./evaluate.ts";
 * const cfg = await loadExperimentConfig("configs/strategies/btc_spot_ema_cross_rsi.yaml");
 * const r = await evaluateModel(cfg, { modelId: "38a77f1326a8880e", start: "2024-01-01" });
 * console.log(r.scored.report.macroF1, r.scored.backtest.metrics.totalReturn);
 * ```
 */
export async function evaluateModel(
  config: ExperimentConfig,
  options: EvaluateOptions,
): Promise<EvaluateResult> {
  const root = options.projectRoot ?? ".";
  const at = (p: string) => (p.startsWith("/") ? p : join(root, p));
  const cfgName = options.configFile ?? `the config of ${config.name}`;
  checkPaths(config, { projectRoot: root, file: cfgName });
  const id = options.modelId;

  // the model, and the exact feature set and label it was trained with
  const { metadata, model: json } = await loadRegisteredModel(at(config.output.registry), id);
  const featureFile = /\.ya?ml$/.test(config.features)
    ? at(config.features)
    : at(`configs/features/${config.features}.yaml`);
  const featureSet = resolveFeatureSet(await loadFeatureSetSpec(featureFile));
  _sameFeatures(metadata, featureSet, featureFile);
  _sameLabel(metadata, config, cfgName);
  const model = loadModel(json);

  // the new data: loaded, quality-gated, features rebuilt (cached), labels
  const data = {
    ...config.data,
    paths: Object.fromEntries(Object.entries(config.data.paths).map(([k, v]) => [k, at(v as string)])),
  } as ExperimentConfig["data"];
  const dataset = await loadDataset(data);
  for (const s of dataset.sources) {
    const r = await checkFile(s.path, { overrides: fileOverrides(data, s.path, s.kind ?? "ohlcv") });
    const hard = r.current.quality.findings.filter((f) => f.severity === "hard");
    if ((r.hashMatches === false && config.guard.requireMetadataMatch) || hard.length > 0) {
      throw new CandlelabError(
        `Cannot evaluate model ${id}: quality gate failed for ${s.path}: ${
          [...r.problems, ...hard.map((f) => f.message)].join("; ")
        }; fix or re-import the file`,
      );
    }
  }
  assertPointInTime(dataset); // every joined column known by each row's close (ADR-027)
  if (dataset.interval !== metadata.interval) {
    throw new CandlelabError(
      `Cannot evaluate model ${id}: it was trained on ${metadata.interval} bars but ${data.paths.candles} has ` +
        `${dataset.interval} bars; resample the data to ${metadata.interval} or train a ${dataset.interval} model`,
    );
  }
  const timing = { intervalMs: dataset.intervalMs };
  const { columns: features } = await cachedFeatureColumns({
    table: dataset.table,
    datasetHashes: dataset.sources.map((s) => s.sha256),
    set: featureSet,
    dir: at(config.output.cache),
    timing,
  });
  const labels = computeLabels(dataset.table, config.label);
  const lookback = featureSetLookback(featureSet, timing);
  const rowLookback = Math.max(lookback, "volWindow" in config.label ? config.label.volWindow : 0);
  const ts = float64Column(dataset.table, "timestamp");
  const from = options.start === undefined ? 0 : _lowerBound(ts, parseTime(options.start));
  const to = options.end === undefined ? ts.length : _lowerBound(ts, parseTime(options.end));

  // rows whose label windows meet the training rows' (± the label horizon) were seen in training
  const h = labels.horizon * dataset.intervalMs;
  const lo = metadata.training.start - h, hi = metadata.training.end + h;
  const strategy = strategyKey(config, dataset.asset);
  const overlap = _overlap(ts, features, featureSet.columns, labels.y, rowLookback, from, to, lo, hi);
  if (overlap.rows > 0 && !options.allowOverlap) {
    throw new CandlelabError(
      `Cannot evaluate model ${id}: ${overlap.rows} of the ${overlap.total} rows to score (${
        _day(overlap.first)
      } .. ` +
        `${_day(overlap.last)}) overlap its training range ${_day(metadata.training.start)} .. ` +
        `${_day(metadata.training.end)} (label windows of ${labels.horizon} bars); score later data with ` +
        `--start ${
          new Date(hi + dataset.intervalMs).toISOString()
        }, or pass --allow-overlap to score them anyway (optimistic figures)`,
    );
  }

  // scoring rows of a lockbox (the config's, or one this strategy's ledger knows) is an opening of it
  const ledgerPath = at(config.output.holdout_ledger);
  const periods = holdoutOpenings(ledgerPath, strategy).map((
    o,
  ) => [Date.parse(o.holdout_start), Date.parse(o.holdout_end)]);
  if (config.holdout) {
    const lb = lockboxPeriod(config.holdout, ts, dataset.intervalMs);
    periods.push([lb.startMs, Math.max(lb.endMs, lb.startMs + 1)]);
  }

  return await withRun({
    root: at(config.output.runs),
    strategy,
    config: {
      ...config,
      evaluate: {
        model_id: id,
        start: options.start ?? null,
        end: options.end ?? null,
        allow_overlap: options.allowOverlap ?? false,
      },
    },
    seed: config.seed,
    projectRoot: root,
    progress: options.progress,
  }, async (run) => {
    for (const s of dataset.sources) run.addDataset({ path: s.path, sha256: s.sha256, kind: s.kind });
    run.setModelId(id);
    run.setFeatureSpecHash(hashId(featureSet.spec));
    run.setLabelSpecHash(hashId(config.label));
    if (overlap.rows > 0) {
      run.addWarning(
        `${overlap.rows} of ${overlap.total} scored rows overlap the model's training range (--allow-overlap): the figures are optimistic`,
      );
    }
    if (metadata.market !== dataset.market) {
      run.addWarning(
        `model ${id} was trained on ${metadata.market} data, evaluated on ${dataset.market} data`,
      );
    }
    const inLockbox = periods.find(([s, e]) =>
      overlap.firstScored !== undefined && overlap.lastScored! >= s && overlap.firstScored < e
    );
    let holdoutOpens: number | undefined;
    if (inLockbox) {
      const [s, e] = inLockbox;
      holdoutOpens = recordHoldoutOpening(ledgerPath, {
        strategy,
        run_id: run.id,
        kind: "evaluate",
        opened_at: new Date().toISOString(),
        holdout_start: new Date(s).toISOString(),
        holdout_end: new Date(e).toISOString(),
        config_hash: run.snapshot().config_hash,
      });
    }
    const scored = await run.stage("evaluate", (log) => {
      const r = scoreRows({
        features,
        columns: featureSet.columns,
        labels,
        rowLookback,
        from,
        to,
        model,
        bars: barsFromDataset(dataset),
        intervalMs: dataset.intervalMs,
        trading: config,
        seed: config.seed,
      });
      log.info("evaluated", { model: id, rows: r.rows.length, macro_f1: r.report.macroF1 });
      return r;
    });
    run.setOverallMetrics(metricsFromReport(scored.report));
    run.setBacktest(scored.summary);
    run.setVerdict(scored.verdict);
    run.setEvaluation({
      model_id: id,
      model_strategy: metadata.strategy,
      training_datasets: metadata.datasets.map((d) => ({ path: d.path, sha256: d.sha256, kind: d.kind })),
      training_start: new Date(metadata.training.start).toISOString(),
      training_end: new Date(metadata.training.end).toISOString(),
      start: new Date(ts[scored.rows[0]]).toISOString(),
      end: new Date(ts[scored.rows[scored.rows.length - 1]]).toISOString(),
      rows: scored.rows.length,
      overlap_rows: overlap.rows,
      allow_overlap: options.allowOverlap ?? false,
    });
    if (inLockbox && holdoutOpens !== undefined) {
      const start = new Date(inLockbox[0]).toISOString(), end = new Date(inLockbox[1]).toISOString();
      run.setHoldout({
        start,
        end,
        opened: true,
        opens: holdoutOpens,
        text: holdoutText(start, end, true, holdoutOpens),
        rows: scored.rows.length,
      });
    }
    await run.stage("artifacts", async () => {
      await writeJsonAtomic(join(run.dir, "backtest.json"), {
        strategy,
        model_id: id,
        rows: Array.from(scored.rows),
        timestamp: Array.from(scored.backtest.timestamp),
        equity: Array.from(scored.backtest.equity),
        position: Array.from(scored.backtest.position),
        trades: scored.backtest.trades,
        attribution: scored.backtest.attribution,
        metrics: scored.backtest.metrics,
        buy_and_hold: scored.backtest.buyAndHold,
        flags: scored.backtest.flags,
      });
    });
    return {
      runId: run.id,
      runDir: run.dir,
      model: metadata,
      dataset,
      scored,
      overlapRows: overlap.rows,
      holdoutOpens,
      strategy,
    };
  });
}

function _sameFeatures(
  meta: ModelMetadata,
  set: { name: string; spec: unknown; columns: string[] },
  file: string,
): void {
  const hash = hashId(set.spec);
  const names = meta.features.names;
  const sameNames = names === undefined || names.join("\n") === set.columns.join("\n");
  if (hash === meta.features.hash && sameNames) return;
  const onlyModel = (names ?? []).filter((n) => !set.columns.includes(n));
  const onlyConfig = set.columns.filter((n) => !(names ?? []).includes(n));
  throw new CandlelabError(
    `Cannot evaluate model ${meta.id}: the config's feature set differs from the one the model was trained with.\n` +
      `  model:  set ${meta.features.set}, hash ${meta.features.hash}, lookback ${
        meta.features.lookback ?? "?"
      }, ` +
      `columns [${(names ?? []).join(", ")}]\n` +
      `  config: set ${set.name} (${file}), hash ${hash}, columns [${set.columns.join(", ")}]\n` +
      `          definition ${JSON.stringify(set.spec)}\n` +
      (onlyModel.length + onlyConfig.length > 0
        ? `  only in the model: [${onlyModel.join(", ")}]; only in the config: [${onlyConfig.join(", ")}]\n`
        : `  same columns, different parameters (hash)\n`) +
      `Restore the feature set the model was trained with (git log ${file}), or train a new model`,
  );
}

function _sameLabel(meta: ModelMetadata, cfg: ExperimentConfig, file: string): void {
  if (hashId(meta.label) === hashId(cfg.label)) return;
  throw new CandlelabError(
    `Cannot evaluate model ${meta.id}: the label of ${file} differs from the one the model was trained with.\n` +
      `  model:  ${JSON.stringify(meta.label)}\n  config: ${JSON.stringify(cfg.label)}\n` +
      `Set the config's label to the model's (e.g. --set label.horizon=${meta.label.horizon})`,
  );
}

function _lowerBound(ts: Float64Array, t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function _day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** Rows that will be scored (valid features and label in [from, to)) and how many fall in [lo, hi]. */
function _overlap(
  ts: Float64Array,
  features: Record<string, Float64Array>,
  columns: readonly string[],
  y: ArrayLike<number>,
  minRow: number,
  from: number,
  to: number,
  lo: number,
  hi: number,
) {
  const cols = columns.map((c) => features[c]);
  let rows = 0, total = 0, first = NaN, last = NaN;
  let firstScored: number | undefined, lastScored: number | undefined;
  for (let i = Math.max(from, minRow); i < to; i++) {
    if (y[i] < 0 || cols.some((c) => c[i] - c[i] !== 0)) continue;
    total++;
    firstScored ??= ts[i];
    lastScored = ts[i];
    if (ts[i] >= lo && ts[i] <= hi) {
      rows++;
      if (Number.isNaN(first)) first = ts[i];
      last = ts[i];
    }
  }
  return { rows, total, first, last, firstScored, lastScored };
}
