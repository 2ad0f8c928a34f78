import assert from "node:assert/strict";
import { TradeLog } from "./trade_log.ts";
import { initialState, makeContext, stepBar, type Trade } from "./engine.ts";
import { backtest } from "./backtest.ts";
import { CostsSchema, MarketSchema } from "./config.ts";
import { randomProba, syntheticBars } from "./synthetic.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";

const reasons = ["signal", "stopLoss", "takeProfit", "liquidation", "killSwitch", "end"] as const;

function _trade(k: number): Trade {
  const t: Trade = {
    side: k % 2 ? 1 : -1,
    entryTime: 1_700_000_000_000 + k * 60_000,
    entryPrice: 100 + k / 7,
    exitTime: 1_700_000_000_000 + (k + 3) * 60_000,
    exitPrice: 101 - k / 11,
    qty: 0.1 + k / 13,
    pricePnl: Math.sin(k) * 10,
    gapPnl: k % 5 === 0 ? 0.3 : 0,
    fees: 0.01 * k,
    slippage: 0.001 * k,
    funding: -0.0003 * k,
    net: 0,
    exitReason: reasons[k % reasons.length],
    open: false,
  };
  t.net = t.pricePnl + t.gapPnl - t.fees - t.slippage + t.funding;
  return t;
}

Deno.test("a TradeLog gives back every pushed trade exactly, across chunks", () => {
  const log = new TradeLog(4);
  const trades = Array.from({ length: 37 }, (_, k) => _trade(k));
  for (const t of trades) log.push(t);
  assert.equal(log.length, 37);
  assert.deepEqual(log.toArray(), trades);
  assert.deepEqual(log.get(36), trades[36]);
});

Deno.test("TradeLog sums and counts equal a loop over the trade objects, bit for bit", () => {
  const log = new TradeLog(10);
  const trades = Array.from({ length: 101 }, (_, k) => _trade(k));
  for (const t of trades) log.push(t);
  for (const f of ["pricePnl", "gapPnl", "fees", "slippage", "funding", "net"] as const) {
    let s = 0;
    for (const t of trades) s += t[f];
    assert.equal(log.sum(f), s, f);
  }
  assert.deepEqual(log.counts(), {
    wins: trades.filter((t) => t.net > 0).length,
    liquidations: trades.filter((t) => t.exitReason === "liquidation").length,
  });
});

Deno.test("TradeLog refuses an index outside the log and an unknown exit reason, naming the value", () => {
  const log = new TradeLog();
  log.push(_trade(1));
  assert.throws(() => log.get(1), /index 1 is outside \[0, 1\)/);
  assert.throws(() => log.push({ ..._trade(2), exitReason: "margin" as Trade["exitReason"] }), /"margin"/);
  assert.throws(() => new TradeLog(0), /chunkTrades must be an integer >= 1, current value is 0/);
});

Deno.test("the engine's trades are the same whether the sink is a Trade[] or a reusing TradeLog", () => {
  const rows = 5000;
  const bars = syntheticBars(rows, 7, { intervalMs: 60_000, vol: 0.002 });
  const input = {
    bars,
    rows: Int32Array.from({ length: rows }, (_, i) => i),
    proba: randomProba(rows, 8, 2),
    intervalMs: 60_000,
    policy: SignalPolicySchema.parse({ entry: 0.5, exit: 0.5, minSize: 1, maxSize: 1 }),
    risk: RiskSchema.parse({ stopLoss: 0.005, takeProfit: 0.01, cooldownBars: 2 }),
    costs: CostsSchema.parse({ takerBps: 5, slippage: { kind: "volatility", k: 0.1 } }),
    market: MarketSchema.parse({ kind: "spot" }),
  };
  const ctx = makeContext(input);
  const s = initialState(10_000, ctx.first);
  const plain: Trade[] = [];
  while (s.bar < ctx.last) stepBar(ctx, s, plain);
  assert.ok(plain.length > 300, `only ${plain.length} trades`);
  assert.equal(new Set(plain).size, plain.length, "a Trade[] sink must get a new object per trade");
  const r = backtest(input);
  assert.deepEqual(r.trades.filter((t) => !t.open), plain);
  assert.equal(r.metrics.nTrades, r.trades.length);
  assert.equal(r.finalState.equity, s.equity);
});
