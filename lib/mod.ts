/**
 * Candlelab for notebooks: the one import a notebook needs (`import { ... } from "../lib/mod.ts"`). It sits
 * above every stage folder; no file in lib/ imports it. Command-line tasks and the headless runner import
 * the stage folders directly, so nothing here is runner plumbing.
 *
 * The groups, in the order data flows:
 *
 * - **Load data**: {@link loadBars} (one Parquet file, optional quality report), {@link loadPerpetual}
 *   (candles + 8h funding + mark price, joined point in time), {@link loadDataset} (a strategy's `data:`).
 * - **Features**: {@link resolveFeatureSet} and {@link computeFeatureSet} (causal features, each with its
 *   lookback); the leakage guards {@link checkCausality} and {@link checkWarmup}; {@link sliceRows}.
 * - **Labels**: {@link computeLabels} (3-class targets: fixed, volatility-scaled, triple barrier).
 * - **Models**: {@link createModel} (histogram random forest, gradient-boosted trees, ml-random-forest).
 * - **Run an experiment**: {@link loadExperimentConfig} (a strategy YAML with `key=value` overrides) and
 *   {@link runExperiment} (features, labels, walk-forward training, registry, backtest, run.json).
 * - **Backtest**: {@link backtest} (next-bar fills, fees, slippage, perpetual funding).
 * - **Sweep**: {@link planSweep}, {@link runSweep}, {@link sweepReport} (PBO, deflated Sharpe, verdict).
 * - **Show**: {@link show} (awaited display of any chart, table or value) and {@link tableView}.
 * - **Charts**: {@link lineChart}, {@link candleChart}, {@link histogram}, {@link heatmap},
 *   {@link barChart}, {@link overlayChart} (Observable Plot, rendered to SVG).
 * - **Views**: {@link views}, the ready-made tables, charts and loaders of notebooks 01-07 (quality and
 *   gaps, feature summaries and guards, training and backtest tear sheets, run comparisons, sweep
 *   reports): `views.tearSheet(...)`, `views.compareAllRuns(...)`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { lineChart, tableView, views } from "./mod.ts";
 * const t = aq.table({ timestamp: [0, 3_600_000], close: [100, 101] });
 * assert.ok(lineChart(t, { y: "close", title: "close" }).svg.startsWith("<svg"));
 * assert.match(tableView(t).html, /1970-01-01 01:00/);
 * assert.equal(typeof views.tearSheet, "function");
 * ```
 *
 * @module
 */

// Load data
export { loadBars, loadDataset, loadPerpetual } from "./data/mod.ts";

// Features
export { checkCausality, checkWarmup, computeFeatureSet, resolveFeatureSet } from "./features/mod.ts";
export { sliceRows } from "./series/mod.ts";

// Labels
export { computeLabels } from "./labels/mod.ts";

// Models
export { createModel } from "./models/mod.ts";

// Run an experiment
export { type ExperimentConfig, loadExperimentConfig } from "./experiments/config.ts";
export { type ExperimentResult, runExperiment } from "./experiments/pipeline.ts";

// Backtest
export { backtest } from "./backtest/mod.ts";

// Sweep
export { planSweep, runSweep, type SweepReport, sweepReport } from "./sweeps/mod.ts";

// Show
export { show, type TableView, tableView } from "./notebooks/mod.ts";

// Charts
export {
  barChart,
  candleChart,
  type Chart,
  heatmap,
  histogram,
  lineChart,
  overlayChart,
} from "./plots/mod.ts";

// Views
export * as views from "./notebooks/mod.ts";
