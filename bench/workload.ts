/**
 * The peer's research loop (../shared/peers/README.md), stage for stage, with Candlelab's parts:
 * load (native DuckDB) -> peer30 features -> the vol-scaled 3-class label -> 4 walk-forward folds with a
 * 15-row embargo and at most 200,000 strided training rows -> random forest (100 trees, depth 10) ->
 * the peer's simple backtest with 5 bps fees. Emits the peer's JSON lines.
 *
 * @module
 */
import { loadBars } from "../lib/data/mod.ts";
import type { ColumnTable } from "arquero";
import {
  computeFeatureColumns,
  type FeatureSet,
  featureSetLookback,
  loadFeatureSetSpec,
  resolveFeatureSet,
  type RowSelection,
} from "../lib/features/mod.ts";
import { computeLabels } from "../lib/labels/mod.ts";
import { createModel, type ModelConfigInput } from "../lib/models/mod.ts";
import type { FeatureMatrix } from "../lib/models/estimator.ts";
import { walkForward, walkForwardSplits } from "../lib/validation/mod.ts";
import { peerBacktest } from "./peer_backtest.ts";
import { float64Column } from "../lib/series/columns.ts";
import { modelRows } from "../lib/experiments/stages/rows.ts";

/** Workload constants of the peer. */
export const PEER = {
  horizon: 15,
  embargo: 15,
  folds: 4,
  maxTrain: 200_000,
  fee: 5e-4,
  probaMin: 0.5,
  warmup: 240,
  k: 0.5,
  volWindow: 60,
  intervalMs: 60_000,
} as const;

/** One emitted line. */
export type BenchLine = Record<string, unknown> & { stage: string };

/** Options of {@link runWorkload}. */
export interface WorkloadOptions {
  input: string;
  /** Model config; default the peer's forest: hist_random_forest, 100 trees, depth 10, seed 0. */
  model?: ModelConfigInput;
  engine?: "native" | "wasm";
  emit: (line: BenchLine) => void;
  /** Project root (for configs/features/peer30.yaml). */
  root?: string;
}

function _now(): number {
  return performance.now() / 1000;
}

/**
 * The "features" stage: every feature of `set` over the bars (minute bars), as `deno task experiment`
 * computes them (plain Float64Arrays; ADR-036).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolveFeatureSet } from "../lib/features/mod.ts";
 * import { featureStage } from "./workload.ts";
 * const close = new Float64Array(10).map((_, i) => 100 + i);
 * const t = aq.table({ timestamp: close.map((_, i) => i * 60_000), close });
 * const f = featureStage(t, resolveFeatureSet({ name: "s", features: [{ feature: "log_return" }] }));
 * assert.ok(f.ret_1[1] === Math.log(101 / 100));
 * ```
 */
export function featureStage(table: ColumnTable, set: FeatureSet): Record<string, Float64Array> {
  return computeFeatureColumns(table, set, { timing: { intervalMs: PEER.intervalMs } });
}

/** What {@link labelStage} returns: the model inputs and where their rows came from. */
export interface LabelStage {
  X: FeatureMatrix;
  y: Int32Array;
  /** The bar rows of X's rows (`rows.index`). */
  rows: RowSelection;
  /** Rows per class index (short, neutral, long). */
  classCounts: number[];
}

/**
 * The "labels" stage: the peer's label (vol-scaled, h = 15, k = 0.5, vol_60; the features `vol_60` and
 * `ret_15` are reused when the set has them, as the peer reuses its vol_60), the valid rows (after the
 * peer's warm-up, label defined, every feature finite) and the feature matrix over them (zero-copy views
 * when the rows are contiguous, as they are here). Rows are selected as the experiment pipeline selects
 * them (`modelRows`: `selectValidRows` over the features and the label, `takeRows` for the columns,
 * `gatherRows` for the targets), with the peer's warm-up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolveFeatureSet } from "../lib/features/mod.ts";
 * import { featureStage, labelStage } from "./workload.ts";
 * const close = new Float64Array(400).map((_, i) => 100 + Math.sin(i));
 * const t = aq.table({ timestamp: close.map((_, i) => i * 60_000), close });
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "volatility", params: { window: 60 } }] });
 * const s = labelStage(t, set, featureStage(t, set));
 * assert.equal(s.rows.index[0], 240);
 * assert.equal(s.rows.index.at(-1), 384);
 * assert.equal(s.X.nRows, 145);
 * assert.equal(s.y.length, 145);
 * ```
 */
