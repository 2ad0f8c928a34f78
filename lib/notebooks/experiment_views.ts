/**
 * Views of a finished experiment for notebooks 03-06: fold metrics beside the majority baseline, class
 * balance, confusion and calibration, importance, backtest summaries, equity vs buy-and-hold, drawdown,
 * trades with their cost attribution, the latest run of a strategy on disk, and run comparisons.
 * Pure functions over results, except the two loaders ({@link loadLatestRun}, {@link compareAllRuns}).
 *
 * @module
 */
import { join } from "node:path";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { barChart, type Chart, heatmap } from "../plots/mod.ts";
import { CLASS_NAMES } from "../labels/classes.ts";
import type { ClassificationReport } from "../validation/metrics.ts";
import type { FoldResult } from "../validation/walk_forward.ts";
import type { Attribution, BacktestMetrics } from "../backtest/backtest.ts";
import type { CurveMetrics } from "../backtest/metrics.ts";
import type { Trade } from "../backtest/engine.ts";
import { listRuns } from "../experiments/list.ts";
import { compareRecords, type RunComparison } from "../experiments/compare.ts";
import type { RunRecord } from "../experiments/run_record.ts";
import { CandlelabError } from "../util/errors.ts";
import { float64Column } from "../series/columns.ts";
import { comparisonSharpeChart } from "./report_compare.ts";

/**
 * Count and share of each class (short, neutral, long) among labels `y` (negative = no label, skipped),
 * or among `y[index[i]]` when `index` is given (e.g. the modelled rows of an experiment).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { classBalanceTable } from "./experiment_views.ts";
 * const t = classBalanceTable(Int32Array.of(0, 1, 1, 2, -1));
 * assert(t.get("count", 1) === 2 && t.get("share", 1) === 0.5);
 * assert(classBalanceTable(Int32Array.of(0, 1, 2), Int32Array.of(2, 2)).get("count", 2) === 2);
 * ```
 */
