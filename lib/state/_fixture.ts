// Test fixture shared by replay_test.ts and the child processes it spawns (not part of the API).
import { randomProba, syntheticBars } from "../backtest/synthetic.ts";
import { CostsSchema, MarketSchema } from "../backtest/config.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
import type { BacktestInput } from "../backtest/engine.ts";

/**
 * A seeded perpetual replay input with a gap, missing funding, stops and leverage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { _fixture } from "./_fixture.ts";
 * assert.equal(_fixture(100, 1).rows.length, 95);
 * ```
 */
export function _fixture(n: number, seed: number): BacktestInput {
  const H = 3600_000;
  const bars = syntheticBars(n, seed, { perpetual: true, vol: 0.015 });
  for (let i = Math.floor(n / 2); i < n; i++) bars.timestamp[i] += 16 * H; // one gap with funding events in it
  for (let i = 0; i < n; i++) {
    bars.fundingRate![i] = bars.timestamp[i] % (8 * H) === 0
      ? (i % 50 === 0 ? NaN : 2e-4 - (i % 7) * 1e-4)
      : NaN;
  }
  return {
    bars,
    rows: Int32Array.from({ length: n - 5 }, (_, i) => i + 5),
    proba: randomProba(n - 5, seed + 1, 2),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ entry: 0.5, exit: 0.4, allowShort: true, minSize: 0.3 }),
    risk: RiskSchema.parse({
      stopLoss: 0.02,
      takeProfit: 0.04,
      cooldownBars: 3,
      maxLeverage: 3,
      maxDrawdown: 0.9,
    }),
    costs: CostsSchema.parse({ takerBps: 5, slippage: { kind: "volatility", k: 0.05 }, leverage: 3 }),
    market: MarketSchema.parse({ kind: "perpetual" }),
    initialEquity: 10_000,
  };
}
