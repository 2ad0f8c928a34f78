/**
 * The backtest engine: bar-based, one small step function per bar for the path-dependent rules
 * (hysteresis, stops, liquidation, kill-switch, cooldown), shared by `backtest()` and by replay
 * (`lib/state/replay.ts`) so both produce the same trades and equity. Conventions: ADR-018.
 *
 * Per bar i, in this order:
 * 1. gap: if `timestamp[i] - timestamp[i-1] > intervalMs`, the move close[i-1] -> open[i] of a held position
 *    is booked as `gapPnl` (not price PnL), the gap is listed, and bar i's return is left out of the
 *    Sharpe/Sortino sample; funding events that fell inside the gap are listed as missing.
 * 2. mark to the open; funding event at open[i] (perpetual): paid on the position carried into the open,
 *    `payment = qty * mark * rate` (longs pay when rate > 0); a missing rate is flagged, never zero-filled.
 * 3. the order decided at close[i-1] fills at open[i] (never on the bar that produced the signal).
 * 4. intrabar risk on high/low: stop-loss / liquidation first, then take-profit; fill at the level, or at
 *    the open when the bar opened past it.
 * 5. mark to close[i]; kill-switch check; decision at close[i] for the next open.
 *
 * @module
 */
import type { ProbaMatrix } from "../models/estimator.ts";
import { CandlelabError } from "../util/errors.ts";
import type { Risk, SignalPolicy } from "../strategy/config.ts";
import { decideTarget, validateProba } from "../strategy/policy.ts";
import type { Costs, Market } from "./config.ts";

/** Bar columns at the engine's boundary (plain typed arrays, same length). */
export interface BacktestBars {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Perpetual: rate of the funding event at the bar's open time, NaN where none. */
  fundingRate?: Float64Array;
  /** Perpetual: mark price at the bar's open (preferred price for funding). */
  markOpen?: Float64Array;
  /** Perpetual: mark price at the bar's close (close of bar i-1 is used when markOpen[i] is missing). */
  markClose?: Float64Array;
}

/** Everything a backtest needs. */
export interface BacktestInput {
  bars: BacktestBars;
  /** Bar index of each probability row, strictly increasing. */
  rows: Int32Array;
  proba: ProbaMatrix;
  intervalMs: number;
  policy: SignalPolicy;
  risk: Risk;
  costs: Costs;
  market: Market;
  /** Starting equity in quote currency. @default 10000 */
  initialEquity?: number;
}

/** Why a trade ended. */
export type ExitReason = "signal" | "stopLoss" | "takeProfit" | "liquidation" | "killSwitch" | "end";

/** One round trip, from flat (or a flip) to flat (or the next flip), with its attribution. */
export interface Trade {
  side: 1 | -1;
  entryTime: number;
  /** Volume-weighted reference entry price (before slippage). */
  entryPrice: number;
  exitTime: number;
  /** Reference exit price (before slippage); the last close for a trade still open at the end. */
  exitPrice: number;
  /** Largest |qty| held during the trade. */
  qty: number;
  pricePnl: number;
  gapPnl: number;
  fees: number;
  slippage: number;
  /** Signed: received > 0, paid < 0. */
  funding: number;
  /** pricePnl + gapPnl - fees - slippage + funding. */
  net: number;
  exitReason: ExitReason;
  /** True when the trade was still open at the last bar (marked, not closed). */
  open: boolean;
}

/** Where the engine puts closed trades: a plain `Trade[]` or a `TradeLog` (trade_log.ts). */
export interface TradeSink {
  push(t: Trade): unknown;
  /** True when `push` copies the trade's values, so the engine may reuse the object for the next trade. */
  readonly copies?: boolean;
}