export function classBalanceTable(y: ArrayLike<number>, index?: ArrayLike<number>): ColumnTable {
  const counts = new Float64Array(CLASS_NAMES.length);
  const n = index ? index.length : y.length;
  for (let j = 0; j < n; j++) {
    const v = y[index ? index[j] : j];
    if (v >= 0 && v < counts.length) counts[v]++;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return aq.table({
    class: [...CLASS_NAMES],
    count: counts,
    share: counts.map((c) => (total > 0 ? c / total : NaN)),
  });
}

/**
 * One row per fold, then an `all` row over every out-of-fold prediction: test rows, accuracy with the
 * majority-class baseline beside it, balanced accuracy, macro-F1 and log-loss.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { foldMetricsTable } from "./experiment_views.ts";
 * const m = { n: 10, accuracy: 0.5, majorityBaseline: 0.4, balancedAccuracy: 0.45, macroF1: 0.4, logLoss: 1.05 };
 * const t = foldMetricsTable([{ fold: 1, metrics: m }] as any, m as any);
 * assert(t.numRows() === 2 && t.get("fold", 1) === "all" && t.get("majority_baseline", 0) === 0.4);
 * ```
 */
export function foldMetricsTable(
  folds: readonly Pick<FoldResult, "fold" | "metrics">[],
  overall: ClassificationReport,
): ColumnTable {
  const rows = [...folds.map((f) => [String(f.fold), f.metrics] as const), ["all", overall] as const];
  const col = (fn: (m: ClassificationReport) => number) => Float64Array.from(rows, ([, m]) => fn(m));
  return aq.table({
    fold: rows.map(([f]) => f),
    test_rows: col((m) => m.n),
    accuracy: col((m) => m.accuracy),
    majority_baseline: col((m) => m.majorityBaseline),
    balanced_accuracy: col((m) => m.balancedAccuracy),
    macro_f1: col((m) => m.macroF1),
    log_loss: col((m) => m.logLoss),
  });
}

/**
 * The confusion matrix (rows: true class, columns: predicted class) as a heatmap.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { confusionChart } from "./experiment_views.ts";
 * const c = confusionChart({ confusion: [[5, 1, 0], [2, 9, 1], [0, 3, 4]] } as any, "Confusion");
 * assert(c.svg.startsWith("<svg") && c.svg.includes("neutral"));
 * ```
 */
export function confusionChart(report: Pick<ClassificationReport, "confusion">, title: string): Chart {
  return heatmap(report.confusion, {
    title,
    rowLabels: CLASS_NAMES.map((c) => `true ${c}`),
    colLabels: CLASS_NAMES.map((c) => `pred ${c}`),
    digits: 0,
  });
}

/**
 * Calibration bins of the max probability: range, rows, mean confidence and the share that was right
 * (empty bins dropped).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { calibrationView } from "./experiment_views.ts";
 * const t = calibrationView({ calibration: [
 *   { lo: 0.3, hi: 0.4, count: 0, meanConfidence: NaN, accuracy: NaN },
 *   { lo: 0.4, hi: 0.5, count: 10, meanConfidence: 0.45, accuracy: 0.5 },
 * ] } as any);
 * assert(t.numRows() === 1 && t.get("bin", 0) === "0.40-0.50");
 * ```
 */
export function calibrationView(report: Pick<ClassificationReport, "calibration">): ColumnTable {
  const bins = report.calibration.filter((b) => b.count > 0);
  return aq.table({
    bin: bins.map((b) => `${b.lo.toFixed(2)}-${b.hi.toFixed(2)}`),
    rows: Float64Array.from(bins, (b) => b.count),
    mean_confidence: Float64Array.from(bins, (b) => b.meanConfidence),
    accuracy: Float64Array.from(bins, (b) => b.accuracy),
    gap: Float64Array.from(bins, (b) => b.accuracy - b.meanConfidence),
  });
}

/**
 * Mean impurity importance of each feature over the folds' models.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { meanFoldImportance } from "./experiment_views.ts";
 * const m = meanFoldImportance([{ featureImportance: { a: 0.2, b: 0.8 } }, { featureImportance: { a: 0.4, b: 0.6 } }]);
 * assert(Math.abs(m.a - 0.3) < 1e-12);
 * ```
 */
export function meanFoldImportance(
  folds: readonly Pick<FoldResult, "featureImportance">[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of folds) {
    for (const [k, v] of Object.entries(f.featureImportance)) out[k] = (out[k] ?? 0) + v / folds.length;
  }
  return out;
}

/**
 * Bar chart of feature importances, largest first.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { importanceChart } from "./experiment_views.ts";
 * const c = importanceChart({ rsi_14: 0.2, ema_gap: 0.8 }, "Importance");
 * assert(c.svg.indexOf("ema_gap") < c.svg.indexOf("rsi_14"));
 * ```
 */
export function importanceChart(importance: Record<string, number>, title: string): Chart {
  const sorted = Object.entries(importance).sort((a, b) => b[1] - a[1]);
  return barChart(sorted.map(([k]) => k), sorted.map(([, v]) => v), {
    title,
    yLabel: "importance (sums to 1)",
  });
}

/** Backtest figures every summary needs (from a BacktestResult or a backtest.json). */
export interface BacktestLike {
  timestamp: ArrayLike<number>;
  equity: ArrayLike<number>;
  position: ArrayLike<number>;
  trades: Trade[];
  attribution: Attribution;
  metrics: BacktestMetrics;
  buyAndHold: CurveMetrics;
  flags: {
    missingFunding: { count: number };
    gaps: { count: number };
    markFallbacks: number;
    liquidations: number;
  };
}

/**
 * Strategy metrics with buy-and-hold beside them (same bars, no costs); trade statistics have no
 * buy-and-hold value (NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { backtestSummaryTable } from "./experiment_views.ts";
 * const c = { totalReturn: 0.1, cagr: 0.1, sharpe: 1, sortino: 1, maxDrawdown: -0.2, calmar: 0.5 };
 * const t = backtestSummaryTable({ ...c, hitRate: 0.5, turnover: 3, exposure: 0.4, avgTrade: 1, nTrades: 9 }, { ...c, totalReturn: 0.3 });
 * assert(t.get("metric", 0) === "total return" && t.get("buy_and_hold", 0) === 0.3);
 * ```
 */
export function backtestSummaryTable(metrics: BacktestMetrics, buyAndHold: CurveMetrics): ColumnTable {
  const rows: [string, number, number][] = [
    ["total return", metrics.totalReturn, buyAndHold.totalReturn],
    ["CAGR", metrics.cagr, buyAndHold.cagr],
    ["Sharpe (ann.)", metrics.sharpe, buyAndHold.sharpe],
    ["Sortino (ann.)", metrics.sortino, buyAndHold.sortino],
    ["max drawdown", metrics.maxDrawdown, buyAndHold.maxDrawdown],
    ["Calmar", metrics.calmar, buyAndHold.calmar],
    ["trades", metrics.nTrades, NaN],
    ["hit rate", metrics.hitRate, NaN],
    ["exposure", metrics.exposure, NaN],
    ["turnover", metrics.turnover, NaN],
    ["avg trade (quote)", metrics.avgTrade, NaN],
  ];
  return aq.table({
    metric: rows.map((r) => r[0]),
    strategy: Float64Array.from(rows, (r) => r[1]),
    buy_and_hold: Float64Array.from(rows, (r) => r[2]),
  });
}

/**
 * Funding of a perpetual backtest: received and paid (summed over trades), net (from the attribution),
 * and the data flags that matter for it (missing funding events, mark-price fallbacks, liquidations).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fundingTable } from "./experiment_views.ts";
 * const t = fundingTable({
 *   trades: [{ funding: 2 }, { funding: -5 }] as any, attribution: { funding: -3 } as any,
 *   flags: { missingFunding: { count: 1 }, gaps: { count: 0 }, markFallbacks: 0, liquidations: 0 },
 * });
 * assert(t.get("value", 0) === 2 && t.get("value", 1) === -5 && t.get("value", 3) === 1);
 * ```
 */
export function fundingTable(bt: Pick<BacktestLike, "trades" | "attribution" | "flags">): ColumnTable {
  let received = 0;
  let paid = 0;
  for (const t of bt.trades) {
    if (t.funding > 0) received += t.funding;
    else paid += t.funding;
  }
  return aq.table({
    item: [
      "funding received (quote)",
      "funding paid (quote)",
      "funding net (quote)",
      "missing funding events (flagged, not guessed)",
      "mark-price fallbacks",
      "liquidations",
    ],
    value: Float64Array.of(
      received,
      paid,
      bt.attribution.funding,
      bt.flags.missingFunding.count,
      bt.flags.markFallbacks,
      bt.flags.liquidations,
    ),
  });
}

/**
 * Strategy equity and buy-and-hold, both scaled to 1 at the first backtest bar. Closes are looked up by
 * timestamp in `bars` (a table with `timestamp` and `close`); a bar without a close is NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { equityVsHold } from "./experiment_views.ts";
 * const bars = aq.table({ timestamp: Float64Array.of(0, 1, 2), close: Float64Array.of(9, 10, 12) });
 * const t = equityVsHold({ timestamp: [1, 2], equity: [100, 110] }, bars);
 * assert(t.get("strategy", 1) === 1.1 && t.get("buy_and_hold", 1) === 1.2);
 * ```
 */
export function equityVsHold(
  bt: { timestamp: ArrayLike<number>; equity: ArrayLike<number> },
  bars: ColumnTable,
): ColumnTable {
  const barTs = float64Column(bars, "timestamp");
  const close = float64Column(bars, "close");
  const at = new Map<number, number>();
  for (let i = 0; i < barTs.length; i++) at.set(barTs[i], close[i]);
  const n = bt.timestamp.length;
  const ts = Float64Array.from(bt.timestamp);
  const strategy = new Float64Array(n);
  const hold = new Float64Array(n);
  const c0 = at.get(ts[0]) ?? NaN;
  for (let i = 0; i < n; i++) {
    strategy[i] = bt.equity[i] / bt.equity[0];
    hold[i] = (at.get(ts[i]) ?? NaN) / c0;
  }
  return aq.table({ timestamp: ts, strategy, buy_and_hold: hold });
}

/**
 * Drawdown of an equity curve: `equity / running peak - 1` (0 at a new high, negative below).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { drawdown } from "./experiment_views.ts";
 * const d = drawdown([100, 120, 90, 130]);
 * assert(d[2] === -0.25 && d[3] === 0);
 * ```
 */
export function drawdown(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]);
    out[i] = equity[i] / peak - 1;
  }
  return out;
}

