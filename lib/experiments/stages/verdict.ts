/**
 * The verdict stage (issue #11, ADR-028): the out-of-fold scores and the backtest's net return against
 * same-metric nulls, before the model is registered.
 *
 * @module
 */
import type { BacktestInput, BacktestResult } from "../../backtest/mod.ts";
import type { Labels } from "../../labels/mod.ts";
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
  const { bars, rows } = input;
  return computeVerdict({
    yTrue: Int32Array.from(evaluation.rows, (r) => modelled.y[r]),
    yPred: argmaxProba(evaluation.proba),
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
    horizon: modelled.labels.horizon,
    seed,
  });
}