/** The engine's whole state: JSON-serialisable, enough to continue from the next bar. */
export interface EngineState {
  /** Last processed bar index (-1 before the first). */
  bar: number;
  cash: number;
  qty: number;
  /** Signed size (fraction of equity) last executed. */
  size: number;
  entryPrice: number;
  lastMark: number;
  equity: number;
  peak: number;
  /** Target decided at the last close, to fill at the next open. */
  pending: number;
  cooldown: number;
  killed: boolean;
  /** The open trade's accumulators, or null when flat. */
  trade: Trade | null;
  nTrades: number;
}

/** Events of one bar that are not trades: flags and gaps. */
export interface BarEvents {
  missingFunding: number[];
  gap: { from: number; to: number; pnl: number } | null;
  markFallback: boolean;
  /** Turnover of the bar (traded notional at reference prices). */
  traded: number;
}

/** Precomputed per-run context for {@link stepBar}. */
export interface EngineContext {
  bars: BacktestBars;
  /** Bar index of each probability row, strictly increasing (the input's `rows`). */
  rows: Int32Array;
  /** Scratch, not state: where {@link probaRow} last looked in `rows`. */
  cursor: number;
  /** Scratch, not state: a closed trade's object a copying sink has released, reused for the next trade. */
  spare: Trade | null;
  proba: Float64Array;
  /** Fixed slippage as a fraction (0 when volatility-scaled). */
  slipFixed: number;
  /** Volatility-scaled slippage: `slipK` x the previous bar's (high - low) / close (0 when fixed). */
  slipK: number;
  intervalMs: number;
  policy: SignalPolicy;
  risk: Risk;
  fee: number;
  leverage: number;
  perp: boolean;
  fundingIntervalMs: number;
  mmr: number;
  onMissingFunding: "flag" | "error";
  first: number;
  last: number;
}

/**
 * Validates the inputs and prepares the context. Nothing bar-sized is allocated: on some VMs first touching
 * fresh memory costs more than the whole bar loop. Errors name the bad value and say what to do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeContext } from "./engine.ts";
 * import { CostsSchema, MarketSchema } from "./config.ts";
 * import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
 * const c = new Float64Array([100, 101, 102]);
 * const ctx = makeContext({
 *   bars: { timestamp: new Float64Array([0, 60000, 120000]), open: c, high: c, low: c, close: c },
 *   rows: new Int32Array([0, 1]), proba: { nRows: 2, nClasses: 3, data: new Float64Array([0, 0, 1, 0, 1, 0]) },
 *   intervalMs: 60000, policy: SignalPolicySchema.parse({}), risk: RiskSchema.parse({}),
 *   costs: CostsSchema.parse({}), market: MarketSchema.parse({ kind: "spot" }),
 * });
 * assert.ok(ctx.first === 0 && ctx.last === 1);
 * ```
 */
