/**
 * Scoring a fitted model on rows it never trained on: pick the modelled rows of a period (valid features
 * and label, past the warm-up), predict them, score the predictions against the labels and backtest them
 * with the config's policy, risk, costs and market. One function for the opened lockbox of an experiment
 * and for `deno task evaluate`, so the two give the same numbers for the same rows and model.
 *
 * @module
 */
import { selectValidRows, takeRows } from "../features/mod.ts";
import type { Labels } from "../labels/mod.ts";
import type { Estimator, FeatureMatrix, ProbaMatrix } from "../models/estimator.ts";
import { argmaxProba, type ClassificationReport, classificationReport } from "../validation/mod.ts";
import { backtest, type BacktestBars, type BacktestResult } from "../backtest/mod.ts";
import { CandlelabError } from "../util/errors.ts";
import type { BacktestSummary } from "./run_record.ts";
import type { ExperimentConfig } from "./config.ts";
import { returnMoments } from "./returns.ts";
import { computeVerdict, type Verdict } from "./verdict.ts";

/** What {@link scoreRows} needs. */
export interface ScoreRowsInput {
  /** Feature columns over all bars, by name. */
  features: Record<string, Float64Array>;
  /** Feature columns the model reads, in its order. */
  columns: readonly string[];
  labels: Labels;
  /** Bars a modelled row reads backwards (feature lookback or the label's own window). */
  rowLookback: number;
  /** Bar indices `[from, to)` whose valid rows are scored. */
  from: number;
  to: number;
  model: Estimator;
  bars: BacktestBars;
  intervalMs: number;
  trading: Pick<ExperimentConfig, "policy" | "risk" | "costs" | "market">;
  /** Seeds the verdict's permutation nulls (the config's seed). */
  seed: number;
}

/** Predictions, scores and backtest of scored rows. */
export interface ScoredRows {
  /** Bar index of each scored row, increasing. */
  rows: Int32Array;
  proba: ProbaMatrix;
  y: Int32Array;
  report: ClassificationReport;
  backtest: BacktestResult;
  summary: BacktestSummary;
  /** Label and economic skill of the scored rows against their nulls (ADR-028). */
  verdict: Verdict;
}

/**
 * Scores `model` on the valid rows among bars `[from, to)` (see the module doc).
 *
 * @example
 * ```ts ignore
 * const s = scoreRows({ features, columns, labels, rowLookback, from: holdoutBar, to: nBars, model, bars,
 *   intervalMs, trading: cfg });
 * console.log(s.report.macroF1, s.summary.total_return);
 * ```
 */
export function scoreRows(input: ScoreRowsInput): ScoredRows {
  const { features, columns, labels, rowLookback, from, to, model } = input;
  const cols = columns.map((c) => {
    const col = features[c];
    if (!col) {
      throw new CandlelabError(
        `Cannot score the model: feature column ${c} was not computed; rebuild the model's feature set`,
      );
    }
    return col;
  });
  const yAsFloat = Float64Array.from(labels.y, (v) => (v < 0 ? NaN : v));
  const sel = selectValidRows([...cols, yAsFloat], { minRow: Math.max(rowLookback, from), rows: to });
  if (sel.kept === 0) {
    throw new CandlelabError(
      `Cannot score the model: no row between bar ${from} and bar ${to} has every feature and a label ` +
        `(warm-up ${rowLookback} bars, label horizon ${labels.horizon}); evaluate a longer period`,
    );
  }
  const X: FeatureMatrix = {
    names: [...columns],
    columns: cols.map((c) => takeRows(c, sel.index)),
    nRows: sel.kept,
  };
  const y = Int32Array.from(sel.index, (i) => labels.y[i]);
  const proba = model.predictProba(X);
  const report = classificationReport(y, proba);
  const r = backtest({
    bars: input.bars,
    rows: sel.index,
    proba,
    intervalMs: input.intervalMs,
    policy: input.trading.policy,
    risk: input.trading.risk,
    costs: input.trading.costs,
    market: input.trading.market,
  });
  const verdict = computeVerdict({
    yTrue: y,
    yPred: argmaxProba(proba),
    exposure: {
      open: input.bars.open,
      close: input.bars.close,
      fundingRate: input.bars.fundingRate,
      firstBar: sel.index[0],
      position: r.position,
      equity: r.equity,
    },
    attribution: r.attribution,
    netReturn: r.metrics.totalReturn,
    horizon: labels.horizon,
    seed: input.seed,
  });
  return {
    rows: sel.index,
    proba,
    y,
    report,
    backtest: r,
    summary: backtestSummary(r, input.intervalMs),
    verdict,
  };
}

/**
 * The run.json backtest summary of a backtest result (the same fields an experiment records).
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
