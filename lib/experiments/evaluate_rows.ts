/**
 * Scoring a fitted model on rows it never trained on: pick the modelled rows of a period (valid features
 * and label, past the warm-up), predict them, score the predictions against the labels and backtest them
 * with the config's policy, risk, costs and market. One function for the opened lockbox of an experiment
 * and for `deno task evaluate`, so the two give the same numbers for the same rows and model.
 *
 * @module
 */
import type { Labels } from "../labels/mod.ts";
import type { Estimator, ProbaMatrix } from "../models/estimator.ts";
import { type ClassificationReport, classificationReport } from "../validation/mod.ts";
import type { BacktestBars, BacktestResult } from "../backtest/mod.ts";
import { CandlelabError } from "../util/errors.ts";
import type { BacktestSummary } from "./run_record.ts";
import type { ExperimentConfig } from "./config.ts";
import type { Verdict } from "./verdict.ts";
import { backtestStage } from "./stages/backtest.ts";
import { predictionsVerdict } from "./stages/verdict.ts";
import { modelRows } from "./stages/rows.ts";

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
  for (const c of columns) {
    if (!features[c]) {
      throw new CandlelabError(
        `Cannot score the model: feature column ${c} was not computed; rebuild the model's feature set`,
      );
    }
  }
  const { sel, X, y } = modelRows([...columns], features, labels.y, Math.max(rowLookback, from), to);
  if (sel.kept === 0) {
    throw new CandlelabError(
      `Cannot score the model: no row between bar ${from} and bar ${to} has every feature and a label ` +
        `(warm-up ${rowLookback} bars, label horizon ${labels.horizon}); evaluate a longer period`,
    );
  }
  const proba = model.predictProba(X);
  const report = classificationReport(y, proba);
  const { trading } = input;
  const bt = {
    bars: input.bars,
    rows: sel.index,
    proba,
    intervalMs: input.intervalMs,
    policy: trading.policy,
    risk: trading.risk,
    costs: trading.costs,
    market: trading.market,
  };
  const { result, summary } = backtestStage(bt);
  const verdict = predictionsVerdict(y, proba, labels.horizon, bt, result, input.seed);
  return { rows: sel.index, proba, y, report, backtest: result, summary, verdict };
}