export function makeContext(input: BacktestInput): EngineContext {
  const { bars, rows, proba, intervalMs, policy, risk, costs, market } = input;
  const n = bars.timestamp.length;
  for (const key of ["open", "high", "low", "close"] as const) {
    if (bars[key].length !== n) {
      throw new CandlelabError(
        `Cannot backtest: column ${key} has ${
          bars[key].length
        } rows but timestamp has ${n}; pass columns of one table`,
      );
    }
  }
  if (!(intervalMs > 0)) {
    throw new CandlelabError(`Cannot backtest: intervalMs must be > 0, current value is ${intervalMs}`);
  }
  validateProba(proba);
  if (rows.length !== proba.nRows) {
    throw new CandlelabError(
      `Cannot backtest: ${rows.length} row indices for ${proba.nRows} probability rows; pass the bar index of each probability row`,
    );
  }
  if (rows.length === 0) throw new CandlelabError("Cannot backtest: no probability rows (rows is empty)");
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (!(r >= 0 && r < n) || (k > 0 && r <= rows[k - 1])) {
      throw new CandlelabError(
        `Cannot backtest: rows[${k}] = ${r} is not a strictly increasing bar index in [0, ${n}); sort the rows and drop duplicates`,
      );
    }
  }
  if (policy.maxSize > risk.maxPosition) {
    throw new CandlelabError(
      `Cannot backtest: policy maxSize ${policy.maxSize} is above the risk cap maxPosition ${risk.maxPosition}; lower maxSize or raise maxPosition`,
    );
  }
  if (costs.leverage > risk.maxLeverage) {
    throw new CandlelabError(
      `Cannot backtest: costs leverage ${costs.leverage} is above the risk cap maxLeverage ${risk.maxLeverage}; lower leverage or raise maxLeverage`,
    );
  }
  const perp = market.kind === "perpetual";
  if (!perp && costs.leverage !== 1) {
    throw new CandlelabError(
      `Cannot backtest spot: leverage must be 1, current value is ${costs.leverage}; use a perpetual market for leverage`,
    );
  }
  if (!perp && policy.allowShort) {
    throw new CandlelabError(
      "Cannot backtest spot: policy allowShort is true but spot cannot be shorted; set allowShort: false or use a perpetual market",
    );
  }
  const fundingIntervalMs = perp ? market.fundingIntervalMs : 0;
  if (perp) {
    const f = bars.fundingRate;
    if (!f || f.length !== n) {
      throw new CandlelabError(
        `Cannot backtest a perpetual: bars.fundingRate is ${
          f ? `of length ${f.length}, not ${n}` : "missing"
        }; pass the funding_rate column (NaN where no event)`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(f[i]) && bars.timestamp[i] % fundingIntervalMs !== 0) {
        throw new CandlelabError(
          `Cannot backtest: funding rate ${f[i]} at bar ${i} (${
            new Date(bars.timestamp[i]).toISOString()
          }) is not on the funding schedule (every ${fundingIntervalMs} ms); the funding series is misaligned with the bars, align events to bar opens`,
        );
      }
    }
  }
  return {
    bars,
    rows,
    cursor: 0,
    spare: null,
    proba: proba.data,
    slipFixed: costs.slippage.kind === "fixed" ? costs.slippage.bps / 1e4 : 0,
    slipK: costs.slippage.kind === "fixed" ? 0 : costs.slippage.k,
    intervalMs,
    policy,
    risk,
    fee: costs.takerBps / 1e4,
    leverage: costs.leverage,
    perp,
    fundingIntervalMs,
    mmr: perp ? market.maintenanceMarginRate : 0,
    onMissingFunding: perp ? market.onMissingFunding : "flag",
    first: rows[0],
    last: rows[rows.length - 1],
  };
}

/**
 * The probability row of bar `i`, or -1 when the bar has none. Amortised O(1) when bars are asked for in
 * order (as the engine does); any other order falls back to a binary search.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probaRow } from "./engine.ts";
 * const ctx = { rows: new Int32Array([2, 3, 7]), cursor: 0 };
 * assert.deepEqual([0, 2, 3, 5, 7, 8, 3].map((i) => probaRow(ctx, i)), [-1, 0, 1, -1, 2, -1, 1]);
 * ```
 */
export function probaRow(ctx: Pick<EngineContext, "rows" | "cursor">, i: number): number {
  const rows = ctx.rows;
  let k = ctx.cursor;
  if (k > 0 && rows[k - 1] >= i) {
    let lo = 0, hi = k - 1; // first k with rows[k] >= i lies in [0, k - 1]
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    k = lo;
  }
  while (k < rows.length && rows[k] < i) k++;
  ctx.cursor = k;
  return k < rows.length && rows[k] === i ? k : -1;
}

/** Slippage fraction of a fill at bar `i`. */
function _slip(ctx: EngineContext, i: number): number {
  if (ctx.slipK === 0 || i === 0) return ctx.slipFixed;
  const b = ctx.bars;
  return ctx.slipK * (b.high[i - 1] - b.low[i - 1]) / b.close[i - 1];
}

/**
 * The state before the first bar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialState } from "./engine.ts";
 * assert.ok(initialState(10000, 5).equity === 10000);
 * ```
 */
