import assert from "node:assert/strict";
import { backtest } from "./backtest.ts";
import { CostsSchema, MarketSchema } from "./config.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
import type { BacktestBars } from "./engine.ts";
import { randomProba, syntheticBars } from "./synthetic.ts";
import { CandlelabError } from "../util/errors.ts";

const H = 3600_000;
const T0 = Date.UTC(2024, 0, 1);
const f64 = (a: number[]) => new Float64Array(a);
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);
/** rows of [pShort, pNeutral, pLong] */
const P = (rows: number[][]) => ({ nRows: rows.length, nClasses: 3, data: f64(rows.flat()) });
const idx = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => i + from);

function bars(ohlc: number[][], t0 = T0): BacktestBars {
  return {
    timestamp: f64(ohlc.map((_, i) => t0 + i * H)),
    open: f64(ohlc.map((r) => r[0])),
    high: f64(ohlc.map((r) => r[1])),
    low: f64(ohlc.map((r) => r[2])),
    close: f64(ohlc.map((r) => r[3])),
  };
}

Deno.test("backtest() spot hand-computed case: next-open fills, resize, fees and slippage", () => {
  const b = bars([[100, 101, 99, 100], [100, 106, 99, 105], [105, 111, 104, 110], [110, 112, 100, 102], [
    102,
    104,
    101,
    103,
  ], [103, 104, 102, 104]]);
  const r = backtest({
    bars: b,
    rows: idx(6),
    // bar 0: long 1.0 | bar 1: p_long 0.75 -> size 0.5 + 0.5 * (0.75 - 0.5) / 0.5 = 0.75 | bar 2: same
    // bar 3: short signal, spot cannot short -> flat | bars 4, 5 neutral
    proba: P([[0, 0, 1], [0, 0.25, 0.75], [0, 0.25, 0.75], [1, 0, 0], [0, 1, 0], [0, 1, 0]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ entry: 0.5, exit: 0.3, minSize: 0.5, maxSize: 1, rebalanceBand: 0.1 }),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse({ takerBps: 10, slippage: { kind: "fixed", bps: 10 } }),
    market: MarketSchema.parse({ kind: "spot" }),
    initialEquity: 1000,
  });
  // bar 0: no fill (the signal of bar 0 fills at bar 1's open), equity 1000
  // bar 1: buy q1 = 1 * 1000 / 100 = 10 at open 100; slippage 10 * 100 * 0.001 = 1;
  //        fee 10 * 100.1 * 0.001 = 1.001; cash = 1000 - 1000 - 1 - 1.001 = -2.001; equity = -2.001 + 10 * 105
  const cash1 = 1000 - 10 * 100 - 1 - 1.001;
  const e1 = cash1 + 10 * 105; // 1047.999
  // bar 2: resize to 0.75 of equity at open 105 (= e1, no move since close 105): q2 = 0.75 * e1 / 105; sell 10 - q2
  const q2 = 0.75 * e1 / 105;
  const d2 = 10 - q2;
  const slip2 = d2 * 105 * 0.001, fee2 = d2 * 105 * 0.999 * 0.001;
  const cash2 = cash1 + d2 * 105 - slip2 - fee2;
  const e2 = cash2 + q2 * 110;
  // bar 3: target 0.75 again, |0.75 - 0.75| < band -> no trade; marked at 102
  const e3 = cash2 + q2 * 102;
  // bar 4: sell q2 at open 102
  const slip4 = q2 * 102 * 0.001, fee4 = q2 * 102 * 0.999 * 0.001;
  const cash4 = cash2 + q2 * 102 - slip4 - fee4;
  assert.deepEqual(Array.from(r.position), [0, 10, q2, q2, 0, 0]);
  for (const [i, want] of [1000, e1, e2, e3, cash4, cash4].entries()) close(r.equity[i], want);
  assert.equal(r.trades.length, 1);
  const t = r.trades[0];
  assert.equal(t.entryTime, T0 + H);
  assert.equal(t.exitTime, T0 + 4 * H);
  assert.equal(t.exitReason, "signal");
  close(t.pricePnl, 10 * (105 - 100) + q2 * (102 - 105)); // 10 units for +5, then q2 units 105 -> 102
  close(t.fees, 1.001 + fee2 + fee4);
  close(t.slippage, 1 + slip2 + slip4);
  close(t.net, cash4 - 1000);
  close(r.metrics.exposure, 3 / 6);
  close(r.buyAndHold.totalReturn, 104 / 100 - 1);
});

