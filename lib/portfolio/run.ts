/**
 * Runs several strategies side by side, bar time by bar time, with a coordinator between their
 * decisions and execution. Each strategy keeps its own engine, equity and risk rules.
 *
 * @module
 */
import { type BacktestResult, BacktestRun } from "../backtest/backtest.ts";
import type { BacktestInput } from "../backtest/engine.ts";
import { CandlelabError } from "../util/errors.ts";
import { PassThroughCoordinator, type PortfolioCoordinator, type StrategyTarget } from "./coordinator.ts";

/** One strategy of a portfolio run. */
export interface PortfolioMember {
  strategy: string;
  market: string;
  input: BacktestInput;
}

/**
 * Steps every strategy through its bars in time order; after each decision time the strategies'
 * targets go through `coordinator` and what it returns is what fills at each strategy's next open.
 * A returned size above the strategy's `risk.maxPosition` is refused; a killed strategy stays flat.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPortfolio } from "./run.ts";
 * import { CostsSchema, MarketSchema } from "../backtest/config.ts";
 * import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
 * import { randomProba, syntheticBars } from "../backtest/synthetic.ts";
 * const input = {
 *   bars: syntheticBars(20, 1), rows: Int32Array.from({ length: 20 }, (_, i) => i), proba: randomProba(20, 2),
 *   intervalMs: 3600000, policy: SignalPolicySchema.parse({}), risk: RiskSchema.parse({}),
 *   costs: CostsSchema.parse({}), market: MarketSchema.parse({ kind: "spot" }),
 * };
 * const out = runPortfolio([{ strategy: "a", market: "BTCUSDT", input }]);
 * assert.equal(out.get("a")!.equity.length, 20);
 * ```
 */
export function runPortfolio(
  members: PortfolioMember[],
  coordinator: PortfolioCoordinator = new PassThroughCoordinator(),
): Map<string, BacktestResult> {
  const runs = members.map((m) => ({ ...m, run: new BacktestRun(m.input) }));
  const names = new Set<string>();
  for (const r of runs) {
    if (names.has(r.strategy)) {
      throw new CandlelabError(
        `Cannot run portfolio: strategy name "${r.strategy}" appears twice; give each member its own name`,
      );
    }
    names.add(r.strategy);
  }
  for (;;) {
    let t = Infinity;
    for (const r of runs) if (!r.run.done && r.run.nextTime < t) t = r.run.nextTime;
    if (t === Infinity) break;
    const targets: StrategyTarget[] = [];
    for (const r of runs) {
      if (r.run.done || r.run.nextTime !== t) continue;
      r.run.step();
      targets.push({ strategy: r.strategy, market: r.market, time: t, size: r.run.state.pending });
    }
    const decided = coordinator.coordinate(targets);
    for (const r of runs) {
      const d = decided.get(r.strategy);
      if (!d || d.time !== t) continue;
      const cap = r.input.risk.maxPosition;
      if (!(Math.abs(d.size) <= cap)) {
        throw new CandlelabError(
          `Cannot execute coordinator ${coordinator.kind} output: size ${d.size} for strategy "${r.strategy}" at ${
            new Date(t).toISOString()
          } is above its cap maxPosition ${cap}; the coordinator must keep sizes within each strategy's cap`,
        );
      }
      r.run.state.pending = r.run.state.killed ? 0 : d.size;
    }
  }
  return new Map(runs.map((r) => [r.strategy, r.run.result()]));
}