/**
 * Trades with their per-trade attribution (price PnL, gap PnL, fees, slippage, funding, net), newest last.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tradesTable } from "./experiment_views.ts";
 * const t = tradesTable([{ side: 1, entryTime: 0, entryPrice: 10, exitTime: 3600000, exitPrice: 11, qty: 1,
 *   pricePnl: 1, gapPnl: 0, fees: 0.1, slippage: 0.05, funding: 0, net: 0.85, exitReason: "signal", open: false }]);
 * assert(t.get("side", 0) === "long" && t.get("net", 0) === 0.85);
 * ```
 */
export function tradesTable(trades: readonly Trade[]): ColumnTable {
  const num = (fn: (t: Trade) => number) => Float64Array.from(trades, fn);
  return aq.table({
    entry_time: num((t) => t.entryTime),
    exit_time: num((t) => t.exitTime),
    side: trades.map((t) => (t.side > 0 ? "long" : "short")),
    qty: num((t) => t.qty),
    entry_price: num((t) => t.entryPrice),
    exit_price: num((t) => t.exitPrice),
    price_pnl: num((t) => t.pricePnl),
    gap_pnl: num((t) => t.gapPnl),
    fees: num((t) => t.fees),
    slippage: num((t) => t.slippage),
    funding: num((t) => t.funding),
    net: num((t) => t.net),
    exit: trades.map((t) => (t.open ? "open (marked)" : t.exitReason)),
  });
}

