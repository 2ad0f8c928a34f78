/**
 * Backtest benchmark: 1,000,000 synthetic 1-minute bars (seeded close path) with random class
 * probabilities. Prints one JSON line per engine: {"stage":"backtest","engine","seconds","cpuSeconds","rows"}.
 * The policy is the peer's (enter at p >= 0.5, fixed size 1) plus a stop-loss, take-profit and cooldown.
 * `cpuSeconds` (user + system of this process) is printed beside wall time because the machine is shared.
 *
 * Run: `deno task bench:backtest [--rows 1000000]`
 *
 * @module
 */
import process from "node:process";
import { backtest } from "../lib/backtest/backtest.ts";
import { CostsSchema, MarketSchema } from "../lib/backtest/config.ts";
import { randomProba, syntheticBars } from "../lib/backtest/synthetic.ts";
import { replay } from "../lib/state/replay.ts";
import { RiskSchema, SignalPolicySchema } from "../lib/strategy/config.ts";
import { peerBacktest } from "./peer_backtest.ts";

/**
 * Runs the engines once each on `rows` bars and returns their timings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchBacktest } from "./backtest.ts";
 * const out = benchBacktest(1000);
 * assert.deepEqual(out.map((o) => o.engine), ["vectorised", "vectorised+trade-objects", "peer", "replay-no-persist"]);
 * ```
 */
export function benchBacktest(
  rows: number,
): { stage: string; engine: string; seconds: number; cpuSeconds: number; rows: number }[] {
  const minute = 60_000;
  const bars = syntheticBars(rows, 42, { intervalMs: minute, vol: 0.001 });
  const proba = randomProba(rows, 43, 2);
  const idx = Int32Array.from({ length: rows }, (_, i) => i);
  const input = {
    bars,
    rows: idx,
    proba,
    intervalMs: minute,
    policy: SignalPolicySchema.parse({ entry: 0.5, exit: 0.5, minSize: 1, maxSize: 1 }),
    risk: RiskSchema.parse({ stopLoss: 0.01, takeProfit: 0.02, cooldownBars: 5 }),
    costs: CostsSchema.parse({ takerBps: 5, slippage: { kind: "fixed", bps: 1 } }),
    market: MarketSchema.parse({ kind: "spot" }),
  };
  // as the experiment pipeline runs it (plain arrays; ADR-036)
  const engines: [string, () => unknown][] = [
    ["vectorised", () => backtest(input)],
    // the same, then every trade made into an object (what a caller reading result.trades pays)
    ["vectorised+trade-objects", () => backtest(input).trades.length],
    ["peer", () => peerBacktest(bars.close, idx, proba, { fee: 5e-4, threshold: 0.5 })],
    ["replay-no-persist", () => replay({ ...input, db: null, runId: "bench", strategy: "bench" })],
  ];
  return engines.map(([engine, run]) => {
    const c0 = process.cpuUsage();
    const t = performance.now();
    run();
    const seconds = (performance.now() - t) / 1000;
    const c = process.cpuUsage(c0);
    return { stage: "backtest", engine, seconds, cpuSeconds: (c.user + c.system) / 1e6, rows };
  });
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--rows");
  const rows = i >= 0 ? Number(Deno.args[i + 1]) : 1_000_000;
  for (const line of benchBacktest(rows)) console.log(JSON.stringify(line));
}
