/**
 * The artifacts stage: the backtest's bar-by-bar equity, positions and trades as `backtest.json` in the run
 * folder (run.json keeps only the summary). The opened lockbox's `holdout_backtest.json` has the same body.
 *
 * @module
 */
import { join } from "node:path";
import type { BacktestResult } from "../../backtest/mod.ts";
import { writeJsonAtomic } from "../../util/atomic.ts";

/**
 * Writes `<runDir>/backtest.json`; `rows` (the bar index of each traded row) is written when given (an
 * `evaluate` run).
 *
 * @example
 * ```ts ignore
 * await artifactsStage(run.dir, cfg.name, model.id, result);
 * ```
 */
export async function artifactsStage(
  runDir: string,
  strategy: string,
  modelId: string,
  result: BacktestResult,
  rows?: Int32Array,
): Promise<void> {
  const head = { strategy, model_id: modelId, ...(rows ? { rows: Array.from(rows) } : {}) };
  await writeJsonAtomic(join(runDir, "backtest.json"), backtestBody(head, result, true));
}

/**
 * A backtest artifact: `head`'s fields, then the curves, trades, (attribution,) metrics and flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BacktestResult } from "../../backtest/mod.ts";
 * import { backtestBody } from "./artifacts.ts";
 * const r = { timestamp: Float64Array.of(0), equity: Float64Array.of(1e4), position: Float64Array.of(0),
 *   trades: [], attribution: {}, metrics: {}, buyAndHold: {}, flags: {} } as unknown as BacktestResult;
 * const body = backtestBody({ strategy: "s" }, r, false);
 * assert.deepEqual(Object.keys(body), ["strategy", "timestamp", "equity", "position", "trades", "metrics",
 *   "buy_and_hold", "flags"]);
 * assert.equal(Object.keys(backtestBody({}, r, true))[4], "attribution");
 * ```
 */
export function backtestBody(
  head: Record<string, unknown>,
  result: BacktestResult,
  attribution: boolean,
): Record<string, unknown> {
  return {
    ...head,
    timestamp: Array.from(result.timestamp),
    equity: Array.from(result.equity),
    position: Array.from(result.position),
    trades: result.trades,
    ...(attribution ? { attribution: result.attribution } : {}),
    metrics: result.metrics,
    buy_and_hold: result.buyAndHold,
    flags: result.flags,
  };
}
