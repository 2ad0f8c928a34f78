/**
 * The report of one experiment run as notebooks 03-05 show it, in two calls: {@link runReportHeader}
 * (verdict and provenance, moved to the top of the shared HTML) and {@link tearSheet} (equity and
 * drawdown against buy-and-hold, metrics, cost attribution, monthly returns, rolling Sharpe and
 * volatility, daily return distribution, trade list).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { listRuns } from "../experiments/list.ts";
import type { Chart } from "../plots/mod.ts";
import { attributionChart, type BacktestLike, fundingTable } from "./experiment_views.ts";
import { readReportRecord } from "./report_folds.ts";
import { type ProvenanceView, provenanceView } from "./report_provenance.ts";
import {
  backtestSummaryView,
  type CloseBars,
  equityCharts,
  monthlyReturnsChart,
  returnDistributionChart,
  rollingCharts,
  tradeListView,
} from "./report_returns.ts";
import { deflatedOf, type ReportRecord, runVerdict, type VerdictView } from "./report_verdict.ts";
import { type TableView, tableView } from "./table_view.ts";

/** What {@link runReportHeader} returns. */
export interface RunReportHeader {
  record: ReportRecord;
  verdict: VerdictView;
  provenance: ProvenanceView;
}

/**
 * Reads `<runDir>/run.json` and the other runs beside it (the trials of its strategy, for the deflated
 * Sharpe) and builds the verdict and provenance blocks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runReportHeader } from "./report_sheet.ts";
 * await assert.rejects(() => runReportHeader("/nonexistent/20261206T000000Z-x-y"), /Cannot read run record/);
 * ```
 */
export async function runReportHeader(
  runDir: string,
  backtest: (BacktestLike & { equity: ArrayLike<number> }) | null = null,
): Promise<RunReportHeader> {
  const record = await readReportRecord(join(runDir, "run.json"));
  const { runs } = await listRuns(dirname(runDir));
  const self = runs.find((r) => r.run_id === record.run_id || r.run_id === basename(runDir));
  const deflated = self ? deflatedOf(self, runs) : null;
  return {
    record,
    verdict: runVerdict(record, deflated, backtest),
    provenance: provenanceView(record, backtest),
  };
}

/** Options of {@link tearSheet}. */
export interface TearSheetOptions {
  /** Newest trades listed. @default 15 */
  tradesShown?: number;
  /** Rolling window in days. @default 30 */
  rollingDays?: number;
  /** Add the funding table (perpetuals). @default when any trade paid or received funding */
  funding?: boolean;
}

/**
 * The tear sheet of a backtest, in display order (pass to `show(...)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tearSheet } from "./report_sheet.ts";
 * const t = Array.from({ length: 24 * 40 }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000);
 * const equity = t.map((_, i) => 10_000 * (1 + 0.05 * Math.sin(i / 50)));
 * const m = { totalReturn: 0, cagr: 0, sharpe: 0, sortino: 0, maxDrawdown: -0.1, calmar: 0, hitRate: 0.5,
 *   turnover: 1, exposure: 0.5, avgTrade: 0, nTrades: 0 };
 * const items = tearSheet({ timestamp: t, equity, position: t.map(() => 0), trades: [],
 *   attribution: { pricePnl: 0, gapPnl: 0, fees: 0, slippage: 0, funding: 0, net: 0 }, metrics: m, buyAndHold: m,
 *   flags: { missingFunding: { count: 0 }, gaps: { count: 0 }, markFallbacks: 0, liquidations: 0 } },
 *   { timestamp: t, close: equity }, "demo");
 * assert.equal(items.length, 9);
 * ```
 */
export function tearSheet(
  bt: BacktestLike,
  bars: CloseBars,
  name: string,
  options: TearSheetOptions = {},
): (Chart | TableView)[] {
  const [growth, dd] = equityCharts(bt, bars, name);
  const [sharpe, vol] = rollingCharts(bt, name, options.rollingDays ?? 30);
  const funding = options.funding ?? bt.trades.some((t) => t.funding !== 0);
  return [
    growth,
    dd,
    backtestSummaryView(bt.metrics, bt.buyAndHold),
    attributionChart(bt.attribution, `${name}: PnL attribution (quote currency; costs negative)`),
    ...(funding
      ? [tableView(fundingTable(bt), {
        caption: "funding and data flags",
        head: 10,
        tail: 0,
        formats: { value: "num" },
      })]
      : []),
    monthlyReturnsChart(bt, `${name}: monthly returns (net of costs)`),
    sharpe,
    vol,
    returnDistributionChart(bt, name),
    tradeListView(bt.trades, options.tradesShown ?? 15),
  ];
}
