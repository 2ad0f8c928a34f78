/**
 * Candlestick chart: a rule from low to high (the wick) and a bar from open to close (the body).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, _TIME_AXIS_MARGIN, _timeAxis, type ChartOptions } from "./_render.ts";
import { _column, type ChartData } from "./_columns.ts";
import { CandlelabError } from "../util/errors.ts";

/** Options of {@link candleChart}. */
export interface CandleChartOptions extends ChartOptions {
  /** Bar length in ms (the body is 70 % of it). @default the median spacing of timestamps */
  intervalMs?: number;
  /** Most candles drawn; a longer table is refused (slice it first). @default 1000 */
  maxCandles?: number;
}

/**
 * Draws OHLC candles (green up, red down) from `timestamp open high low close` columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { candleChart } from "./candles.ts";
 * const h = 3_600_000;
 * const c = candleChart(
 *   { timestamp: [0, h], open: [10, 11], high: [12, 12], low: [9, 10], close: [11, 10] },
 *   { title: "BTC 1h" },
 * );
 * assert(c.svg.includes("BTC 1h"));
 * ```
 */
export function candleChart(data: ChartData, options: CandleChartOptions): Chart {
  const t = _column(data, "timestamp", "candle chart");
  const [o, h, l, c] = ["open", "high", "low", "close"].map((n) => _column(data, n, "candle chart"));
  const max = options.maxCandles ?? 1000;
  if (t.length > max) {
    throw new CandlelabError(
      `Cannot draw candle chart "${options.title}": ${t.length} candles is more than maxCandles ${max}; slice the table (e.g. table.slice(-500)) or raise maxCandles`,
    );
  }
  const interval = options.intervalMs ?? _medianStep(t);
  const rows = Array.from(t, (ts, i) => ({
    t: new Date(ts),
    t1: new Date(ts + interval * 0.15),
    t2: new Date(ts + interval * 0.85),
    mid: new Date(ts + interval * 0.5),
    open: o[i],
    high: h[i],
    low: l[i],
    close: c[i],
    up: c[i] >= o[i] ? "up" : "down",
  }));
  return _renderPlot({
    x: _timeAxis(options.xLabel),
    marginBottom: _TIME_AXIS_MARGIN,
    y: { label: options.yLabel ?? "price", grid: true },
    color: { domain: ["up", "down"], range: ["#26a269", "#c01c28"] },
    marks: [
      Plot.ruleX(rows, { x: "mid", y1: "low", y2: "high", stroke: "up", strokeWidth: 1 }),
      Plot.rect(rows, { x1: "t1", x2: "t2", y1: "open", y2: "close", fill: "up" }),
    ],
  }, options);
}

function _medianStep(t: Float64Array): number {
  if (t.length < 2) return 3_600_000;
  const steps = Array.from({ length: t.length - 1 }, (_, i) => t[i + 1] - t[i]).sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}
