import assert from "node:assert/strict";
import * as aq from "arquero";
import { resample } from "./resample.ts";
import { loadBars } from "./load.ts";
import { loadPerpetual } from "./market.ts";

const H = 3_600_000;

function bars(n: number, start = 0) {
  return aq.table({
    timestamp: Float64Array.from({ length: n }, (_, i) => start + i * H),
    open: Float64Array.from({ length: n }, (_, i) => 100 + i),
    high: Float64Array.from({ length: n }, (_, i) => 110 + i),
    low: Float64Array.from({ length: n }, (_, i) => 90 + i),
    close: Float64Array.from({ length: n }, (_, i) => 101 + i),
    volume: new Float64Array(n).fill(2),
  });
}

Deno.test("resample() stamps each bar with its open time and uses only source bars opening inside it", () => {
  const r = resample(bars(8), "4h");
  assert.deepEqual(Array.from(r.array("timestamp")), [0, 4 * H]);
  // Bar 1 covers source bars 4..7: open of 4, close of 7, max high of 7, min low of 4, summed volume.
  assert.deepEqual(r.object(1), {
    timestamp: 4 * H,
    open: 104,
    high: 117,
    low: 94,
    close: 108,
    volume: 8,
    n_bars: 4,
  });
});

Deno.test("resample() drops a partial final bucket, or keeps it flagged incomplete on request", () => {
  assert.equal(resample(bars(10), "4h").numRows(), 2);
  const flagged = resample(bars(10), "4h", { partial: "flag" });
  assert.deepEqual(Array.from(flagged.array("complete")), [1, 1, 0]);
  assert.deepEqual(Array.from(flagged.array("n_bars")), [4, 4, 2]);
});

Deno.test("resample() values are known at the bar's close: adding later bars never changes a complete bar", () => {
  const full = resample(bars(100, 3 * H), "1d");
  for (const cut of [30, 51, 75]) {
    const part = resample(bars(cut, 3 * H), "1d");
    for (let b = 0; b < part.numRows(); b++) {
      assert.deepEqual(part.object(b), full.object(b), `cut ${cut} bar ${b}`);
      // Every source bar used by bar b opened before the bar's close (timestamp + 1d).
      assert.ok(3 * H + (cut - 1) * H + H >= (part.get("timestamp", b) as number) + 24 * H);
    }
  }
});

Deno.test("resample() aligns daily bars to 00:00 UTC on real data and sums funding events", async () => {
  const { table } = await loadBars("../shared/data/binance_BTC_USDT_spot_1h.parquet", {
    range: { start: "2021-11-09T12:00:00Z", end: "2021-11-12" },
  });
  const d = resample(table, "1d");
  assert.deepEqual(Array.from(d.array("timestamp")), [
    Date.UTC(2021, 10, 9),
    Date.UTC(2021, 10, 10),
    Date.UTC(2021, 10, 11),
  ]);
  assert.deepEqual(Array.from(d.array("n_bars")), [12, 24, 24]);
  assert.equal(d.get("high", 1), 69000);
  const p = "data/raw/binance_BTC_USDT_perp"; // the bundled 2022-2024 slice holds this range
  const ds = await loadPerpetual(
    { candles: `${p}_1h.parquet`, funding: `${p}_8h_funding.parquet`, mark: `${p}_1h_mark.parquet` },
    { range: { start: "2024-01-01", end: "2024-01-03" } },
  );
  const dd = resample(ds.table, "1d");
  const rate = ds.table.array("funding_rate", Float64Array).slice(0, 24).filter((x) => !Number.isNaN(x));
  assert.equal(rate.length, 3);
  assert.ok(Math.abs((dd.get("funding_rate", 0) as number) - (rate[0] + rate[1] + rate[2])) < 1e-15);
  const r4 = resample(ds.table, "4h");
  assert.ok(Number.isNaN(r4.get("funding_rate", 1) as number)); // 04:00-08:00 holds no event
});

Deno.test("resample() refuses an interval that is not a multiple of the source", () => {
  assert.throws(() => resample(bars(8), "90m"), /whole multiple of the source interval/);
});
