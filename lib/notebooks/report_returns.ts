/**
 * Tear-sheet views of a backtest (the quantstats / vectorbt set): growth and drawdown against
 * buy-and-hold, monthly returns heatmap, rolling Sharpe and volatility, the distribution of daily
 * returns, and the trade list with durations and returns in %. Pure functions of the equity curve,
 * the bars' closes and the trades.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { type Chart, heatmap, histogram, overlayChart } from "../plots/mod.ts";
import type { Trade } from "../backtest/engine.ts";
import type { CurveMetrics } from "../backtest/metrics.ts";
import { type TableView, tableView } from "./table_view.ts";
import { fmtPct, fmtSignedPct } from "./report_format.ts";
import { CandlelabError } from "../util/errors.ts";

/** A backtest curve: bar timestamps (UTC ms) and equity at each bar's close. */
export interface EquityCurve {
  timestamp: ArrayLike<number>;
  equity: ArrayLike<number>;
}

const _DAY = 86_400_000;
const _YEAR_MS = 365.25 * _DAY;

/**
 * Bars per year from the median spacing of the timestamps (8,766 for hourly bars).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { periodsPerYear } from "./report_returns.ts";
 * assert.equal(Math.round(periodsPerYear([0, 3_600_000, 7_200_000, 10_800_000])), 8766);
 * ```
 */
export function periodsPerYear(timestamp: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < timestamp.length; i++) gaps.push(timestamp[i] - timestamp[i - 1]);
  if (!gaps.length) return NaN;
  gaps.sort((a, b) => a - b);
  return _YEAR_MS / gaps[Math.floor(gaps.length / 2)];
}

/**
 * Compounded return of each calendar month (UTC), from the equity at the month's last bar against the
 * previous month's last bar (the first month against the first bar). Months without bars are NaN.
 * Also each year's compounded return.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { monthlyReturns } from "./report_returns.ts";
 * const t = [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 15), Date.UTC(2024, 2, 1)];
 * const m = monthlyReturns({ timestamp: t, equity: [100, 110, 99, 99] });
 * assert.deepEqual(m.years, ["2024"]);
 * assert.ok(Math.abs(m.returns[0][0] - 0.1) < 1e-12 && Math.abs(m.returns[0][1] + 0.1) < 1e-12);
 * assert.ok(Number.isNaN(m.returns[0][5]) && Math.abs(m.yearTotals[0] + 0.01) < 1e-12);
 * ```
 */
export function monthlyReturns(
  curve: EquityCurve,
): { years: string[]; returns: number[][]; yearTotals: number[] } {
  const n = curve.timestamp.length;
  if (n === 0) return { years: [], returns: [], yearTotals: [] };
  const first = new Date(curve.timestamp[0]).getUTCFullYear();
  const last = new Date(curve.timestamp[n - 1]).getUTCFullYear();
  const years = Array.from({ length: last - first + 1 }, (_, i) => String(first + i));
  const returns = years.map(() => new Array<number>(12).fill(NaN));
  const yearTotals = years.map(() => NaN);
  let prevEnd = curve.equity[0];
  let prevYearEnd = curve.equity[0];
  for (let i = 0; i < n; i++) {
    const d = new Date(curve.timestamp[i]);
    const y = d.getUTCFullYear() - first;
    const m = d.getUTCMonth();
    const next = i + 1 < n ? new Date(curve.timestamp[i + 1]) : null;
    const monthEnds = !next || next.getUTCMonth() !== m || next.getUTCFullYear() !== d.getUTCFullYear();
    if (monthEnds) {
      returns[y][m] = curve.equity[i] / prevEnd - 1;
      prevEnd = curve.equity[i];
      if (!next || next.getUTCFullYear() !== d.getUTCFullYear()) {
        yearTotals[y] = curve.equity[i] / prevYearEnd - 1;
        prevYearEnd = curve.equity[i];
      }
    }
  }
  return { years, returns, yearTotals };
}

