/**
 * The peer's research loop (../shared/peers/README.md), stage for stage, with Candlelab's parts:
 * load (native DuckDB) -> peer30 features -> the vol-scaled 3-class label -> 4 walk-forward folds with a
 * 15-row embargo and at most 200,000 strided training rows -> random forest (100 trees, depth 10) ->
 * the peer's simple backtest with 5 bps fees. Emits the peer's JSON lines.
 *
 * @module
 */
import { loadBars } from "../lib/data/mod.ts";
import {
  computeFeatureColumns,
  featureSetLookback,
  hugePageAllocator,
  loadFeatureSetSpec,
  resolveFeatureSet,
  takeRows,
} from "../lib/features/mod.ts";
import { computeLabels } from "../lib/labels/mod.ts";
import { createModel, type ModelConfigInput } from "../lib/models/mod.ts";
import type { FeatureMatrix } from "../lib/models/estimator.ts";
import { walkForward, walkForwardSplits } from "../lib/validation/mod.ts";
import { peerBacktest } from "../lib/backtest/mod.ts";
import { float64Column } from "../lib/features/columns.ts";

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

  t = _now();
  const set = resolveFeatureSet(await loadFeatureSetSpec(`${root}/configs/features/peer30.yaml`));
  const timing = { intervalMs: 60_000 };
  // large outputs on huge pages, as `deno task features` does (first touch of fresh memory is slow here)
  const allocator = hugePageAllocator();
  const feats = computeFeatureColumns(table, set, { timing, alloc: allocator?.alloc });
  emit({ stage: "features", seconds: _now() - t, rows: n, cols: set.columns.length });

  t = _now();
  const labels = computeLabels(table, {
    kind: "vol_scaled",
    horizon: PEER.horizon,
    k: PEER.k,
    volWindow: 60,
  });
  const cols = set.columns.map((c) => feats[c]);
  // valid: after the peer's warm-up, label defined, every feature finite
  let count = 0;
  const keep = new Uint8Array(n);
  for (let i = PEER.warmup; i < n; i++) {
    if (labels.y[i] < 0) continue;
    let ok = 1;
    for (const c of cols) {
      const v = c[i];
      if (v - v !== 0) {
        ok = 0;
        break;
      }
    }
    keep[i] = ok;
    count += ok;
  }
  const idx = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (keep[i]) idx[k++] = i;
  // zero-copy views when the kept rows are contiguous (they are: warm-up at the start, label end at the end)
  const X: FeatureMatrix = { names: set.columns, columns: cols.map((c) => takeRows(c, idx)), nRows: count };
  const y = new Int32Array(count);
  for (let j = 0; j < count; j++) y[j] = labels.y[idx[j]];
  const counts = [0, 0, 0];
  for (const v of y) counts[v]++;
  emit({
    stage: "labels",
    seconds: _now() - t,
    rows: count,
    class_counts: { "-1": counts[0], "0": counts[1], "1": counts[2] },
    lookback_declared: featureSetLookback(set, timing),
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
  const barRows = Int32Array.from(wf.rows, (r) => idx[r]);
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
  allocator?.close();
}
