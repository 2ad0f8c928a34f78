import assert from "node:assert/strict";
import { findFundingGaps, loadDataset, loadPerpetual, loadSpot } from "./market.ts";
import { DataConfigSchema } from "./config.ts";

const D = "../shared/data/binance_BTC_USDT_perp";
const PATHS = {
  candles: `${D}_1h.parquet`,
  funding: `${D}_8h_funding.parquet`,
  mark: `${D}_1h_mark.parquet`,
};
const H = 3_600_000;

Deno.test("loadPerpetual() puts each funding rate on the candle with the same open time and NaN elsewhere", async () => {
  const ds = await loadPerpetual(PATHS, { range: { start: "2020-03-13", end: "2020-03-14" } });
  const ts = ds.table.array("timestamp", Float64Array);
  const rate = ds.table.array("funding_rate", Float64Array);
  assert.equal(ts.length, 24);
  for (let i = 0; i < 24; i++) {
    const hour = new Date(ts[i]).getUTCHours();
    assert.equal(Number.isNaN(rate[i]), hour % 8 !== 0, `hour ${hour}`);
  }
  assert.ok(Math.min(...rate.filter((x) => !Number.isNaN(x))) <= -0.003 + 1e-12); // the capped event of that day
  assert.equal(ds.market, "perpetual");
  assert.equal(ds.fundingIntervalMs, 8 * H);
  assert.deepEqual(ds.sources.map((s) => s.kind), ["ohlcv", "funding", "mark"]);
  assert.ok(ds.sources.every((s) => /^[0-9a-f]{64}$/.test(s.sha256)));
});

Deno.test("loadPerpetual() leaves mark columns NaN before the mark history starts and reports leading funding gaps", async () => {
  const ds = await loadPerpetual(PATHS, { range: { end: "2019-12-24" } });
  const mark = ds.table.array("mark_close", Float64Array);
  const ts = ds.table.array("timestamp", Float64Array);
  const firstMark = ts.findIndex((_, i) => !Number.isNaN(mark[i]));
  assert.equal(new Date(ts[firstMark]).toISOString(), "2019-12-23T11:00:00.000Z");
  assert.deepEqual(ds.fundingGaps, [{
    from: Date.UTC(2019, 8, 8, 17),
    to: Date.UTC(2019, 8, 10, 8),
    missingEvents: 4,
  }]);
});

Deno.test("loadPerpetual() refuses a funding file of another asset", async () => {
  await assert.rejects(
    () => loadPerpetual({ ...PATHS, funding: "../shared/data/binance_XRP_USDT_perp_8h_funding.parquet" }),
    /funding file .*XRP_USDT_perp_8h_funding\.parquet is for XRP\/USDT but the candles .* are BTC\/USDT/,
  );
});

Deno.test("findFundingGaps() lists missing events between, before and after events, never zero-filled", () => {
  const h8 = 8 * H;
  assert.deepEqual(findFundingGaps(Float64Array.from([h8, 2 * h8, 5 * h8]), h8, 0, 6 * h8), [
    { from: 0, to: h8, missingEvents: 1 },
    { from: 2 * h8, to: 5 * h8, missingEvents: 2 },
    { from: 5 * h8, to: 6 * h8, missingEvents: 1 },
  ]);
  assert.deepEqual(findFundingGaps(Float64Array.from([0, h8]), h8, 0, h8 + H), []);
});

Deno.test("loadSpot() refuses a perpetual file, and loadDataset() applies drop_first", async () => {
  await assert.rejects(() => loadSpot(PATHS.candles), /it is perpetual data .*use loadPerpetual/);
  const cfg = DataConfigSchema.parse({
    market: "perpetual",
    paths: PATHS,
    range: { end: "2019-09-12" },
    drop_first: "1d",
  });
  const ds = await loadDataset(cfg);
  assert.equal(ds.table.get("timestamp", 0), Date.UTC(2019, 8, 9, 17));
});

Deno.test("loadSpot() reads the bundled sample with its metadata path in sources", async () => {
  const ds = await loadSpot("data/raw/binance_BTC_USDT_spot_1h.parquet");
  assert.equal(ds.table.numRows(), 26303);
  assert.equal(ds.sources[0].metadataPath, "data/raw/binance_BTC_USDT_spot_1h.parquet.metadata.json");
  assert.equal(ds.asset, "BTC");
});