Deno.test("backtest() perpetual hand-computed case: short with leverage receives positive funding", () => {
  // bars 04:00 .. 09:00 UTC; the funding event is at 08:00 = bar 4's open
  const b = bars([[200, 201, 199, 200], [200, 201, 197, 198], [198, 199, 195, 196], [196, 197, 194, 195], [
    195,
    196,
    189,
    190,
  ], [190, 193, 189, 192]], T0 + 4 * H);
  b.fundingRate = f64([NaN, NaN, NaN, NaN, 0.0001, NaN]);
  b.markOpen = f64([200, 200, 198, 196, 195.1, 190]);
  const r = backtest({
    bars: b,
    rows: idx(6),
    proba: P([[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ entry: 0.5, allowShort: true }),
    risk: RiskSchema.parse({ maxLeverage: 2 }),
    costs: CostsSchema.parse({ takerBps: 5, slippage: { kind: "fixed", bps: 0 }, leverage: 2 }),
    market: MarketSchema.parse({ kind: "perpetual" }),
    initialEquity: 1000,
  });
  // bar 1: sell q = -1 * 2 * 1000 / 200 = -10 at 200; fee 10 * 200 * 0.0005 = 1; cash = 1000 + 2000 - 1 = 2999
  // closes: 198 -> equity 2999 - 1980 = 1019; 196 -> 1039; 195 -> 1049
  // bar 4 open (08:00): funding = -qty * mark * rate = 10 * 195.1 * 0.0001 = 0.1951 received; close 190 ->
  //   2999.1951 - 1900 = 1099.1951
  // bar 5: buy back 10 at 190, fee 10 * 190 * 0.0005 = 0.95 -> 2999.1951 - 1900 - 0.95 = 1098.2451
  for (const [i, want] of [1000, 1019, 1039, 1049, 1099.1951, 1098.2451].entries()) close(r.equity[i], want);
  const t = r.trades[0];
  assert.equal(t.side, -1);
  close(t.pricePnl, 100); // 10 x (200 - 190)
  close(t.fees, 1.95);
  close(t.funding, 0.1951);
  close(t.net, 98.2451);
  close(r.attribution.net, r.equity[5] - 1000);
  assert.equal(r.flags.missingFunding.count, 0);
});

const FLAT = { takerBps: 0, slippage: { kind: "fixed" as const, bps: 0 } };

Deno.test("backtest() never fills on the bar that produced the signal", () => {
  // bar 1 jumps +10 %: a signal at bar 1's close must not earn it
  const b = bars([[100, 100, 100, 100], [100, 110, 100, 110], [110, 110, 110, 110]]);
  const r = backtest({
    bars: b,
    rows: idx(3),
    proba: P([[0, 1, 0], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "spot" }),
    initialEquity: 1000,
  });
  assert.deepEqual(Array.from(r.equity), [1000, 1000, 1000]);
  assert.equal(r.trades[0].entryTime, T0 + 2 * H);
  assert.equal(r.trades[0].entryPrice, 110);
});

Deno.test("backtest() stop-loss fills at the stop, or at the open when the bar gapped past it, then cools down", () => {
  const b = bars([
    [100, 100, 100, 100],
    [100, 101, 94, 97], // long from 100, stop 95 hit intrabar -> exit at 95
    [97, 98, 96, 97], // cooldown: the signals at bars 1 and 2 are ignored (cooldownBars 2)
    [97, 98, 96, 97], // re-entered at bar 3 open: signal of bar 2 still ignored -> no entry
    [97, 98, 96, 97], // entry at 97 (signal of bar 3)
    [90, 91, 80, 85], // opened below stop 92.15 -> exit at the open 90
  ]);
  const r = backtest({
    bars: b,
    rows: idx(6),
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 1, 0]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({ stopLoss: 0.05, cooldownBars: 2 }),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "spot" }),
    initialEquity: 1000,
  });
  assert.equal(r.trades.length, 2);
  assert.deepEqual(r.trades.map((t) => [t.entryPrice, t.exitPrice, t.exitReason]), [[100, 95, "stopLoss"], [
    97,
    90,
    "stopLoss",
  ]]);
  assert.equal(r.trades[1].entryTime, T0 + 4 * H);
  close(r.equity[5], 1000 * 0.95 * 90 / 97);
});