export function initialState(initialEquity: number, firstBar: number): EngineState {
  if (!(initialEquity > 0)) {
    throw new CandlelabError(`Cannot backtest: initialEquity must be > 0, current value is ${initialEquity}`);
  }
  return {
    bar: firstBar - 1,
    cash: initialEquity,
    qty: 0,
    size: 0,
    entryPrice: 0,
    lastMark: 0,
    equity: initialEquity,
    peak: initialEquity,
    pending: 0,
    cooldown: 0,
    killed: false,
    trade: null,
    nTrades: 0,
  };
}

/**
 * Processes bar `state.bar + 1`: mutates `state`, pushes closed trades to `closed` (a `Trade[]`, or a
 * `TradeLog` that copies them so their objects are reused), returns the bar's events
 * (in `events` when given: it is reset and reused, which saves an allocation per bar).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialState, makeContext, stepBar, type Trade } from "./engine.ts";
 * import { CostsSchema, MarketSchema } from "./config.ts";
 * import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
 * const c = new Float64Array([100, 110, 121]);
 * const ctx = makeContext({
 *   bars: { timestamp: new Float64Array([0, 1, 2]), open: c, high: c, low: c, close: c },
 *   rows: new Int32Array([0, 1, 2]), proba: { nRows: 3, nClasses: 3, data: new Float64Array([0, 0, 1, 0, 0, 1, 0, 1, 0]) },
 *   intervalMs: 1, policy: SignalPolicySchema.parse({}), risk: RiskSchema.parse({}),
 *   costs: CostsSchema.parse({ takerBps: 0, slippage: { kind: "fixed", bps: 0 } }), market: MarketSchema.parse({ kind: "spot" }),
 * });
 * const s = initialState(1000, ctx.first);
 * const closed: Trade[] = [];
 * for (let i = ctx.first; i <= ctx.last; i++) stepBar(ctx, s, closed);
 * assert.ok(Math.abs(s.equity - 1100) < 1e-9); // long 1000 at 110, marked at 121
 * ```
 */
export function stepBar(
  ctx: EngineContext,
  s: EngineState,
  closed: TradeSink,
  events?: BarEvents,
): BarEvents {
  const i = s.bar + 1;
  const { timestamp: ts, open, high, low, close } = ctx.bars;
  const ev: BarEvents = events ?? { missingFunding: [], gap: null, markFallback: false, traded: 0 };
  if (events) {
    if (ev.missingFunding.length) ev.missingFunding = [];
    ev.gap = null;
    ev.markFallback = false;
    ev.traded = 0;
  }
  const o = open[i];
  if (i > ctx.first) {
    const contiguous = ts[i] - ts[i - 1] <= ctx.intervalMs;
    // 1-2. carry the position to the open
    if (s.qty !== 0) {
      const move = s.qty * (o - s.lastMark);
      if (contiguous) s.trade!.pricePnl += move;
      else s.trade!.gapPnl += move;
      s.lastMark = o;
    }
    if (!contiguous) {
      ev.gap = { from: ts[i - 1], to: ts[i], pnl: 0 };
      if (s.qty !== 0) ev.gap.pnl = s.qty * (o - close[i - 1]);
      if (ctx.perp) {
        const fi = ctx.fundingIntervalMs;
        for (let t = Math.floor(ts[i - 1] / fi) * fi + fi; t < ts[i]; t += fi) {
          if (t > ts[i - 1]) ev.missingFunding.push(t);
        }
      }
    }
    if (ctx.perp && ts[i] % ctx.fundingIntervalMs === 0) {
      const rate = ctx.bars.fundingRate![i];
      if (Number.isNaN(rate)) ev.missingFunding.push(ts[i]);
      else if (s.qty !== 0) {
        let mark = ctx.bars.markOpen ? ctx.bars.markOpen[i] : NaN;
        if (!(mark > 0) && contiguous && ctx.bars.markClose) mark = ctx.bars.markClose[i - 1];
        if (!(mark > 0)) {
          mark = o;
          ev.markFallback = true;
        }
        const pay = -s.qty * mark * rate;
        s.cash += pay;
        s.trade!.funding += pay;
      }
    }
    if (ev.missingFunding.length > 0 && ctx.onMissingFunding === "error") {
      throw new CandlelabError(
        `Cannot backtest: funding event(s) expected at ${
          ev.missingFunding.map((t) => new Date(t).toISOString()).join(", ")
        } have no rate; fill the funding data or set market.onMissingFunding: flag`,
      );
    }
    // 3. fill the order decided at the previous close
    _fillTarget(ctx, s, i, closed, ev);
    // 4. intrabar risk
    if (s.qty !== 0) _intrabar(ctx, s, i, o, high[i], low[i], closed, ev);
  }
  // 5. mark to the close, kill-switch, decide
  const c = close[i];
  if (s.qty !== 0) {
    s.trade!.pricePnl += s.qty * (c - s.lastMark);
    s.lastMark = c;
  }
  s.equity = s.cash + s.qty * c;
  if (s.equity > s.peak) s.peak = s.equity;
  const maxDd = ctx.risk.maxDrawdown;
  if (maxDd !== null && !s.killed && s.equity < s.peak * (1 - maxDd)) s.killed = true;
  const k = probaRow(ctx, i);
  let target = 0;
  if (k >= 0) {
    const p = ctx.proba;
    target = decideTarget(p[3 * k], p[3 * k + 1], p[3 * k + 2], Math.sign(s.qty), ctx.policy);
  }
  if (s.cooldown > 0) {
    target = 0;
    s.cooldown--;
  }
  if (s.killed) target = 0;
  s.pending = target;
  s.bar = i;
  return ev;
}