const _MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Heatmap of monthly returns (rows: years, columns: months and the year), red for losses, blue for
 * gains, colour range symmetric around 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { monthlyReturnsChart } from "./report_returns.ts";
 * const t = [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 15)];
 * const c = monthlyReturnsChart({ timestamp: t, equity: [100, 110, 99] }, "Monthly returns");
 * assert.ok(c.svg.includes("+10.0%") && c.svg.includes("Jan") && c.svg.includes("year"));
 * ```
 */
export function monthlyReturnsChart(curve: EquityCurve, title: string): Chart {
  const m = monthlyReturns(curve);
  const matrix = m.returns.map((r, i) => [...r, m.yearTotals[i]]);
  let maxAbs = 0;
  for (const r of m.returns) {
    for (const v of r) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const lim = Math.max(0.01, maxAbs);
  return heatmap(matrix, {
    title,
    rowLabels: m.years,
    colLabels: [..._MONTHS, "year"],
    diverging: true,
    colorDomain: [-lim, lim],
    format: (v) => {
      const text = (v * 100).toFixed(Math.abs(v) >= 1 ? 0 : 1);
      return Number(text) === 0 ? "0.0%" : `${v > 0 ? "+" : ""}${text}%`;
    },
    height: Math.max(140, 70 + 30 * m.years.length),
  });
}

/**
 * Rolling annualised Sharpe ratio and volatility of the per-bar returns over `window` bars (NaN until
 * the window is full, and where the returns do not vary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rollingStats } from "./report_returns.ts";
 * const eq = Array.from({ length: 30 }, (_, i) => 100 * (1 + 0.01 * (i % 2)));
 * const r = rollingStats({ timestamp: eq.map((_, i) => i * 3_600_000), equity: eq }, 10, 8766);
 * assert.ok(Number.isNaN(r.sharpe[5]) && Number.isFinite(r.volatility[20]) && r.volatility[20] > 0);
 * ```
 */
export function rollingStats(
  curve: EquityCurve,
  window: number,
  perYear: number,
): { timestamp: Float64Array; sharpe: Float64Array; volatility: Float64Array } {
  const n = curve.timestamp.length;
  const sharpe = new Float64Array(n).fill(NaN);
  const volatility = new Float64Array(n).fill(NaN);
  const ret = new Float64Array(n);
  for (let i = 1; i < n; i++) ret[i] = curve.equity[i] / curve.equity[i - 1] - 1;
  let sum = 0;
  let sum2 = 0;
  for (let i = 1; i < n; i++) {
    sum += ret[i];
    sum2 += ret[i] * ret[i];
    if (i > window) {
      sum -= ret[i - window];
      sum2 -= ret[i - window] * ret[i - window];
    }
    if (i >= window) {
      const mean = sum / window;
      const variance = Math.max(0, (sum2 - window * mean * mean) / (window - 1));
      const sd = Math.sqrt(variance);
      volatility[i] = sd * Math.sqrt(perYear);
      sharpe[i] = sd > 1e-12 ? (mean / sd) * Math.sqrt(perYear) : NaN;
    }
  }
  return { timestamp: Float64Array.from(curve.timestamp), sharpe, volatility };
}

/**
 * Compounded returns per UTC day (from the last bar of each day to the next day's last bar).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dailyReturns } from "./report_returns.ts";
 * const h = 3_600_000;
 * const r = dailyReturns({ timestamp: [0, 23 * h, 47 * h], equity: [100, 100, 105] });
 * assert.equal(r.length, 1);
 * assert.ok(Math.abs(r[0] - 0.05) < 1e-12);
 * ```
 */
export function dailyReturns(curve: EquityCurve): Float64Array {
  const out: number[] = [];
  let prev = NaN;
  const n = curve.timestamp.length;
  for (let i = 0; i < n; i++) {
    const day = Math.floor(curve.timestamp[i] / _DAY);
    const lastOfDay = i + 1 >= n || Math.floor(curve.timestamp[i + 1] / _DAY) !== day;
    if (lastOfDay) {
      if (Number.isFinite(prev)) out.push(curve.equity[i] / prev - 1);
      prev = curve.equity[i];
    }
  }
  return Float64Array.from(out);
}

/** The bar closes of `bars` at each timestamp of `curve` (NaN where a bar is missing). */
function _holdCurve(
  curve: EquityCurve,
  bars: { timestamp: ArrayLike<number>; close: ArrayLike<number> },
): Float64Array {
  const at = new Map<number, number>();
  for (let i = 0; i < bars.timestamp.length; i++) at.set(bars.timestamp[i], bars.close[i]);
  return Float64Array.from(curve.timestamp, (t) => at.get(t) ?? NaN);
}

