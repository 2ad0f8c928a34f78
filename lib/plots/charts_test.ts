import assert from "node:assert/strict";
import * as aq from "arquero";
import {
  barChart,
  calibrationChart,
  candleChart,
  decimateMinMax,
  dotChart,
  heatmap,
  histogram,
  JUPYTER_DISPLAY,
  lineChart,
  overlayChart,
} from "./mod.ts";
import { _roundNumbers, _snapshot } from "./_snapshot.ts";
import { _percentFormat } from "./line.ts";
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
  assert.match(c.svg, /class="candlelab-legend"[^>]*>a</);
  assert.match(c.svg, /class="candlelab-legend"[^>]*>b</);
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
  assert.match(c.svg, /<text[^>]*fill="white"[^>]*>30</, "white text on the darkest cell");
  assert.match(c.svg, /<text[^>]*fill="black"[^>]*>0</, "black text on a light cell");
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

Deno.test("_snapshot() fails on a missing snapshot unless asked to write it", async () => {
  const name = `_missing_${crypto.randomUUID()}`;
  await assert.rejects(
    () => _snapshot(name, "<svg/>", false),
    /Snapshot _missing_.* is missing.*UPDATE_SNAPSHOTS=1/,
  );
  const path = new URL(`./testdata/${name}.svg.snap`, import.meta.url).pathname;
  try {
    const written = await _snapshot(name, "<svg/>", true);
    assert.equal(written.expected, "<svg/>\n");
    assert.equal((await _snapshot(name, "<svg/>", false)).expected, "<svg/>\n");
  } finally {
    await Deno.remove(path).catch(() => {});
  }
});

Deno.test("barChart() turns horizontal when labels would not fit under their bars, margin sized to the longest", async () => {
  const names = Array.from({ length: 20 }, (_, i) => `macd_signal_12_26_${i}`);
  const c = barChart(names, names.map((_, i) => 0.15 / (1 + i)), { title: "Importance" });
  assert.match(c.svg, /aria-label="y-axis tick label"/, "labels on the y axis (horizontal bars)");
  const bar = /aria-label="bar"><rect [^>]*\bx="(\d+(?:\.\d+)?)"/.exec(c.svg);
  assert.ok(bar && Number(bar[1]) >= 100, `bars start right of the labels, at ${bar?.[1]}`);
  const short = barChart(["short", "neutral", "long"], [1, 2, 3], { title: "Classes" });
  assert.match(short.svg, /aria-label="x-axis tick label"/);
  await _assertSnapshot("bar_horizontal", c.svg);
});

Deno.test("barChart() leaves out value labels that would not fit their bar", () => {
  const labels = Array.from({ length: 60 }, (_, i) => `${i}`);
  const c = barChart(labels, labels.map((_, i) => 1234.5678 + i), {
    title: "Many",
    format: (v) => v.toFixed(2),
    horizontal: false,
  });
  assert.doesNotMatch(c.svg, />1234.57</);
  const few = barChart(["a", "b"], [1234.5678, -2], { title: "Few", format: (v) => v.toFixed(2) });
  assert.match(few.svg, />1234.57</);
  assert.match(few.svg, />-2.00</);
});

Deno.test("heatmap() turns column labels vertical when they are wider than a cell and formats cells", async () => {
  const names = Array.from({ length: 12 }, (_, i) => `close_vs_ema_${i}00`);
  const m = names.map((_, i) => names.map((_, j) => (i === j ? 1 : 0.1 * ((i + j) % 5))));
  const c = heatmap(m, { title: "Correlation", rowLabels: names, colLabels: names, diverging: true });
  assert.match(c.svg, /rotate\(-90\)/);
  const months = heatmap([[0.05, -0.02]], {
    title: "Monthly returns",
    rowLabels: ["2024"],
    colLabels: ["Jan", "Feb"],
    format: (v) => `${(v * 100).toFixed(1)}%`,
    diverging: true,
    colorDomain: [-0.1, 0.1],
  });
  assert.doesNotMatch(months.svg, /rotate\(-90\)/);
  assert.match(months.svg, />5.0%</);
  assert.match(months.svg, />-2.0%</);
  await _assertSnapshot("heatmap_wide", c.svg);
});