/**
 * Cost attribution as bars: price and gap PnL, fees and slippage (as negatives), funding, and net.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { attributionChart } from "./experiment_views.ts";
 * const c = attributionChart({ pricePnl: 50, gapPnl: 0, fees: 20, slippage: 5, funding: -3, net: 22 }, "PnL");
 * assert(c.svg.includes("slippage") && c.svg.includes("-20"));
 * ```
 */
export function attributionChart(a: Attribution, title: string): Chart {
  return barChart(
    ["price PnL", "gap PnL", "fees", "slippage", "funding", "net"],
    [a.pricePnl, a.gapPnl, -a.fees, -a.slippage, a.funding, a.net],
    { title, yLabel: "quote currency" },
  );
}

/** The content of `experiments/runs/<id>/backtest.json`. */
export interface BacktestFile {
  strategy: string;
  model_id: string;
  timestamp: number[];
  equity: number[];
  position: number[];
  trades: Trade[];
  attribution: Attribution;
  metrics: BacktestMetrics;
  buy_and_hold: CurveMetrics;
  flags: BacktestLike["flags"];
}

/** A run read back from disk. */
export interface LoadedRun {
  record: RunRecord;
  backtest: BacktestLike;
  dir: string;
}

/**
 * The newest ok run of `strategy` under `root` that has a backtest.json, read back.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadLatestRun } from "./experiment_views.ts";
 * const err = await loadLatestRun(await Deno.makeTempDir(), "btc_x").catch((e) => e);
 * assert(err.message.includes("no ok run of btc_x"));
 * ```
 */
export async function loadLatestRun(root: string, strategy: string): Promise<LoadedRun> {
  const { runs } = await listRuns(root, { strategy });
  const ok = runs.filter((r) => r.status === "ok").sort((a, b) => a.started_at.localeCompare(b.started_at));
  for (const record of ok.reverse()) {
    const dir = join(root, record.run_id);
    let text: string;
    try {
      text = await Deno.readTextFile(join(dir, "backtest.json"));
    } catch {
      continue;
    }
    const f = JSON.parse(text) as BacktestFile;
    return {
      record,
      dir,
      backtest: { ...f, buyAndHold: f.buy_and_hold },
    };
  }
  throw new CandlelabError(
    `Cannot show the backtest of ${strategy}: no ok run of ${strategy} with a backtest.json under ${root} ` +
      `(${runs.length} run(s) of it found); run notebooks/03_train_spot.ipynb or 04_train_perpetual.ipynb, ` +
      `or deno task experiment, first`,
  );
}

/**
 * The candles file of a run's recorded config (`config.data.paths.candles`), resolved against `root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { runCandlesPath } from "./experiment_views.ts";
 * const r = { config: { data: { paths: { candles: "data/raw/x.parquet" } } } } as any;
 * assert(runCandlesPath(r, "..") === "../data/raw/x.parquet");
 * ```
 */
export function runCandlesPath(record: Pick<RunRecord, "config" | "run_id">, root: string): string {
  const p = (record.config as { data?: { paths?: { candles?: unknown } } })?.data?.paths?.candles;
  if (typeof p !== "string") {
    throw new CandlelabError(
      `Cannot find the candles of run ${record.run_id}: its config has no data.paths.candles ` +
        `(value ${JSON.stringify(p)}); re-run the experiment with a current config`,
    );
  }
  return p.startsWith("/") ? p : join(root, p);
}

/** The tables of notebook 06. */
export interface ComparisonViews {
  runs: ColumnTable;
  deflated: ColumnTable;
  trials: ColumnTable;
  configDifferences: ColumnTable;
  /** Metric name, then one column per run. */
  metrics: ColumnTable;
}

/**
 * Tables of a run comparison: one row per run, raw and deflated Sharpe, trials per strategy, config
 * keys that differ and metrics side by side (one column per run).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareRecords } from "../experiments/compare.ts";
 * import { comparisonViews } from "./experiment_views.ts";
 * const v = comparisonViews(compareRecords([], []));
 * assert(v.runs.numRows() === 0 && v.configDifferences.columnNames()[0] === "key");
 * ```
 */