/**
 * Drawdown from the running peak (0 at a new high, negative below); NaN values are skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawdownOf } from "./report_returns.ts";
 * assert.deepEqual([...drawdownOf([100, 120, 90, NaN, 130])].map((v) => Number.isNaN(v) ? "x" : v), [0, 0, -0.25, "x", 0]);
 * ```
 */
export function drawdownOf(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let peak = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    peak = Math.max(peak, v);
    out[i] = v / peak - 1;
  }
  return out;
}

/** Bars with closes, as `equityCharts` reads them (an Arquero table or plain arrays). */
export type CloseBars = ColumnTable | { timestamp: ArrayLike<number>; close: ArrayLike<number> };

function _bars(bars: CloseBars): { timestamp: ArrayLike<number>; close: ArrayLike<number> } {
  if (typeof (bars as ColumnTable).columnNames === "function") {
    const t = bars as ColumnTable;
    return {
      timestamp: t.array("timestamp") as ArrayLike<number>,
      close: t.array("close") as ArrayLike<number>,
    };
  }
  return bars as { timestamp: ArrayLike<number>; close: ArrayLike<number> };
}

/**
 * Growth (return since the first backtest bar, in %) and drawdown of the strategy against buy-and-hold
 * over the same bars.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { equityCharts } from "./report_returns.ts";
 * const t = [0, 3_600_000, 7_200_000];
 * const [growth, dd] = equityCharts({ timestamp: t, equity: [100, 90, 95] }, { timestamp: t, close: [10, 11, 12] }, "s");
 * assert.ok(growth.svg.includes("buy-and-hold") && dd.svg.includes("drawdown"));
 * ```
 */
export function equityCharts(curve: EquityCurve, bars: CloseBars, name: string): [Chart, Chart] {
  if (curve.timestamp.length === 0) {
    throw new CandlelabError(
      `Cannot chart the equity of ${name}: the backtest has no bars; check the run's backtest.json`,
    );
  }
  const hold = _holdCurve(curve, _bars(bars));
  const e0 = curve.equity[0];
  const h0 = hold.find((v) => Number.isFinite(v)) ?? NaN;
  const strat = Float64Array.from(curve.equity, (v) => v / e0 - 1);
  const bh = Float64Array.from(hold, (v) => v / h0 - 1);
  const n = curve.timestamp.length;
  const label = (s: string, v: number) => `${s} ${fmtSignedPct(v)}`;
  const growth = overlayChart([
    { name: label("strategy (net of costs)", strat[n - 1]), timestamp: curve.timestamp, values: strat },
    { name: label("buy-and-hold (no costs)", bh[n - 1]), timestamp: curve.timestamp, values: bh },
  ], {
    title: `${name}: return since the first backtest bar`,
    percent: true,
    reference: 0,
    yLabel: "return",
  });
  const ddS = drawdownOf(curve.equity);
  const ddH = drawdownOf(hold);
  const minOf = (a: Float64Array) => a.reduce((m, v) => (Number.isFinite(v) ? Math.min(m, v) : m), 0);
  const dd = overlayChart([
    { name: `strategy drawdown (max ${fmtPct(minOf(ddS))})`, timestamp: curve.timestamp, values: ddS },
    { name: `buy-and-hold drawdown (max ${fmtPct(minOf(ddH))})`, timestamp: curve.timestamp, values: ddH },
  ], { title: `${name}: drawdown from the running peak`, percent: true, reference: 0, yLabel: "drawdown" });
  return [growth, dd];
}

/**
 * Rolling annualised Sharpe and volatility charts over `windowDays` days of bars.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rollingCharts } from "./report_returns.ts";
 * const t = Array.from({ length: 400 }, (_, i) => i * 3_600_000);
 * const e = t.map((_, i) => 100 + Math.sin(i / 9));
 * const [s, v] = rollingCharts({ timestamp: t, equity: e }, "s", 7);
 * assert.ok(s.svg.includes("rolling Sharpe") && v.svg.includes("volatility"));
 * ```
 */
