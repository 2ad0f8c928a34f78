/**
 * The backtest stage: the out-of-fold predictions traded bar by bar under the config's policy, risk, costs
 * and market; funding paid as zero and bars traded flat for want of a prediction are warnings (issue #11).
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import { backtest, type BacktestInput, type BacktestResult, barsFromDataset } from "../../backtest/mod.ts";
import type { WalkForwardResult } from "../../validation/mod.ts";
import type { ExperimentConfig } from "../config.ts";
import type { BacktestSummary } from "../run_record.ts";
import { returnMoments } from "../returns.ts";

/**
 * The backtest input over the development bars: the out-of-fold probabilities at their bars.
 *
 * @example
 * ```ts ignore
 * const input = backtestInput(cfg, dataset, evaluation, rowIndex);
 * console.log(input.rows.length === evaluation.rows.length);
 * ```
 */
export function backtestInput(
  cfg: ExperimentConfig,
  dataset: Dataset,
  evaluation: WalkForwardResult,
  rowIndex: Int32Array,
): BacktestInput {
  return {
    bars: barsFromDataset(dataset),
    rows: Int32Array.from(evaluation.rows, (r) => rowIndex[r]),
    proba: evaluation.proba,
    intervalMs: dataset.intervalMs,
    policy: cfg.policy,
    risk: cfg.risk,
    costs: cfg.costs,
    market: cfg.market,
  };
}

/** The backtest, its run.json summary and its warnings. */
export interface BacktestOutcome {
  result: BacktestResult;
  summary: BacktestSummary;
  warnings: string[];
}

/**
 * Runs the backtest.
 *
 * @example
 * ```ts ignore
 * const b = backtestStage(backtestInput(cfg, dataset, evaluation, rowIndex));
 * console.log(b.summary.total_return, b.warnings);
 * ```
 */
export function backtestStage(input: BacktestInput): BacktestOutcome {
  const r = backtest(input);
  const warnings: string[] = [];
  // issue #11: funding paid as zero is a warning, not only a counter
  const mf = r.flags.missingFunding;
  if (mf.count > 0) {
    warnings.push(
      `${mf.count} funding event(s) missing (first at ${
        new Date(mf.timestamps[0]).toISOString()
      }) were paid ` +
        `as zero (market.onMissingFunding: flag); fill the funding file or set onMissingFunding: error`,
    );
  }
  // issue #11: a bar inside the out-of-sample span without a prediction (a dropped row) is traded flat
  const rows = input.rows;
  const flat = rows.length ? rows[rows.length - 1] - rows[0] + 1 - rows.length : 0;
  if (flat > 0) {
    warnings.push(
      `${flat} bar(s) inside the out-of-sample span have no prediction (rows dropped, see rows) and were ` +
        `traded as flat: the backtest closes any position there`,
    );
  }
  return { result: r, summary: backtestSummary(r, input.intervalMs), warnings };
}

/**
 * The run.json backtest summary of a backtest result (an experiment's, an opened lockbox's, an evaluation's).
 *
 * @example
 * ```ts ignore
 * run.setBacktest(backtestSummary(result, dataset.intervalMs));
 * ```
 */
export function backtestSummary(r: BacktestResult, intervalMs: number): BacktestSummary {
  return {
    ...returnMoments(r.equity, intervalMs),
    total_return: r.metrics.totalReturn,
    max_drawdown: r.metrics.maxDrawdown,
    // counts from the trade log: trade objects are made once, for backtest.json
    n_trades: r.metrics.nTrades,
    cagr: r.metrics.cagr,
    sortino: r.metrics.sortino,
    calmar: r.metrics.calmar,
    buy_and_hold_return: r.buyAndHold.totalReturn,
    attribution: r.attribution,
    missing_funding_events: r.flags.missingFunding.count,
    gaps: r.flags.gaps.count,
    liquidations: r.flags.liquidations,
  };
}
