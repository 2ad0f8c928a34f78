/**
 * The verdict stage (issue #11, ADR-028): the out-of-fold scores and the backtest's net return against
 * same-metric nulls, before the model is registered.
 *
 * @module
 */
import type { BacktestInput, BacktestResult } from "../../backtest/mod.ts";
import type { Labels } from "../../labels/mod.ts";
import type { ProbaMatrix } from "../../models/estimator.ts";
import { argmaxProba } from "../../validation/metrics.ts";
import type { WalkForwardResult } from "../../validation/mod.ts";
import { computeVerdict, type Verdict } from "../verdict.ts";

/**
 * Computes the verdict of the out-of-fold `evaluation` of the modelled rows (`y`, the label horizon) and of
 * the backtest (`input`, `result`); `seed` drives the null draws.
 *
 * @example
 * ```ts ignore
 * const v = verdictStage(evaluation, rows, input, result, 7);
 * console.log(v.text);
 * ```
 */
export function verdictStage(
  evaluation: WalkForwardResult,
  modelled: { y: Int32Array; labels: Pick<Labels, "horizon"> },
  input: BacktestInput,
  result: BacktestResult,
  seed: number,
): Verdict {
  const yTrue = Int32Array.from(evaluation.rows, (r) => modelled.y[r]);
  return predictionsVerdict(yTrue, evaluation.proba, modelled.labels.horizon, input, result, seed);
}

/**
 * The verdict of predictions `proba` of rows with labels `yTrue` (label horizon `horizon`) and of their
 * backtest (`input`, `result`): the one computation of the experiment's verdict stage and of scoring a
 * fitted model on other rows (the opened lockbox, `deno task evaluate`).
 *
 * @example
 * ```ts ignore
 * const v = predictionsVerdict(y, proba, cfg.label.horizon, input, backtest(input), cfg.seed);
 * console.log(v.text);
 * ```
 */
export function predictionsVerdict(
  yTrue: Int32Array,
  proba: ProbaMatrix,
  horizon: number,
  input: BacktestInput,
  result: BacktestResult,
  seed: number,
): Verdict {
  const { bars, rows } = input;
  return computeVerdict({
    yTrue,
    yPred: argmaxProba(proba),
    exposure: {
      open: bars.open,
      close: bars.close,
      fundingRate: bars.fundingRate,
      firstBar: rows[0],
      position: result.position,
      equity: result.equity,
    },
    attribution: result.attribution,
    netReturn: result.metrics.totalReturn,
    horizon,
    seed,
  });
}
