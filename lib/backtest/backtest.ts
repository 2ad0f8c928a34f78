/**
 * `backtest()`: runs the engine over every bar from the first to the last probability row and returns
 * the equity curve, the trades with their attribution, metrics with buy-and-hold beside them, and flags.
 *
 * @module
 */
import {
  type BacktestInput,
  type BarEvents,
  type EngineContext,
  type EngineState,
  initialState,
  makeContext,
  openTradeSnapshot,
  stepBar,
  type Trade,
} from "./engine.ts";
import { type CurveMetrics, curveMetrics } from "./metrics.ts";
import { TradeLog } from "./trade_log.ts";

/** Sums of the attribution items over the run (quote currency). */
export interface Attribution {
  pricePnl: number;
  gapPnl: number;
  fees: number;
  slippage: number;
  funding: number;
  /** pricePnl + gapPnl - fees - slippage + funding; equals the equity change. */
  net: number;
}

const _ATTRIBUTION = ["pricePnl", "gapPnl", "fees", "slippage", "funding", "net"] as const;

/** Strategy metrics: the curve's plus trade statistics. */
export interface BacktestMetrics extends CurveMetrics {
  /** Share of closed trades with net > 0. */
  hitRate: number;
  /** Traded notional / average equity, over the whole run. */
  turnover: number;
  /** Share of bars that end with a position. */
  exposure: number;
  /** Mean net PnL per trade (closed and open), quote currency. */
  avgTrade: number;
  nTrades: number;
}

/** How a backtest allocates its bar-sized arrays (not what it computes). */
export interface BacktestOptions {
  /**
   * Allocator of the equity and position curves and the trade log's chunks (default `new Float64Array(n)`);
   * bench/alloc.ts's huge-page arena uses it (no task does; ADR-036).
   */
  alloc?: (n: number) => Float64Array;
}

/** What a backtest returns. */
export interface BacktestResult {
  /** Bar timestamps from the first to the last probability row (a view of the input's). */
  timestamp: Float64Array;
  /** Equity at each bar's close. */
  equity: Float64Array;
  /** Signed quantity held at each bar's close. */
  position: Float64Array;
  /** Closed trades, then the open one (if any) marked at the last close with `open: true` (made on first read). */
  trades: Trade[];
  attribution: Attribution;
  metrics: BacktestMetrics;
  /** Buy-and-hold close-to-close over the same bars, no costs. */
  buyAndHold: CurveMetrics;
  flags: {
    missingFunding: { count: number; timestamps: number[] };
    gaps: { count: number; items: { from: number; to: number; pnl: number }[] };
    /** Funding events priced at the bar open because no mark price was available. */
    markFallbacks: number;
    liquidations: number;
  };
  finalState: EngineState;
}

/**
 * Runs a bar-based backtest. Decisions at a bar's close fill at the next bar's open; see ADR-018.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backtest } from "./backtest.ts";
 * import { CostsSchema, MarketSchema } from "./config.ts";
 * import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
 * const c = new Float64Array([100, 100, 110, 121]);
 * const r = backtest({
 *   bars: { timestamp: new Float64Array([0, 1, 2, 3]), open: c, high: c, low: c, close: c },
 *   rows: new Int32Array([0, 1, 2, 3]),
 *   proba: { nRows: 4, nClasses: 3, data: new Float64Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]) },
 *   intervalMs: 1, policy: SignalPolicySchema.parse({}), risk: RiskSchema.parse({}),
 *   costs: CostsSchema.parse({ takerBps: 0, slippage: { kind: "fixed", bps: 0 } }),
 *   market: MarketSchema.parse({ kind: "spot" }), initialEquity: 1000,
 * });
 * assert.ok(Math.abs(r.equity[3] - 1210) < 1e-9 && r.trades.length === 1 && r.trades[0].open);
 * ```
 */
export function backtest(input: BacktestInput, options: BacktestOptions = {}): BacktestResult {
  const run = new BacktestRun(input, options);
  while (!run.done) run.step();
  return run.result();
}

/**
 * One backtest advanced a bar at a time (what `backtest()` loops over). Between two `step()` calls the
 * decision for the next open is in `state.pending`; a portfolio coordinator may replace it there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BacktestRun } from "./backtest.ts";
 * import { CostsSchema, MarketSchema } from "./config.ts";
 * import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
 * import { randomProba, syntheticBars } from "./synthetic.ts";
 * const run = new BacktestRun({
 *   bars: syntheticBars(10, 1), rows: Int32Array.from({ length: 10 }, (_, i) => i), proba: randomProba(10, 2),
 *   intervalMs: 3600000, policy: SignalPolicySchema.parse({}), risk: RiskSchema.parse({}),
 *   costs: CostsSchema.parse({}), market: MarketSchema.parse({ kind: "spot" }),
 * });
 * let steps = 0;
 * while (!run.done) (run.step(), steps++);
 * assert.equal(steps, 10);
 * assert.equal(run.result().equity.length, 10);
 * ```
 */