Deno.test("backtest() take-profit fills at its level; drawdown kill-switch goes flat and stays flat", () => {
  const tp = backtest({
    bars: bars([[100, 100, 100, 100], [100, 112, 99, 105], [105, 105, 105, 105]]),
    rows: idx(3),
    proba: P([[0, 0, 1], [0, 1, 0], [0, 1, 0]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({ takeProfit: 0.1 }),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "spot" }),
    initialEquity: 1000,
  });
  assert.equal(tp.trades[0].exitReason, "takeProfit");
  close(tp.trades[0].exitPrice, 110); // entry 100 x (1 + 0.1)
  const kill = backtest({
    bars: bars([[100, 100, 100, 100], [100, 100, 80, 80], [80, 90, 80, 90], [90, 100, 90, 100], [
      100,
      100,
      100,
      100,
    ]]),
    rows: idx(5),
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({ maxDrawdown: 0.1 }),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "spot" }),
    initialEquity: 1000,
  });
  // -20 % at bar 1's close trips the switch; flat at bar 2's open (80) and never re-entered
  assert.equal(kill.trades.length, 1);
  assert.equal(kill.trades[0].exitReason, "killSwitch");
  assert.deepEqual(Array.from(kill.position).map((q) => q !== 0), [false, true, false, false, false]);
  assert.equal(kill.finalState.killed, true);
});

Deno.test("backtest() liquidates a leveraged long at the liquidation price", () => {
  const b = bars([[100, 100, 100, 100], [100, 100, 85, 95], [95, 95, 95, 95]], T0 + H);
  b.fundingRate = f64([NaN, NaN, NaN]);
  const r = backtest({
    bars: b,
    rows: idx(3),
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ maxSize: 1 }),
    risk: RiskSchema.parse({ maxLeverage: 10 }),
    costs: CostsSchema.parse({ ...FLAT, leverage: 10 }),
    market: MarketSchema.parse({ kind: "perpetual", maintenanceMarginRate: 0.004 }),
    initialEquity: 1000,
  });
  const liq = 100 * (1 - 1 / 10) / (1 - 0.004); // margin + qty (P - e) = mmr * qty * P
  assert.equal(r.trades[0].exitReason, "liquidation");
  close(r.trades[0].exitPrice, liq);
  assert.equal(r.flags.liquidations, 1);
  close(r.equity[1], 1000 + 100 * (liq - 100)); // qty 100; 0.4 % of the notional is left
});

Deno.test("backtest() books the move across a gap in bars as gap PnL and flags it", () => {
  const b = bars([[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100], [120, 120, 120, 120]]);
  b.timestamp[3] = T0 + 10 * H; // 8 bars missing
  const r = backtest({
    bars: b,
    rows: idx(4),
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "spot" }),
    initialEquity: 1000,
  });
  assert.equal(r.flags.gaps.count, 1);
  assert.deepEqual(r.flags.gaps.items[0], { from: T0 + 2 * H, to: T0 + 10 * H, pnl: 200 });
  close(r.trades[0].gapPnl, 200);
  close(r.trades[0].pricePnl, 0);
  close(r.attribution.net, 200);
  assert.equal(r.metrics.sharpe, 0); // the only non-zero return spans the gap and is left out
});

Deno.test("backtest() flags funding events with no rate and refuses rates off the funding schedule", () => {
  const b = syntheticBars(48, 1, { perpetual: true, start: T0 });
  b.fundingRate![16] = NaN; // 16:00 event missing
  const base = {
    rows: idx(48),
    proba: randomProba(48, 2),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ allowShort: true }),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse({}),
  };
  const r = backtest({ ...base, bars: b, market: MarketSchema.parse({ kind: "perpetual" }) });
  assert.deepEqual(r.flags.missingFunding, { count: 1, timestamps: [T0 + 16 * H] });
  assert.throws(
    () =>
      backtest({
        ...base,
        bars: b,
        market: MarketSchema.parse({ kind: "perpetual", onMissingFunding: "error" }),
      }),
    CandlelabError,
  );
  b.fundingRate![17] = 1e-4;
  assert.throws(
    () => backtest({ ...base, bars: b, market: MarketSchema.parse({ kind: "perpetual" }) }),
    /funding rate 0.0001 at bar 17 \(2024-01-01T17:00:00.000Z\) is not on the funding schedule.*misaligned/,
  );
});