function _fillTarget(ctx: EngineContext, s: EngineState, i: number, closed: TradeSink, ev: BarEvents): void {
  const target = s.pending;
  const o = ctx.bars.open[i];
  const cur = s.size;
  if (target === 0 && s.qty === 0) return;
  const sameSide = Math.sign(target) === Math.sign(s.qty) && s.qty !== 0;
  if (sameSide && Math.abs(target - cur) < ctx.policy.rebalanceBand) return;
  const reason: ExitReason = s.killed ? "killSwitch" : "signal";
  if (s.qty !== 0 && !sameSide) _close(ctx, s, i, o, reason, closed, ev);
  if (target === 0) return;
  const equityNow = s.cash + s.qty * o;
  if (!(equityNow > 0)) return;
  const targetQty = target * ctx.leverage * equityNow / o;
  _trade(ctx, s, i, targetQty - s.qty, o, ev);
  s.size = target;
}

/** A trade before its first fill; a new trade starts as a copy (or a reused object reset to it). */
const _BLANK_TRADE: Readonly<Trade> = {
  side: 1,
  entryTime: 0,
  entryPrice: 0,
  exitTime: 0,
  exitPrice: 0,
  qty: 0,
  pricePnl: 0,
  gapPnl: 0,
  fees: 0,
  slippage: 0,
  funding: 0,
  net: 0,
  exitReason: "end",
  open: true,
};

