import assert from "node:assert/strict";
import * as aq from "arquero";
import {
  barChart,
  candleChart,
  decimateMinMax,
  heatmap,
  histogram,
  JUPYTER_DISPLAY,
  lineChart,
} from "./mod.ts";
import { _roundNumbers, _snapshot } from "./_snapshot.ts";
import { CandlelabError } from "../util/errors.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function _series(n: number): { timestamp: Float64Array; close: Float64Array; equity: Float64Array } {
  const timestamp = Float64Array.from({ length: n }, (_, i) => T0 + i * H);
  const close = Float64Array.from({ length: n }, (_, i) => 42000 + 500 * Math.sin(i / 5) + 10 * i);
  const equity = Float64Array.from({ length: n }, (_, i) => 1 + 0.002 * i + 0.01 * Math.cos(i / 3));
  return { timestamp, close, equity };
}

async function _assertSnapshot(name: string, svg: string): Promise<void> {
  const { expected, actual } = await _snapshot(name, svg);
  assert.equal(actual, expected, `chart ${name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1`);
}

Deno.test("lineChart() draws a titled SVG with UTC date ticks that matches its snapshot", async () => {
  const c = lineChart(aq.table(_series(48)), { y: "close", title: "BTC close", yLabel: "USDT" });
  assert.match(c.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(c.svg, /BTC close/);
  assert.match(c.svg, /time \(UTC\)/);
  assert.match(c.svg, /Jan 02|02 AM|Jan 2/);
  await _assertSnapshot("line", c.svg);
});

Deno.test("lineChart() with several columns labels each series", async () => {
  const s = _series(24);
  const c = lineChart({ timestamp: s.timestamp, a: s.equity, b: s.equity.map((v) => v * 0.9) }, {
    y: ["a", "b"],
    title: "Two strategies",
  });
  assert.match(c.svg, />a</);
  assert.match(c.svg, />b</);
  await _assertSnapshot("line_multi", c.svg);
});

Deno.test("candleChart() draws one wick and one body per bar, coloured by direction", async () => {
  const s = _series(12);
  const open = s.close.map((v, i) => (i % 2 ? v + 80 : v - 80));
  const high = s.close.map((v) => v + 150);
  const low = s.close.map((v) => v - 150);
  const c = candleChart({ timestamp: s.timestamp, open, high, low, close: s.close }, { title: "Candles" });
  assert.equal((c.svg.match(/<line /g) ?? []).length >= 12, true);
  assert.equal((c.svg.match(/<rect /g) ?? []).length, 12);
  assert.match(c.svg, /#26a269/);
  assert.match(c.svg, /#c01c28/);
  await _assertSnapshot("candles", c.svg);
});

Deno.test("candleChart() refuses more candles than maxCandles and says how to slice", () => {
  const s = _series(20);
  assert.throws(
    () => candleChart({ ...s, open: s.close, high: s.close, low: s.close }, { title: "x", maxCandles: 10 }),
    (e: unknown) => e instanceof CandlelabError && /20 candles is more than maxCandles 10/.test(e.message),
  );
});

Deno.test("histogram() bins finite values and reports the non-finite ones it left out", async () => {
  const values = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i * 12.9898) * 0.02);
  values[3] = NaN;
  const c = histogram(values, { title: "Return distribution", xLabel: "1h log return", bins: 20 });
  assert.match(c.svg, /1 non-finite left out/);
  await _assertSnapshot("histogram", c.svg);
});

Deno.test("barChart() draws one bar per label and refuses mismatched lengths", async () => {
  const c = barChart(["short", "neutral", "long"], [120, 300, 140], { title: "Class counts" });
  assert.equal((c.svg.match(/<rect /g) ?? []).length, 3);
  await _assertSnapshot("bar", c.svg);
  assert.throws(() => barChart(["a"], [1, 2], { title: "x" }), /1 labels but 2 values/);
});

Deno.test("heatmap() prints each cell value and checks the labels fit the matrix", async () => {
  const c = heatmap([[10, 2, 1], [3, 20, 4], [0, 5, 30]], {
    title: "Confusion matrix",
    rowLabels: ["short", "neutral", "long"],
    colLabels: ["short", "neutral", "long"],
    digits: 0,
  });
  assert.match(c.svg, />30</);
  await _assertSnapshot("heatmap", c.svg);
  assert.throws(
    () => heatmap([[1]], { title: "x", rowLabels: ["a", "b"], colLabels: ["a"] }),
    /matrix is 1x1/,
  );
});

Deno.test("a chart displays as image/svg+xml in a Deno notebook and as SVG text elsewhere", () => {
  const c = barChart(["a"], [1], { title: "One" });
  const bundle = c[JUPYTER_DISPLAY]();
  assert.equal(bundle["image/svg+xml"], c.svg);
  assert.equal(`${c}`, c.svg);
});

Deno.test("a chart without a title is refused", () => {
  assert.throws(() => barChart(["a"], [1], { title: " " }), /a title is required/);
});

Deno.test("a missing column is named together with the available ones", () => {
  assert.throws(
    () => lineChart({ timestamp: [0] }, { y: "close", title: "x" }),
    /"close" not found.*\[timestamp\]/,
  );
});

Deno.test("decimateMinMax() keeps the extremes, the first and the last point", () => {
  const v = Float64Array.from(
    { length: 10_000 },
    (_, i) => (i === 4321 ? 99 : i === 777 ? -99 : Math.sin(i)),
  );
  const idx = decimateMinMax(v, 200);
  assert.ok(idx.length <= 202);
  assert.ok(idx.includes(4321) && idx.includes(777) && idx[0] === 0 && idx.at(-1) === 9999);
  assert.deepEqual([...idx].sort((a, b) => a - b), idx);
});

Deno.test("_roundNumbers() rounds decimals so float noise does not change a snapshot", () => {
  assert.equal(_roundNumbers('d="M1.23456,2.0000001L-0.0001,3"'), 'd="M1.23,2L0,3"');
});