Deno.test("backtest() refuses bad probabilities, sizes above the cap and leverage on spot, naming the value", () => {
  const base = {
    bars: syntheticBars(3, 1),
    rows: idx(3),
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse({}),
    market: MarketSchema.parse({ kind: "spot" }),
  };
  assert.throws(
    () => backtest({ ...base, proba: P([[0, 0, 1], [0.5, 0.5, 0.1], [0, 0, 1]]) }),
    /row 1 is \[0.5, 0.5, 0.1\]/,
  );
  assert.throws(
    () => backtest({ ...base, proba: P([[0, 0, 1], [NaN, 0, 1], [0, 0, 1]]) }),
    /row 1 is \[NaN, 0, 1\]/,
  );
  assert.throws(
    () => backtest({ ...base, risk: RiskSchema.parse({ maxPosition: 0.5 }) }),
    /maxSize 1 is above the risk cap maxPosition 0.5/,
  );
  assert.throws(
    () =>
      backtest({
        ...base,
        costs: CostsSchema.parse({ leverage: 3 }),
        risk: RiskSchema.parse({ maxLeverage: 5 }),
      }),
    /leverage must be 1, current value is 3/,
  );
  assert.throws(() => backtest({ ...base, rows: new Int32Array([0, 2, 1]) }), /rows\[2\] = 1/);
});

function reconcile(perp: boolean, n: number, seed: number) {
  const b = syntheticBars(n, seed, { perpetual: perp, vol: 0.02 });
  // a few gaps
  for (let i = Math.floor(n / 3); i < n; i++) b.timestamp[i] += 5 * H;
  for (let i = Math.floor((2 * n) / 3); i < n; i++) b.timestamp[i] += 3 * H;
  if (perp) {
    for (let i = 0; i < n; i++) {
      b.fundingRate![i] = b.timestamp[i] % (8 * H) === 0 ? (i % 97 === 0 ? NaN : 3e-4) : NaN;
    }
  }
  const r = backtest({
    bars: b,
    rows: idx(n - 20, 10),
    proba: randomProba(n - 20, seed + 1, 2),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ entry: 0.5, exit: 0.4, allowShort: perp }),
    risk: RiskSchema.parse({ stopLoss: 0.03, takeProfit: 0.05, cooldownBars: 3, maxLeverage: 5 }),
    costs: CostsSchema.parse({
      takerBps: 6,
      slippage: { kind: "volatility", k: 0.1 },
      leverage: perp ? 5 : 1,
    }),
    market: MarketSchema.parse(perp ? { kind: "perpetual" } : { kind: "spot" }),
    initialEquity: 10_000,
  });
  return r;
}

Deno.test("backtest() equity change equals the attributed PnL to the cent on long random runs (spot and perp)", () => {
  for (const perp of [false, true]) {
    const r = reconcile(perp, 20_000, perp ? 11 : 12);
    const dE = r.equity[r.equity.length - 1] - 10_000;
    const a = r.attribution;
    assert.ok(r.metrics.nTrades > 100, `only ${r.metrics.nTrades} trades`);
    assert.ok(Math.abs(dE - (a.pricePnl + a.gapPnl - a.fees - a.slippage + a.funding)) < 0.005);
    assert.ok(Math.abs(dE - r.trades.reduce((s, t) => s + t.net, 0)) < 0.005);
    assert.equal(r.flags.gaps.count, 2);
    if (perp) {
      assert.ok(a.funding !== 0 && r.flags.missingFunding.count > 0);
      assert.ok(r.trades.some((t) => t.exitReason === "liquidation" || t.exitReason === "stopLoss"));
    }
  }
});

Deno.test("backtest() goes flat on bars inside the span that have no probability row", () => {
  const b = bars([[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100], [
    100,
    100,
    100,
    100,
  ]]);
  const r = backtest({
    bars: b,
    rows: new Int32Array([0, 1, 4]), // bars 2 and 3 have no prediction (e.g. between two test folds)
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "spot" }),
  });
  assert.deepEqual(Array.from(r.position).map((q) => q !== 0), [false, true, true, false, false]);
  assert.equal(r.timestamp.length, 5);
});

Deno.test("backtest() lists funding events that fell inside a gap of a perpetual as missing", () => {
  const b = bars([[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100]], T0 + 6 * H);
  b.timestamp[2] = T0 + 26 * H; // 07:00 -> next day 02:00: the 08:00 and 16:00 and 00:00 events are missing
  b.fundingRate = f64([NaN, NaN, NaN]);
  const r = backtest({
    bars: b,
    rows: idx(3),
    proba: P([[0, 0, 1], [0, 0, 1], [0, 0, 1]]),
    intervalMs: H,
    policy: SignalPolicySchema.parse({}),
    risk: RiskSchema.parse({}),
    costs: CostsSchema.parse(FLAT),
    market: MarketSchema.parse({ kind: "perpetual" }),
  });
  assert.deepEqual(r.flags.missingFunding.timestamps, [T0 + 8 * H, T0 + 16 * H, T0 + 24 * H]);
  assert.equal(r.flags.gaps.count, 1);
});
