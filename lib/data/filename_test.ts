import assert from "node:assert/strict";
import { parseDatasetFilename, resolveFileInfo } from "./filename.ts";
import { formatInterval, parseInterval, parseTime } from "./interval.ts";

Deno.test("parseDatasetFilename() reads every shared file name", () => {
  assert.deepEqual(parseDatasetFilename("data/raw/binance_BTC_USDT_perp_8h_funding.parquet"), {
    exchange: "binance",
    asset: "BTC",
    quote: "USDT",
    market: "perpetual",
    interval: "8h",
    kind: "funding",
  });
  assert.equal(parseDatasetFilename("binance_XRP_USDT_spot_1h.parquet")?.kind, "ohlcv");
  assert.equal(parseDatasetFilename("binance_BTC_USDT_perp_1h_mark.parquet")?.kind, "mark");
});

Deno.test("parseDatasetFilename() returns undefined for names off the convention", () => {
  for (
    const name of [
      "BTC_USDT-1h.feather",
      "binance_BTC_USDT_futures_1h.parquet",
      "binance_BTC_USDT_spot_1h_trades.parquet",
      "x.parquet",
    ]
  ) {
    assert.equal(parseDatasetFilename(name), undefined, name);
  }
});

Deno.test("resolveFileInfo() lets overrides win and names what is missing", () => {
  assert.equal(resolveFileInfo("binance_BTC_USDT_spot_1h.parquet", { asset: "ETH" }).asset, "ETH");
  assert.throws(
    () => resolveFileInfo("prices.parquet", { asset: "BTC" }),
    /prices\.parquet: .*exchange, quote, market, interval are not given/,
  );
});

Deno.test("parseInterval() and formatInterval() round-trip and refuse nonsense", () => {
  for (const s of ["1m", "15m", "1h", "4h", "8h", "1d", "1w"]) {
    assert.equal(formatInterval(parseInterval(s)), s);
  }
  assert.throws(() => parseInterval("0h"), /current value is "0h"/);
  assert.throws(() => parseInterval("1 hour"), /current value is "1 hour"/);
});

Deno.test("parseTime() reads dates and date-times as UTC", () => {
  assert.equal(parseTime("2024-01-02"), Date.UTC(2024, 0, 2));
  assert.equal(parseTime("2024-01-02T03:00:00"), Date.UTC(2024, 0, 2, 3));
  assert.equal(parseTime("2024-01-02T03:00:00+01:00"), Date.UTC(2024, 0, 2, 2));
  assert.throws(() => parseTime("yesterday"), /current value is "yesterday"/);
});
