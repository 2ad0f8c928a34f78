/**
 * The portfolio coordinator: between the strategies' target positions and execution. Strategies never
 * see it; a later coordinator (netting, risk budgets) replaces the pass-through without touching them.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/** A strategy's target for one decision time: signed size as a fraction of its equity. */
export interface StrategyTarget {
  strategy: string;
  market: string;
  /** UTC ms of the bar whose close produced the decision. */
  time: number;
  size: number;
}

/** Receives every strategy's targets for one decision time and returns the positions to execute. */
export interface PortfolioCoordinator {
  readonly kind: string;
  coordinate(targets: readonly StrategyTarget[]): Map<string, StrategyTarget>;
}

/**
 * Pass-through coordinator: each strategy's target unchanged, keyed by strategy. Strategies run
 * independently and may hold opposite positions on the same market at the same time (ADR-001).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PassThroughCoordinator } from "./coordinator.ts";
 * const out = new PassThroughCoordinator().coordinate([
 *   { strategy: "a", market: "BTCUSDT", time: 0, size: 0.5 },
 *   { strategy: "b", market: "BTCUSDT", time: 0, size: -1 },
 * ]);
 * assert.equal(out.get("a")!.size, 0.5);
 * assert.equal(out.get("b")!.size, -1);
 * ```
 */
export class PassThroughCoordinator implements PortfolioCoordinator {
  readonly kind = "pass-through";

  coordinate(targets: readonly StrategyTarget[]): Map<string, StrategyTarget> {
    const out = new Map<string, StrategyTarget>();
    for (const t of targets) {
      if (out.has(t.strategy)) {
        throw new CandlelabError(
          `Cannot coordinate: strategy "${t.strategy}" sent two targets for time ${t.time}; send one target per strategy per decision`,
        );
      }
      out.set(t.strategy, { ...t });
    }
    return out;
  }
}