/** Trades dq at reference price px: cash moves at px, slippage and the fee are costs on top. */
function _trade(ctx: EngineContext, s: EngineState, i: number, dq: number, px: number, ev: BarEvents): void {
  if (dq === 0) return;
  const slip = _slip(ctx, i);
  const slipCost = Math.abs(dq) * px * slip;
  const fillPx = px * (1 + Math.sign(dq) * slip);
  const fee = Math.abs(dq) * fillPx * ctx.fee;
  if (s.qty === 0) {
    const t = ctx.spare ? Object.assign(ctx.spare, _BLANK_TRADE) : { ..._BLANK_TRADE };
    ctx.spare = null;
    t.side = dq > 0 ? 1 : -1;
    t.entryTime = ctx.bars.timestamp[i];
    t.entryPrice = px;
    s.trade = t;
    s.entryPrice = px;
  } else if (Math.sign(dq) === Math.sign(s.qty)) {
    s.entryPrice = (s.entryPrice * Math.abs(s.qty) + px * Math.abs(dq)) / Math.abs(s.qty + dq);
    s.trade!.entryPrice = s.entryPrice;
  }
  s.cash -= dq * px + slipCost + fee;
  s.qty += dq;
  s.lastMark = px;
  const t = s.trade!;
  t.fees += fee;
  t.slippage += slipCost;
  if (Math.abs(s.qty) > t.qty) t.qty = Math.abs(s.qty);
  ev.traded += Math.abs(dq) * px;
}

function _close(
  ctx: EngineContext,
  s: EngineState,
  i: number,
  px: number,
  reason: ExitReason,
  closed: TradeSink,
  ev: BarEvents,
): void {
  const t = s.trade!;
  if (px !== s.lastMark) {
    t.pricePnl += s.qty * (px - s.lastMark);
    s.lastMark = px;
  }
  _trade(ctx, s, i, -s.qty, px, ev);
  s.qty = 0; // exact zero, whatever the rounding of qty + dq
  t.exitTime = ctx.bars.timestamp[i];
  t.exitPrice = px;
  t.exitReason = reason;
  t.open = false;
  t.net = t.pricePnl + t.gapPnl - t.fees - t.slippage + t.funding;
  closed.push(t);
  if (closed.copies) ctx.spare = t;
  s.trade = null;
  s.size = 0;
  s.entryPrice = 0;
  s.nTrades++;
}

function _intrabar(
  ctx: EngineContext,
  s: EngineState,
  i: number,
  o: number,
  h: number,
  l: number,
  closed: TradeSink,
  ev: BarEvents,
): void {
  const { stopLoss, takeProfit, cooldownBars } = ctx.risk;
  const e = s.entryPrice, L = ctx.leverage;
  const long = s.qty > 0;
  // adverse level: the stop, or the liquidation price, whichever the price meets first
  let adverse = long ? -Infinity : Infinity;
  let reason: ExitReason = "stopLoss";
  if (stopLoss !== null) adverse = long ? e * (1 - stopLoss) : e * (1 + stopLoss);
  if (ctx.perp) {
    const liq = long ? e * (1 - 1 / L) / (1 - ctx.mmr) : e * (1 + 1 / L) / (1 + ctx.mmr);
    if (long ? liq > adverse : liq < adverse) {
      adverse = liq;
      reason = "liquidation";
    }
  }
  if (long ? o <= adverse : o >= adverse) {
    _close(ctx, s, i, o, reason, closed, ev);
    s.cooldown = cooldownBars;
    return;
  }
  if (long ? l <= adverse : h >= adverse) {
    _close(ctx, s, i, adverse, reason, closed, ev);
    s.cooldown = cooldownBars;
    return;
  }
  if (takeProfit === null) return;
  const tp = long ? e * (1 + takeProfit) : e * (1 - takeProfit);
  if (long ? o >= tp : o <= tp) _close(ctx, s, i, o, "takeProfit", closed, ev);
  else if (long ? h >= tp : l <= tp) _close(ctx, s, i, tp, "takeProfit", closed, ev);
}

/**
 * The open trade as it stands after the last processed bar (marked at the last close), or null when flat.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialState, openTradeSnapshot } from "./engine.ts";
 * assert.ok(openTradeSnapshot(initialState(1000, 0), 0, 100) === null);
 * ```
 */
export function openTradeSnapshot(s: EngineState, time: number, price: number): Trade | null {
  if (s.trade === null) return null;
  const t = { ...s.trade, exitTime: time, exitPrice: price, exitReason: "end" as const, open: true };
  t.net = t.pricePnl + t.gapPnl - t.fees - t.slippage + t.funding;
  return t;
}
