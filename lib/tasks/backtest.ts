/**
 * `deno task backtest`: backtests one strategy on one dataset and prints the metrics as JSON.
 *
 *   deno task backtest --strategy <name> --configs <dir> --candles <parquet>
 *     [--funding <parquet> --mark <parquet>] [--start ISO] [--end ISO]
 *     (--proba <json {rows: number[], data: number[]}> | --random-seed <n>) [--out <result.json>]
 *
 * `--random-seed` backtests seeded random probabilities (a smoke test of the data and the costs).
 *
 * @module
 */
import { z } from "zod";
import { loadPerpetual, loadSpot } from "../data/market.ts";
import { backtest } from "../backtest/backtest.ts";
import { barsFromDataset } from "../backtest/bars.ts";
import { randomProba } from "../backtest/synthetic.ts";
import { getStrategy, StrategyTradingSchema } from "../backtest/strategy.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import {
  numberFlag,
  parseTaskArgs,
  runTask,
  type TaskArgsConfig,
  type TaskSpec,
  UsageError,
} from "./_cli.ts";

export const SPEC: TaskSpec = {
  name: "backtest",
  usage: "deno task backtest --strategy <name> --candles <parquet> [--configs configs/strategies] " +
    "[--funding <parquet> --mark <parquet>] [--start ISO] [--end ISO] " +
    "(--proba <json {rows, data}> | --random-seed <n>) [--out <result.json>]",
  about: "Backtests one strategy on one dataset and prints the metrics as JSON (--random-seed: seeded " +
    "random probabilities, a smoke test of the data and the costs).",
  writes: "experiments/",
};

/** The flags of `deno task backtest` (parsed strictly). */
export const ARGS = {
  options: {
    strategy: { type: "string" },
    configs: { type: "string", default: "configs/strategies" },
    candles: { type: "string" },
    funding: { type: "string" },
    mark: { type: "string" },
    start: { type: "string" },
    end: { type: "string" },
    proba: { type: "string" },
    "random-seed": { type: "string" },
    out: { type: "string" },
  },
} as const satisfies TaskArgsConfig;

const _USAGE = `usage: ${SPEC.usage}`;

/**
 * Runs the task with command-line `args`; returns the summary it prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./backtest.ts";
 * await assert.rejects(() => main([]), /--strategy/);
 * ```
 */
export async function main(args: string[]): Promise<Record<string, unknown>> {
  const { values: v } = parseTaskArgs(args, ARGS, _USAGE);
  if (!v.strategy || !v.candles) {
    throw new UsageError(`Cannot run backtest: --strategy and --candles are required; ${_USAGE}`);
  }
  const seed = numberFlag(v["random-seed"], "random-seed", _USAGE, { integer: true });
  // composed experiment configs carry more sections: read only the trading part here
  const strat = await getStrategy(v.strategy, v.configs!, z.looseObject(StrategyTradingSchema.shape));
  const range = { start: v.start, end: v.end };
  const ds = strat.market.kind === "perpetual"
    ? await loadPerpetual({ candles: v.candles, funding: v.funding ?? "", mark: v.mark ?? "" }, { range })
    : await loadSpot(v.candles, { range });
  const bars = barsFromDataset(ds);
  let rows: Int32Array, proba;
  if (v.proba) {
    const j = JSON.parse(await Deno.readTextFile(v.proba)) as { rows: number[]; data: number[] };
    rows = Int32Array.from(j.rows);
    proba = { nRows: j.rows.length, nClasses: 3, data: Float64Array.from(j.data) };
  } else if (seed !== undefined) {
    rows = Int32Array.from({ length: bars.close.length }, (_, i) => i);
    proba = randomProba(rows.length, seed);
  } else {
    throw new UsageError(`Cannot run backtest: pass --proba <file.json> or --random-seed <n>; ${_USAGE}`);
  }
  const r = backtest({ bars, rows, proba, intervalMs: ds.intervalMs, ...strat });
  const summary = {
    strategy: strat.name,
    bars: r.equity.length,
    metrics: r.metrics,
    buyAndHold: r.buyAndHold,
    attribution: r.attribution,
    flags: { ...r.flags, missingFunding: { count: r.flags.missingFunding.count } },
  };
  if (v.out) {
    await writeJsonAtomic(v.out, { ...summary, trades: r.trades, equity: Array.from(r.equity) });
  }
  return summary;
}

if (import.meta.main) {
  await runTask(SPEC, async (args) => console.log(JSON.stringify(await main(args), null, 2)));
}