Deno.test("overlayChart() draws series with their own timestamps and a legend naming each", async () => {
  const a = _series(24);
  const b = _series(36);
  const c = overlayChart([
    { name: "run 10:23 vonq7n", timestamp: a.timestamp, values: a.equity },
    { name: "run 11:02 k2p9aa", timestamp: b.timestamp.map((t) => t + 6 * H), values: b.equity },
  ], { title: "Equity of compared runs", reference: 1 });
  assert.equal((c.svg.match(/class="candlelab-legend"/g) ?? []).length, 2);
  assert.equal((c.svg.match(/<path /g) ?? []).length >= 2, true);
  await _assertSnapshot("overlay", c.svg);
});

Deno.test("lineChart() with area and percent draws a filled drawdown with percentage ticks", async () => {
  const s = _series(48);
  const dd = s.equity.map((_v, i) => -Math.abs(Math.sin(i / 7)) * 0.2);
  const c = lineChart({ timestamp: s.timestamp, drawdown: dd }, {
    y: "drawdown",
    title: "Drawdown",
    area: true,
    percent: true,
  });
  assert.match(c.svg, /fill-opacity="0.25"/);
  assert.match(c.svg, /[−-]10(\.0)?%/);
  await _assertSnapshot("drawdown", c.svg);
});

Deno.test("calibrationChart() draws one dot per non-empty bin, the diagonal and the baseline", async () => {
  const c = calibrationChart([
    { confidence: 0.37, accuracy: 0.37, count: 11678 },
    { confidence: 0.43, accuracy: 0.49, count: 6407 },
    { confidence: 0.5, accuracy: NaN, count: 0 },
    { confidence: 0.62, accuracy: 0.91, count: 70 },
  ], { title: "Calibration", baseline: 0.5 });
  assert.equal((c.svg.match(/<circle /g) ?? []).length, 3);
  assert.match(c.svg, /majority-class accuracy/);
  await _assertSnapshot("calibration", c.svg);
});

Deno.test("dotChart() draws values, threshold ticks and notes; a missing value shows only its note", async () => {
  const c = dotChart([
    { label: "10:23:28 vonq7n", value: -0.4, marker: 0.9, note: "DSR 0.12 · 1 trial" },
    { label: "11:02:10 k2p9aa", value: null, note: "no backtest" },
  ], { title: "Sharpe vs luck", markerLabel: "sr0", xLabel: "Sharpe (ann.)" });
  assert.equal((c.svg.match(/<circle /g) ?? []).length, 1);
  assert.match(c.svg, /no backtest/);
  await _assertSnapshot("dots", c.svg);
});

Deno.test("_percentFormat() gives ticks enough decimals for the range and a sign only across zero", () => {
  assert.equal(_percentFormat([0.03, 0.045]), ".2%");
  assert.equal(_percentFormat([-0.3, 0.1]), "+.0%");
  assert.equal(_percentFormat([-0.06, 0]), ".1%");
});

Deno.test("overlayChart() breaks a line across missing values instead of bridging them", () => {
  const t = Array.from({ length: 9 }, (_, i) => T0 + i * H);
  const v = [1, 2, 3, NaN, NaN, NaN, 3, 2, 1];
  const c = overlayChart([{ name: "s", timestamp: t, values: v }], { title: "Gap" });
  const d = /aria-label="line"[^>]*>\s*<path[^>]*d="([^"]+)"/.exec(c.svg);
  assert.ok(d, "a line path");
  assert.equal((d[1].match(/M/g) ?? []).length, 2, `two segments, got ${d[1]}`);
});

Deno.test("heatmap() never prints -0.0 for a tiny negative value", () => {
  const c = heatmap([[-0.004, 0.5]], { title: "x", rowLabels: ["a"], colLabels: ["a", "b"], digits: 1 });
  assert.doesNotMatch(c.svg, />-0\.0</);
  assert.match(c.svg, />0\.0</);
});
