import assert from "node:assert/strict";
import { computeQuality, inferIntervalMs } from "./quality.ts";
import { loadBars } from "./load.ts";

const H = 3_600_000;
const f = (xs: number[]) => Float64Array.from(xs);

Deno.test("computeQuality() finds the 27 known gaps (122 missing bars) of the BTC spot file, largest 34 h from 2018-02-08", async () => {
  const { quality } = await loadBars("../shared/data/binance_BTC_USDT_spot_1h.parquet", { quality: true });
  assert.equal(quality!.gaps.count, 27);
  assert.equal(quality!.gaps.missingBars, 122);
  const largest = quality!.gaps.largest[0];
  assert.equal(largest.hours, 34);
  assert.equal(largest.missingBars, 33);
  assert.equal(largest.from, "2018-02-08T00:00:00.000Z");
  assert.equal(quality!.hardFailures, 0);
});

Deno.test("computeQuality() reports OHLC inconsistencies, zero volume, and non-positive prices with column and value", () => {
  const q = computeQuality({
    timestamp: f([0, H, 2 * H]),
    columns: {
      open: f([10, 10, 10]),
      high: f([9, 12, 12]),
      low: f([8, 9, 9]),
      close: f([9, 11, 0]),
      volume: f([1, 0, 1]),
    },
    kind: "ohlcv",
    file: "x.parquet",
  });
  assert.equal(q.ohlcInconsistent, 2); // row 0: high 9 < open 10; row 2: low 9 > close 0
  assert.equal(q.zeroVolumeBars, 1);
  assert.equal(q.nonPositivePrices.close, 1);
  const bad = q.findings.find((x) => x.code === "bad_prices")!;
  assert.equal(bad.severity, "hard");
  assert.match(bad.message, /x\.parquet: column close .* the first 0 at 1970-01-01T02:00:00\.000Z/);
});

Deno.test("computeQuality() does not flag zero volume on mark-price files", () => {
  const one = f([1, 1]);
  const q = computeQuality({
    timestamp: f([0, H]),
    columns: { open: one, high: one, low: one, close: one, volume: f([0, 0]) },
    kind: "mark",
  });
  assert.equal(q.zeroVolumeBars, 2);
  assert.ok(!q.findings.some((x) => x.code === "zero_volume"));
});

Deno.test("computeQuality() flags a jump beyond 10 sigma as an extreme return", () => {
  const n = 500;
  const close = Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.001 * Math.sin(i)));
  close[300] = close[299] * 1.5;
  for (let i = 301; i < n; i++) close[i] = close[300];
  const q = computeQuality({
    timestamp: Float64Array.from({ length: n }, (_, i) => i * H),
    columns: {
      open: close,
      high: close.map((x) => x * 1.01),
      low: close.map((x) => x * 0.99),
      close,
      volume: new Float64Array(n).fill(1),
    },
    kind: "ohlcv",
  });
  assert.equal(q.extremeReturns.count, 1);
  assert.equal(q.extremeReturns.largest[0].at, new Date(300 * H).toISOString());
});

Deno.test("computeQuality() counts duplicates and backward steps as hard findings", () => {
  const one = f([1, 1, 1, 1]);
  const q = computeQuality({
    timestamp: f([0, 2 * H, H, H]),
    columns: { open: one, high: one, low: one, close: one, volume: one },
    kind: "ohlcv",
  });
  assert.equal(q.duplicateTimestamps, 1);
  assert.equal(q.unsortedSteps, 1);
  assert.equal(q.hardFailures, 2);
});

Deno.test("inferIntervalMs() picks the most common step", () => {
  assert.equal(inferIntervalMs(f([0, H, 2 * H, 5 * H, 6 * H])), H);
  assert.ok(Number.isNaN(inferIntervalMs(f([0]))));
});
