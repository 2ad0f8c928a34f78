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
import type { Dataset } from "../data/dataset.ts";
import { parseTime } from "../data/interval.ts";
import { float64Column } from "../series/columns.ts";
import { computeLabels } from "../labels/mod.ts";
import { loadModel } from "../models/mod.ts";
import { loadRegisteredModel, type ModelMetadata } from "../registry/mod.ts";
import { barsFromDataset } from "../backtest/mod.ts";
import { checkPaths } from "../config/paths.ts";
import { CandlelabError } from "../util/errors.ts";
import { hashId } from "../util/hash.ts";
import type { ExperimentConfig } from "./config.ts";
import { withRun } from "./recorder.ts";
import type { Progress } from "./progress.ts";
import { type ScoredRows, scoreRows } from "./evaluate_rows.ts";
import { holdoutText, lockboxPeriod } from "./holdout.ts";
import { holdoutOpenings, recordHoldoutOpening } from "./holdout_ledger.ts";
import { strategyKey } from "./strategy_identity.ts";
import { runPaths } from "./stages/paths.ts";
import { recordStages } from "./stages/record.ts";
import { loadStage, pointInTimeStage } from "./stages/load.ts";
import { qualityStage } from "./stages/quality.ts";
import { featuresStage, loadFeatureSet } from "./stages/features.ts";
import { lookbacks, modelRows } from "./stages/rows.ts";
import { artifactsStage } from "./stages/artifacts.ts";

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
  const cfgName = options.configFile ?? `the config of ${config.name}`;
  checkPaths(config, { projectRoot: root, file: cfgName });
  const paths = runPaths(config, root);
  const id = options.modelId;

  // the model, and the exact feature set and label it was trained with
  const { metadata, model: json } = await loadRegisteredModel(paths.registry, id);
  const featureSet = await loadFeatureSet(paths.featureFile);
  _sameFeatures(metadata, featureSet, paths.featureFile);
  _sameLabel(metadata, config, cfgName);
  const model = loadModel(json);

  // the new data, through the experiment's stages (before the run starts: a refusal writes no run folder):
  // loaded, quality-gated, point-in-time, features rebuilt (cached), labels
  const dataset = await loadStage(paths.data);
  const { failed } = await qualityStage(config, paths.data, dataset.sources);
  if (failed) {
    throw new CandlelabError(
      `Cannot evaluate model ${id}: quality gate failed for ${failed.file}: ${
        [...failed.problems, ...failed.hard].join("; ")
      }; fix or re-import the file`,
    );
  }
  pointInTimeStage(dataset); // every joined column known by each row's close (ADR-027)
  if (dataset.interval !== metadata.interval) {
    throw new CandlelabError(
      `Cannot evaluate model ${id}: it was trained on ${metadata.interval} bars but ` +
        `${paths.data.paths.candles} has ${dataset.interval} bars; resample the data to ${metadata.interval} ` +
        `or train a ${dataset.interval} model`,
    );
  }
  const { features } = await featuresStage(featureSet, dataset, dataset, { dir: paths.cache });
  const labels = computeLabels(dataset.table, config.label);
  const { rowLookback } = lookbacks(featureSet, dataset.intervalMs, config.label);
  const ts = float64Column(dataset.table, "timestamp");
  const from = options.start === undefined ? 0 : _lowerBound(ts, parseTime(options.start));
  const to = options.end === undefined ? ts.length : _lowerBound(ts, parseTime(options.end));

  // rows whose label windows meet the training rows' (± the label horizon) were seen in training
  const h = labels.horizon * dataset.intervalMs;
  const lo = metadata.training.start - h, hi = metadata.training.end + h;
  const strategy = strategyKey(config, dataset.asset);
  const { sel } = modelRows(featureSet.columns, features, labels.y, Math.max(from, rowLookback), to);
  const overlap = _overlap(ts, sel.index, lo, hi);
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
  const ledgerPath = paths.ledger;
  const periods = holdoutOpenings(ledgerPath, strategy).map((
    o,
  ) => [Date.parse(o.holdout_start), Date.parse(o.holdout_end)]);
  if (config.holdout) {
    const lb = lockboxPeriod(config.holdout, ts, dataset.intervalMs);
    periods.push([lb.startMs, Math.max(lb.endMs, lb.startMs + 1)]);
  }

  return await withRun({
    root: paths.runs,
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
    const { stage, note } = recordStages(run);
    note("datasets", dataset);
    run.setModelId(id);
    note("specs", { set: featureSet, label: config.label });
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
    const { scored } = await stage("evaluate", () => ({
      modelId: id,
      scored: scoreRows({
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
      }),
    }));
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
    await stage("artifacts", () => artifactsStage(run.dir, strategy, id, scored.backtest, scored.rows));
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

/** How many of the rows to score (bar indices `index`) fall in the training range `[lo, hi]`. */
function _overlap(ts: Float64Array, index: Int32Array, lo: number, hi: number) {
  let rows = 0, first = NaN, last = NaN;
  for (const i of index) {
    if (ts[i] >= lo && ts[i] <= hi) {
      rows++;
      if (Number.isNaN(first)) first = ts[i];
      last = ts[i];
    }
  }
  const n = index.length;
  const firstScored = n > 0 ? ts[index[0]] : undefined, lastScored = n > 0 ? ts[index[n - 1]] : undefined;
  return { rows, total: n, first, last, firstScored, lastScored };
}