export function labelStage(
  table: ColumnTable,
  set: FeatureSet,
  feats: Record<string, Float64Array>,
): LabelStage {
  const labels = computeLabels(
    table,
    { kind: "vol_scaled", horizon: PEER.horizon, k: PEER.k, volWindow: PEER.volWindow },
    { vol: feats[`vol_${PEER.volWindow}`], logReturn: feats[`ret_${PEER.horizon}`] },
  );
  // the pipeline's selection and gather (lib/experiments/stages/rows.ts, "labels" stage)
  const { sel: rows, X, y } = modelRows(set.columns, feats, labels.y, PEER.warmup);
  const classCounts = [0, 0, 0];
  for (let j = 0; j < y.length; j++) classCounts[y[j]]++;
  return { X, y, rows, classCounts };
}

/**
 * Runs the workload and emits one line per stage (`load`, `features`, `labels`, `fold` x 4, `walkforward`,
 * `backtest`, `backtest_metrics`, `total`), each `{stage, seconds, rows}` like the peer's.
 *
 * @example
 * ```ts ignore
 * import { runWorkload } from "./workload.ts";
 * await runWorkload({ input: "/tmp/ohlcv_1000000.parquet", emit: (l) => console.log(JSON.stringify(l)) });
 * ```
 */
export async function runWorkload(opts: WorkloadOptions): Promise<void> {
  const { emit } = opts;
  const root = opts.root ?? ".";
  const model: ModelConfigInput = opts.model ??
    { kind: "hist_random_forest", nTrees: 100, maxDepth: 10, seed: 0, nWorkers: 2 };
  const T0 = _now();

  let t = _now();
  const { table } = await loadBars(opts.input, { engine: opts.engine ?? "native" });
  const n = table.numRows();
  emit({ stage: "load", seconds: _now() - t, rows: n, engine: opts.engine ?? "native" });

  // Setup, like the peer's feature list in its code: read and resolve configs/features/peer30.yaml. Mostly
  // the cold YAML parser (~30-70 ms); reported as config_seconds on the features line, counted in total.
  t = _now();
  const set = resolveFeatureSet(await loadFeatureSetSpec(`${root}/configs/features/peer30.yaml`));
  const configSeconds = _now() - t;

  t = _now();
  const feats = featureStage(table, set);
  emit({
    stage: "features",
    seconds: _now() - t,
    rows: n,
    cols: set.columns.length,
    config_seconds: configSeconds,
  });

  t = _now();
  const { X, y, rows, classCounts: counts } = labelStage(table, set, feats);
  const count = rows.kept;
  emit({
    stage: "labels",
    seconds: _now() - t,
    rows: count,
    class_counts: { "-1": counts[0], "0": counts[1], "1": counts[2] },
    lookback_declared: featureSetLookback(set, { intervalMs: PEER.intervalMs }),
  });

  t = _now();
  const folds = walkForwardSplits({
    n: count,
    folds: PEER.folds,
    gap: { before: PEER.embargo, after: PEER.embargo },
    maxTrainRows: PEER.maxTrain,
  });
  const wf = await walkForward({ X, y, folds, makeModel: () => createModel(model) });
  for (const f of wf.folds) {
    emit({
      stage: "fold",
      fold: f.fold,
      train_rows: f.trainRows,
      train_rows_used: f.trainRowsUsed,
      stride: f.stride,
      test_rows: f.testEnd - f.testStart,
      fit_seconds: f.fitMs / 1000,
      predict_seconds: f.predictMs / 1000,
      accuracy: f.metrics.accuracy,
      macro_f1: f.metrics.macroF1,
      majority_baseline: f.metrics.majorityBaseline,
    });
  }
  emit({ stage: "walkforward", seconds: _now() - t, rows: count, model: model.kind });

  t = _now();
  const close = float64Column(table, "close");
  const barRows = new Int32Array(wf.rows.length);
  for (let k = 0; k < barRows.length; k++) barRows[k] = rows.index[wf.rows[k]];
  const bt = peerBacktest(close, barRows, wf.proba, { fee: PEER.fee, threshold: PEER.probaMin });
  emit({ stage: "backtest", seconds: _now() - t, rows: barRows.length });
  emit({
    stage: "backtest_metrics",
    total_return: bt.totalReturn,
    sharpe_annualised: bt.sharpe,
    max_drawdown: bt.maxDrawdown,
    trades: bt.trades,
    exposure: bt.exposure,
    buy_and_hold: bt.buyAndHold,
  });
  emit({ stage: "total", seconds: _now() - T0, rows: n });
}