export function rollingCharts(curve: EquityCurve, name: string, windowDays = 30): [Chart, Chart] {
  const perYear = periodsPerYear(curve.timestamp);
  const window = Math.max(5, Math.round((perYear / 365.25) * windowDays));
  const r = rollingStats(curve, window, perYear);
  const sharpe = overlayChart([{ name: "Sharpe", timestamp: r.timestamp, values: r.sharpe }], {
    title: `${name}: rolling Sharpe (annualised, ${windowDays}-day window)`,
    reference: 0,
    yLabel: "Sharpe (ann.)",
  });
  const vol = overlayChart([{ name: "volatility", timestamp: r.timestamp, values: r.volatility }], {
    title: `${name}: rolling volatility (annualised, ${windowDays}-day window)`,
    percent: true,
    yLabel: "volatility (ann.)",
  });
  return [sharpe, vol];
}

/**
 * Histogram of the strategy's daily returns in %, its summary in the title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { returnDistributionChart } from "./report_returns.ts";
 * const t = Array.from({ length: 24 * 20 }, (_, i) => i * 3_600_000);
 * const c = returnDistributionChart({ timestamp: t, equity: t.map((_, i) => 100 + Math.sin(i / 30)) }, "s");
 * assert.ok(c.svg.includes("daily returns"));
 * ```
 */
export function returnDistributionChart(curve: EquityCurve, name: string): Chart {
  const d = dailyReturns(curve);
  let sum = 0;
  let worst = Infinity;
  let best = -Infinity;
  for (const v of d) {
    sum += v;
    worst = Math.min(worst, v);
    best = Math.max(best, v);
  }
  const mean = d.length ? sum / d.length : NaN;
  return histogram(Float64Array.from(d, (v) => v * 100), {
    title:
      `${name}: daily returns (${d.length} days, mean ${fmtSignedPct(mean)}, worst ${fmtSignedPct(worst)}, ` +
      `best ${fmtSignedPct(best)})`,
    xLabel: "daily return (%)",
    yLabel: "days",
    bins: 40,
  });
}

/**
 * Trades as a table: entry and exit (UTC), side, duration, return in % of the entry notional, net PnL,
 * costs (fees + slippage), funding and why it closed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tradeListTable } from "./report_returns.ts";
 * const t = tradeListTable([{ side: 1, entryTime: 0, entryPrice: 100, exitTime: 7_200_000, exitPrice: 110, qty: 2,
 *   pricePnl: 20, gapPnl: 0, fees: 0.4, slippage: 0.1, funding: 0, net: 19.5, exitReason: "signal", open: false }]);
 * assert.ok(Math.abs(t.get("return", 0) - 0.0975) < 1e-12 && t.get("duration", 0) === 7_200_000);
 * ```
 */
export function tradeListTable(trades: readonly Trade[]): ColumnTable {
  const num = (fn: (t: Trade) => number) => Float64Array.from(trades, fn);
  return aq.table({
    entry: num((t) => t.entryTime),
    exit: num((t) => t.exitTime),
    side: trades.map((t) => (t.side > 0 ? "long" : "short")),
    duration: num((t) => t.exitTime - t.entryTime),
    return: num((t) => (t.qty * t.entryPrice > 0 ? t.net / (t.qty * t.entryPrice) : NaN)),
    net: num((t) => t.net),
    costs: num((t) => t.fees + t.slippage),
    funding: num((t) => t.funding),
    closed_by: trades.map((t) => (t.open ? "still open (marked)" : t.exitReason)),
  });
}

/** Column formats of {@link tradeListTable} for {@link tableView}. */
export const TRADE_FORMATS = {
  entry: "datetime",
  exit: "datetime",
  duration: "duration",
  return: "signed_pct",
  net: "signed",
  costs: "num",
  funding: "signed",
} as const;

/**
 * The trade list as a displayable table (newest `shown` trades) with formats applied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tradeListView } from "./report_returns.ts";
 * const v = tradeListView([{ side: 1, entryTime: 0, entryPrice: 100, exitTime: 7_200_000, exitPrice: 110, qty: 2,
 *   pricePnl: 20, gapPnl: 0, fees: 0.4, slippage: 0.1, funding: 0, net: 19.5, exitReason: "signal", open: false }]);
 * assert.ok(v.html.includes("+9.75 %") && v.html.includes("2h"));
 * ```
 */
