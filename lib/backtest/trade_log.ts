/**
 * Closed trades stored as numbers (a row of 12 per trade) in fixed-size Float64Array chunks instead of one
 * object each. A million-bar backtest can close ~200,000 trades; as objects they took ~0.3 s to allocate on
 * the development VM, where first touching fresh memory is slow. Chunks are never copied when the log grows,
 * and come from the caller's allocator (default `new Float64Array`). `Trade` objects are made only when
 * asked for (`get`, `toArray`): the experiment pipeline takes its counts and sums from the log and makes the
 * objects once, for the trade list in backtest.json.
 *
 * @module
 */
import type { ExitReason, Trade, TradeSink } from "./engine.ts";

const _REASONS: readonly ExitReason[] = [
  "signal",
  "stopLoss",
  "takeProfit",
  "liquidation",
  "killSwitch",
  "end",
];
const _W = 12;
// row layout
const _SIDE = 0, _ENTRY_TIME = 1, _ENTRY_PRICE = 2, _EXIT_TIME = 3, _EXIT_PRICE = 4, _QTY = 5;
const _PRICE_PNL = 6, _GAP_PNL = 7, _FEES = 8, _SLIPPAGE = 9, _FUNDING = 10, _REASON = 11;

/** Attribution field names a {@link TradeLog} can sum without making objects. */
export type TradeSumField = "pricePnl" | "gapPnl" | "fees" | "slippage" | "funding" | "net";

/**
 * An append-only log of closed trades.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TradeLog } from "./trade_log.ts";
 * const log = new TradeLog();
 * log.push({ side: 1, entryTime: 0, entryPrice: 100, exitTime: 60000, exitPrice: 110, qty: 2, pricePnl: 20,
 *   gapPnl: 0, fees: 0.5, slippage: 0.1, funding: -0.2, net: 19.2, exitReason: "takeProfit", open: false });
 * assert.equal(log.length, 1);
 * assert.equal(log.get(0).exitReason, "takeProfit");
 * assert.equal(log.sum("fees"), 0.5);
 * ```
 */
export class TradeLog implements TradeSink {
  readonly copies = true;
  readonly #chunk: number;
  readonly #alloc: (n: number) => Float64Array;
  readonly #chunks: Float64Array[] = [];
  #n = 0;

  /**
   * @param chunkTrades trades per chunk (default 32,768: 3 MB, big enough for huge pages)
   * @param alloc allocator of a chunk's Float64Array (default `new Float64Array(n)`)
   */
  constructor(chunkTrades = 32_768, alloc: (n: number) => Float64Array = (n) => new Float64Array(n)) {
    if (!(Number.isInteger(chunkTrades) && chunkTrades >= 1)) {
      throw new RangeError(`TradeLog: chunkTrades must be an integer >= 1, current value is ${chunkTrades}`);
    }
    this.#chunk = chunkTrades;
    this.#alloc = alloc;
  }

  /** Number of trades. */
  get length(): number {
    return this.#n;
  }

  /** Appends a copy of `t`'s values (`net` is recomputed from the attribution when read); returns the new length. */
  push(t: Trade): number {
    const c = (this.#n / this.#chunk) | 0;
    if (c === this.#chunks.length) this.#chunks.push(this.#alloc(this.#chunk * _W));
    const d = this.#chunks[c], o = (this.#n - c * this.#chunk) * _W;
    d[o + _SIDE] = t.side;
    d[o + _ENTRY_TIME] = t.entryTime;
    d[o + _ENTRY_PRICE] = t.entryPrice;
    d[o + _EXIT_TIME] = t.exitTime;
    d[o + _EXIT_PRICE] = t.exitPrice;
    d[o + _QTY] = t.qty;
    d[o + _PRICE_PNL] = t.pricePnl;
    d[o + _GAP_PNL] = t.gapPnl;
    d[o + _FEES] = t.fees;
    d[o + _SLIPPAGE] = t.slippage;
    d[o + _FUNDING] = t.funding;
    d[o + _REASON] = _reasonCode(t.exitReason);
    return ++this.#n;
  }

  /** Trade `i` as an object (closed: `open` is false). */
  get(i: number): Trade {
    if (!(i >= 0 && i < this.#n && Number.isInteger(i))) {
      throw new RangeError(`TradeLog.get: index ${i} is outside [0, ${this.#n})`);
    }
    const c = (i / this.#chunk) | 0;
    const d = this.#chunks[c], o = (i - c * this.#chunk) * _W;
    const t: Trade = {
      side: d[o + _SIDE] > 0 ? 1 : -1,
      entryTime: d[o + _ENTRY_TIME],
      entryPrice: d[o + _ENTRY_PRICE],
      exitTime: d[o + _EXIT_TIME],
      exitPrice: d[o + _EXIT_PRICE],
      qty: d[o + _QTY],
      pricePnl: d[o + _PRICE_PNL],
      gapPnl: d[o + _GAP_PNL],
      fees: d[o + _FEES],
      slippage: d[o + _SLIPPAGE],
      funding: d[o + _FUNDING],
      net: _net(d, o),
      exitReason: _REASONS[d[o + _REASON]],
      open: false,
    };
    return t;
  }

  /** Every trade as an object, in the order pushed. */
  toArray(): Trade[] {
    const out = new Array<Trade>(this.#n);
    for (let i = 0; i < this.#n; i++) out[i] = this.get(i);
    return out;
  }

  /** Sum of one attribution field over all trades, in push order (same rounding as summing objects). */
  sum(field: TradeSumField): number {
    let s = 0;
    const f = field === "net" ? -1 : _FIELD[field];
    this.#chunks.forEach((d, c) => {
      const end = Math.min(this.#chunk, this.#n - c * this.#chunk) * _W;
      if (f < 0) { for (let o = 0; o < end; o += _W) s += _net(d, o); }
      else for (let o = f; o < end; o += _W) s += d[o];
    });
    return s;
  }

  /** Number of trades with net > 0, and of trades that ended in liquidation. */
  counts(): { wins: number; liquidations: number } {
    const liq = _REASONS.indexOf("liquidation");
    let wins = 0, liquidations = 0;
    this.#chunks.forEach((d, c) => {
      const end = Math.min(this.#chunk, this.#n - c * this.#chunk) * _W;
      for (let o = 0; o < end; o += _W) {
        if (_net(d, o) > 0) wins++;
        if (d[o + _REASON] === liq) liquidations++;
      }
    });
    return { wins, liquidations };
  }
}

const _FIELD: Record<Exclude<TradeSumField, "net">, number> = {
  pricePnl: _PRICE_PNL,
  gapPnl: _GAP_PNL,
  fees: _FEES,
  slippage: _SLIPPAGE,
  funding: _FUNDING,
};

/** Net PnL of the trade at row offset `o`: the engine's formula, in its order of operations. */
function _net(d: Float64Array, o: number): number {
  return d[o + _PRICE_PNL] + d[o + _GAP_PNL] - d[o + _FEES] - d[o + _SLIPPAGE] + d[o + _FUNDING];
}

function _reasonCode(r: ExitReason): number {
  const k = _REASONS.indexOf(r);
  if (k < 0) throw new RangeError(`TradeLog.push: unknown exit reason ${JSON.stringify(r)}`);
  return k;
}