export function comparisonViews(c: RunComparison): ComparisonViews {
  const num = (xs: (number | null)[]) => Float64Array.from(xs, (v) => v ?? NaN);
  const runs = aq.table({
    run_id: c.runs.map((r) => r.run_id),
    strategy: c.runs.map((r) => r.strategy),
    started: c.runs.map((r) => r.started_at.replace("T", " ").slice(0, 19)),
    macro_f1: num(c.runs.map((r) => r.macro_f1)),
    total_return: num(c.runs.map((r) => r.total_return)),
    sharpe_ann: num(c.runs.map((r) => r.sharpe_annualised)),
    model_id: c.runs.map((r) => r.model_id ?? ""),
  });
  const deflated = aq.table({
    run_id: c.deflated.map((d) => d.run_id),
    sharpe_ann: num(c.deflated.map((d) => d.sharpe_annualised)),
    trials: Float64Array.from(c.deflated, (d) => d.n_trials),
    sr0_ann: num(c.deflated.map((d) => d.sr0_annualised)),
    deflated_sharpe: num(c.deflated.map((d) => d.dsr)),
    note: c.deflated.map((d) => d.reason ?? ""),
  });
  const trials = aq.table({
    strategy: c.trials.map((t) => t.strategy),
    trials: Float64Array.from(c.trials, (t) => t.n_trials),
    sharpe_variance: Float64Array.from(c.trials, (t) => t.sharpe_variance),
  });
  const cols: Record<string, unknown[]> = { key: c.config_differences.map((d) => d.key) };
  c.runs.forEach((r, i) => {
    cols[r.run_id] = c.config_differences.map((d) => _short(d.values[i]));
  });
  const metrics: Record<string, unknown[] | Float64Array> = { metric: c.metrics.map((m) => m.name) };
  c.runs.forEach((r, i) => {
    metrics[r.run_id] = Float64Array.from(c.metrics, (m) => m.values[i] ?? NaN);
  });
  return { runs, deflated, trials, configDifferences: aq.table(cols), metrics: aq.table(metrics) };
}

function _short(v: unknown): string {
  if (v === undefined) return "(absent)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 48 ? s.slice(0, 45) + "..." : s;
}

/**
 * Each run's annualised Sharpe against the Sharpe its strategy's trials would reach by luck, with the
 * deflated Sharpe and trials beside it (see {@link comparisonSharpeChart}); not a bar per deflated
 * Sharpe, which made a single-trial losing run the tallest bar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deflatedSharpeChart } from "./experiment_views.ts";
 * const c = deflatedSharpeChart({ deflated: [{ run_id: "20261124T102328Z-cda244af-vonq7n", dsr: 0.4, n_trials: 1,
 *   sharpe_annualised: -0.5, sr0_annualised: 0, sharpe: 0, sr0: 0, reason: null, p_value: 0.6, economic_skill: false,
 *   rank: null }] });
 * assert.ok(c.svg.includes("11-24 10:23 vonq7n") && c.svg.includes("DSR 0.40"));
 * ```
 */
export function deflatedSharpeChart(
  c: Pick<RunComparison, "deflated">,
  records: readonly Pick<RunRecord, "run_id">[] = [],
): Chart {
  return comparisonSharpeChart(c, records);
}

/** What {@link compareAllRuns} returns. */
export interface AllRunsComparison {
  /** The newest ok runs of every strategy together. */
  comparison: RunComparison;
  /** The newest ok runs of each strategy (config differences only make sense within one strategy). */
  byStrategy: Record<string, RunComparison>;
  /** Run folders without a readable run.json (e.g. notebook runs). */
  skipped: number;
  /** Readable runs (any status). */
  total: number;
}

/**
 * Compares the newest `maxRuns` ok runs under `root` (oldest first), all together and per strategy;
 * the deflated Sharpe counts every ok run of a strategy as a trial.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareAllRuns } from "./experiment_views.ts";
 * const r = await compareAllRuns(await Deno.makeTempDir());
 * assert(r.comparison.runs.length === 0 && r.skipped === 0);
 * ```
 */
export async function compareAllRuns(root: string, maxRuns = 12): Promise<AllRunsComparison> {
  const { runs, problems } = await listRuns(root);
  const ok = runs.filter((r) => r.status === "ok").sort((a, b) => a.started_at.localeCompare(b.started_at));
  const byStrategy: Record<string, RunComparison> = {};
  for (const s of [...new Set(ok.map((r) => r.strategy))].sort()) {
    byStrategy[s] = compareRecords(ok.filter((r) => r.strategy === s).slice(-maxRuns), runs);
  }
  return {
    comparison: compareRecords(ok.slice(-maxRuns), runs),
    byStrategy,
    skipped: problems.length,
    total: runs.length,
  };
}