export function tradeListView(trades: readonly Trade[], shown = 15): TableView {
  const stats = tradeStats(trades);
  return tableView(tradeListTable(trades), {
    caption: `trades: ${trades.length} · win rate ${fmtPct(stats.winRate)} · median return ${
      fmtSignedPct(stats.medianReturn)
    } · median duration ${stats.medianDurationText}`,
    head: 0,
    tail: shown,
    formats: TRADE_FORMATS,
    labels: { return: "return (net)", net: "net PnL", costs: "fees + slippage", closed_by: "closed by" },
  });
}

/**
 * Win rate, median return and median duration of the trades.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tradeStats } from "./report_returns.ts";
 * assert.ok(Number.isNaN(tradeStats([]).winRate));
 * ```
 */
export function tradeStats(
  trades: readonly Trade[],
): { winRate: number; medianReturn: number; medianDuration: number; medianDurationText: string } {
  const med = (xs: number[]) => {
    if (!xs.length) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const rets = trades.map((t) => (t.qty * t.entryPrice > 0 ? t.net / (t.qty * t.entryPrice) : NaN))
    .filter(Number.isFinite);
  const durations = trades.map((t) => t.exitTime - t.entryTime);
  const medianDuration = med(durations);
  const hours = medianDuration / 3_600_000;
  return {
    winRate: trades.length ? trades.filter((t) => t.net > 0).length / trades.length : NaN,
    medianReturn: med(rets),
    medianDuration,
    medianDurationText: Number.isFinite(hours)
      ? (hours >= 48 ? `${(hours / 24).toFixed(1)} days` : `${hours.toFixed(0)} h`)
      : "—",
  };
}

/**
 * Strategy against buy-and-hold, each number in its unit (returns in signed %, ratios with 2 decimals,
 * counts grouped); rows without a buy-and-hold value show "—".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backtestSummaryView } from "./report_returns.ts";
 * const c = { totalReturn: 3.86465, cagr: 0.1, sharpe: 1, sortino: 1, maxDrawdown: -0.2, calmar: 0.5 };
 * const v = backtestSummaryView({ ...c, hitRate: 0.5, turnover: 3, exposure: 0.4, avgTrade: 1, nTrades: 9 }, { ...c, totalReturn: -0.0278836 });
 * assert.ok(v.html.includes("+386 %") && v.html.includes("-2.79 %") && !v.html.includes("NaN"));
 * ```
 */
export function backtestSummaryView(
  metrics: CurveMetrics & {
    hitRate: number;
    turnover: number;
    exposure: number;
    avgTrade: number;
    nTrades: number;
  },
  buyAndHold: CurveMetrics,
): TableView {
  const pct = (v: number) => fmtSignedPct(v);
  const r2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "—");
  const rows: [string, string, string][] = [
    ["total return", pct(metrics.totalReturn), pct(buyAndHold.totalReturn)],
    ["CAGR", pct(metrics.cagr), pct(buyAndHold.cagr)],
    ["Sharpe (ann.)", r2(metrics.sharpe), r2(buyAndHold.sharpe)],
    ["Sortino (ann.)", r2(metrics.sortino), r2(buyAndHold.sortino)],
    ["max drawdown", fmtPct(metrics.maxDrawdown), fmtPct(buyAndHold.maxDrawdown)],
    ["Calmar", r2(metrics.calmar), r2(buyAndHold.calmar)],
    ["trades", Number.isFinite(metrics.nTrades) ? metrics.nTrades.toLocaleString("en-US") : "—", "—"],
    ["hit rate (winning trades)", fmtPct(metrics.hitRate), "—"],
    ["exposure (share of bars in a position)", fmtPct(metrics.exposure), "100 %"],
    ["turnover", r2(metrics.turnover), "—"],
    [
      "average trade net PnL (quote)",
      Number.isFinite(metrics.avgTrade) ? metrics.avgTrade.toFixed(2) : "—",
      "—",
    ],
  ];
  return tableView(
    aq.table({
      metric: rows.map((r) => r[0]),
      strategy: rows.map((r) => r[1]),
      buy_and_hold: rows.map((r) => r[2]),
    }),
    {
      caption: "strategy (net of costs) against buy-and-hold (no costs)",
      head: 20,
      tail: 0,
      labels: { buy_and_hold: "buy-and-hold" },
    },
  );
}
