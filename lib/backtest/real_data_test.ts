import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { backtest } from "./backtest.ts";
import { CostsSchema, MarketSchema } from "./config.ts";
import { alignFunding } from "./funding.ts";
import { randomProba } from "./synthetic.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";

const DATA = new URL("../../../shared/data/", import.meta.url).pathname;
const H = 3600_000;

async function columns(sql: string): Promise<Record<string, Float64Array>> {
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  try {
    const r = await con.runAndReadAll(sql);
    const out: Record<string, Float64Array> = {};
    r.columnNames().forEach((name, j) => out[name] = Float64Array.from(r.getColumns()[j] as number[]));
    return out;
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

const OHLC = "epoch_ms(timestamp)::DOUBLE AS timestamp, open, high, low, close";

Deno.test("backtest() reconciles to the cent on real BTC spot 1h (2018-2024, with the exchange's gaps flagged)", async () => {
  const c = await columns(`SELECT ${OHLC} FROM read_parquet('${DATA}binance_BTC_USDT_spot_1h.parquet')`);
  const n = c.timestamp.length;
  const r = backtest({
    bars: { timestamp: c.timestamp, open: c.open, high: c.high, low: c.low, close: c.close },
    rows: Int32Array.from({ length: n }, (_, i) => i),
    proba: randomProba(n, 5, 2),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ entry: 0.6 }),
    risk: RiskSchema.parse({ stopLoss: 0.04, takeProfit: 0.08, cooldownBars: 6 }),
    costs: CostsSchema.parse({ takerBps: 10, slippage: { kind: "volatility", k: 0.05 } }),
    market: MarketSchema.parse({ kind: "spot" }),
  });
  const dE = r.equity[n - 1] - 10_000;
  assert.ok(Math.abs(dE - r.attribution.net) < 0.005, `${dE} vs ${r.attribution.net}`);
  assert.ok(Math.abs(dE - r.trades.reduce((s, t) => s + t.net, 0)) < 0.005);
  assert.equal(r.flags.gaps.count, 27); // data README: 27 gaps (122 missing bars)
  assert.ok(r.metrics.nTrades > 1000);
});

Deno.test("backtest() reconciles to the cent on real BTC perpetual 1h with funding and mark price", async () => {
  const where = "WHERE timestamp >= '2020-01-01' ";
  const c = await columns(
    `SELECT ${OHLC} FROM read_parquet('${DATA}binance_BTC_USDT_perp_1h.parquet') ${where}`,
  );
  const f = await columns(
    `SELECT epoch_ms(timestamp)::DOUBLE AS timestamp, funding_rate FROM read_parquet('${DATA}binance_BTC_USDT_perp_8h_funding.parquet') ${where}`,
  );
  const m = await columns(
    `SELECT epoch_ms(timestamp)::DOUBLE AS timestamp, open FROM read_parquet('${DATA}binance_BTC_USDT_perp_1h_mark.parquet') ${where}`,
  );
  const n = c.timestamp.length;
  const r = backtest({
    bars: {
      timestamp: c.timestamp,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      fundingRate: alignFunding(c.timestamp, f.timestamp, f.funding_rate, H),
      markOpen: alignFunding(c.timestamp, m.timestamp, m.open, H),
    },
    rows: Int32Array.from({ length: n }, (_, i) => i),
    proba: randomProba(n, 6, 2),
    intervalMs: H,
    policy: SignalPolicySchema.parse({ entry: 0.6, allowShort: true }),
    risk: RiskSchema.parse({ stopLoss: 0.05, maxLeverage: 3, cooldownBars: 2 }),
    costs: CostsSchema.parse({ takerBps: 5, slippage: { kind: "fixed", bps: 1 }, leverage: 3 }),
    market: MarketSchema.parse({ kind: "perpetual" }),
  });
  const dE = r.equity[n - 1] - 10_000;
  assert.ok(Math.abs(dE - r.attribution.net) < 0.005, `${dE} vs ${r.attribution.net}`);
  assert.ok(Math.abs(dE - r.trades.reduce((s, t) => s + t.net, 0)) < 0.005);
  assert.ok(r.attribution.funding !== 0);
  assert.equal(r.flags.missingFunding.count, 0);
  assert.equal(r.flags.gaps.count, 0);
});