export class BacktestRun {
  readonly ctx: EngineContext;
  readonly state: EngineState;
  readonly #input: BacktestInput;
  readonly #equity: Float64Array;
  readonly #position: Float64Array;
  readonly #skip: Uint8Array;
  readonly #trades: TradeLog;
  readonly #missing: number[] = [];
  readonly #gaps: { from: number; to: number; pnl: number }[] = [];
  readonly #ev: BarEvents = { missingFunding: [], gap: null, markFallback: false, traded: 0 };
  #j = 0;
  #markFallbacks = 0;
  #traded = 0;
  #exposed = 0;

  constructor(input: BacktestInput, options: BacktestOptions = {}) {
    const alloc = options.alloc ?? ((k: number) => new Float64Array(k));
    this.#input = input;
    this.ctx = makeContext(input);
    this.state = initialState(input.initialEquity ?? 10_000, this.ctx.first);
    const n = this.ctx.last - this.ctx.first + 1;
    this.#equity = alloc(n);
    this.#position = alloc(n);
    this.#trades = new TradeLog(undefined, alloc);
    this.#skip = new Uint8Array(n);
  }

  /** True once the last probability row's bar is processed. */
  get done(): boolean {
    return this.state.bar >= this.ctx.last;
  }

  /** UTC ms of the next bar to process. */
  get nextTime(): number {
    return this.ctx.bars.timestamp[this.state.bar + 1];
  }

  /** Processes the next bar. */
  step(): void {
    const s = this.state, ev = this.#ev, j = this.#j++;
    stepBar(this.ctx, s, this.#trades, ev);
    this.#equity[j] = s.equity;
    this.#position[j] = s.qty;
    if (s.qty !== 0) this.#exposed++;
    this.#traded += ev.traded;
    if (ev.gap) {
      this.#gaps.push(ev.gap);
      this.#skip[j] = 1;
    }
    if (ev.missingFunding.length) { for (const t of ev.missingFunding) this.#missing.push(t); }
    if (ev.markFallback) this.#markFallbacks++;
  }

  /**
   * The result over the bars processed so far. `timestamp` is a view of the input bars and `equity` /
   * `position` are views of the run's own arrays (their values are final once a bar is processed): copy
   * them before changing them.
   */
  result(): BacktestResult {
    const input = this.#input, s = this.state, log = this.#trades;
    const start = this.ctx.first, n = this.#j;
    // views, not copies (fresh memory is slow to touch on some VMs): bars already processed never change
    const equity = this.#equity.subarray(0, n), position = this.#position.subarray(0, n), skip = this.#skip;
    const missing = this.#missing, gaps = this.#gaps, markFallbacks = this.#markFallbacks;
    const traded = this.#traded, exposed = this.#exposed;
    const ts = input.bars.timestamp.subarray(start, start + n);
    const last = start + n - 1;
    const open = openTradeSnapshot(s, ts[n - 1], input.bars.close[last]);
    // summed over the closed trades, then the open one: the same additions in the same order as a loop
    // over trade objects
    const att = {} as Attribution;
    for (const f of _ATTRIBUTION) att[f] = log.sum(f) + (open ? open[f] : 0);
    const { wins, liquidations } = log.counts();
    const nAll = log.length + (open ? 1 : 0);
    let trades: Trade[] | null = null;
    let eqSum = 0;
    for (let j = 0; j < n; j++) eqSum += equity[j];
    const bh = input.bars.close.subarray(start, start + n);
    return {
      timestamp: ts,
      equity,
      position,
      // objects are made on first read (a million-bar run may hold ~200,000 trades)
      get trades(): Trade[] {
        if (trades === null) {
          trades = log.toArray();
          if (open) trades.push(open);
        }
        return trades;
      },
      attribution: att,
      metrics: {
        ...curveMetrics(equity, ts, input.intervalMs, skip),
        hitRate: log.length ? wins / log.length : 0,
        turnover: traded / (eqSum / n),
        exposure: exposed / n,
        avgTrade: nAll ? att.net / nAll : 0,
        nTrades: nAll,
      },
      buyAndHold: curveMetrics(bh, ts, input.intervalMs, skip),
      flags: {
        missingFunding: { count: missing.length, timestamps: [...missing] },
        gaps: { count: gaps.length, items: [...gaps] },
        markFallbacks,
        liquidations,
      },
      finalState: structuredClone(s),
    };
  }
}
