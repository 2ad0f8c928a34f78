/**
 * The artifacts stage: the backtest's bar-by-bar equity, positions and trades as `backtest.json` in the run
 * folder (run.json keeps only the summary).
 *
 * @module
 */
import { join } from "node:path";
import type { BacktestResult } from "../../backtest/mod.ts";
import { writeJsonAtomic } from "../../util/atomic.ts";

/**
 * Writes `<runDir>/backtest.json`.
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
): Promise<void> {
  await writeJsonAtomic(join(runDir, "backtest.json"), {
    strategy,
    model_id: modelId,
    timestamp: Array.from(result.timestamp),
    equity: Array.from(result.equity),
    position: Array.from(result.position),
    trades: result.trades,
    attribution: result.attribution,
    metrics: result.metrics,
    buy_and_hold: result.buyAndHold,
    flags: result.flags,
  });
}
