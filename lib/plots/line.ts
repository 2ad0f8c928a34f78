/**
 * Line chart over time (equity curves, prices), one or more series.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, _TIME_AXIS_MARGIN, _timeAxis, type ChartOptions, SERIES_COLORS } from "./_render.ts";
import { _column, type ChartData } from "./_columns.ts";

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** Column of UTC ms timestamps. @default "timestamp" */
  x?: string;
  /** One column or several (one line each, with a legend). */
  y: string | string[];
  /** Log-scaled y axis (prices over years). @default false */
  logY?: boolean;
  /** Largest number of points drawn per series; longer series keep each bucket's min and max. @default 2000 */
  maxPoints?: number;
  /** y values are shares: ticks as percentages (0.1 → 10%). @default false */
  percent?: boolean;
  /** A horizontal reference line (e.g. 1 for growth of 1, 0 for returns). */
  reference?: number;
  /** Series colours, in `y` order. @default SERIES_COLORS */
  colors?: readonly string[];
  /** Fill the area between the line and `reference` (or 0); single series only (drawdowns). @default false */
  area?: boolean;
}

/** One series of {@link overlayChart}: its own timestamps and values. */
export interface OverlaySeries {
  name: string;
  timestamp: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Keeps the first, min, max and last point of each bucket so a long series draws fast and keeps its
 * extremes. Returns indices into the input, ascending. NaN values are skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { decimateMinMax } from "./line.ts";
 * const idx = decimateMinMax(Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i)), 100);
 * assert(idx.length <= 100 * 2 + 2);
 * ```
 */
export function decimateMinMax(values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = n / buckets;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1, hi = -1;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < values[lo]) lo = i;
      if (hi < 0 || v > values[hi]) hi = i;
    }
    if (lo < 0) continue;
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  if (out[0] !== 0 && !Number.isNaN(values[0])) out.unshift(0);
  if (out[out.length - 1] !== n - 1 && !Number.isNaN(values[n - 1])) out.push(n - 1);
  return out;
}

/**
 * Draws one line per `y` column against UTC time; several series get a legend under the title (never
 * labels at the line ends, which collide when the lines end close together).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineChart } from "./line.ts";
 * const hour = 3_600_000;
 * const c = lineChart(
 *   { timestamp: [0, hour, 2 * hour], equity: [1, 1.1, 1.05] },
 *   { y: "equity", title: "Equity", yLabel: "equity (x)" },
 * );
 * assert.ok(c.svg.startsWith("<svg") && c.svg.includes("Equity"));
 * ```
 */
export function lineChart(data: ChartData, options: LineChartOptions): Chart {
  const xName = options.x ?? "timestamp";
  const ys = Array.isArray(options.y) ? options.y : [options.y];
  const x = _column(data, xName, "line chart");
  return overlayChart(
    ys.map((name) => ({ name, timestamp: x, values: _column(data, name, "line chart") })),
    { ...options, yLabel: options.yLabel ?? ys.join(", ") },
  );
}

/**
 * Draws each series against UTC time, each with its own timestamps (e.g. the equity curves of several
 * runs); a legend under the title names them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overlayChart } from "./line.ts";
 * const c = overlayChart([
 *   { name: "run a", timestamp: [0, 3_600_000], values: [1, 1.2] },
 *   { name: "run b", timestamp: [3_600_000, 7_200_000], values: [1, 0.9] },
 * ], { title: "Equity of runs", percent: false, reference: 1 });
 * assert.ok(c.svg.includes("run a") && c.svg.includes("run b"));
 * ```
 */
export function overlayChart(
  series: readonly OverlaySeries[],
  options: Omit<LineChartOptions, "y" | "x">,
): Chart {
  const rows: { t: Date; v: number; s: string }[] = [];
  for (const { name, timestamp, values } of series) {
    // missing values between two kept points break the line (a NaN row) instead of being bridged
    const nanBefore = new Int32Array(values.length + 1);
    for (let i = 0; i < values.length; i++) {
      nanBefore[i + 1] = nanBefore[i] + (Number.isNaN(values[i]) ? 1 : 0);
    }
    let prev = -1;
    for (const i of decimateMinMax(values, options.maxPoints ?? 2000)) {
      if (prev >= 0 && nanBefore[i] - nanBefore[prev + 1] > 0) {
        rows.push({ t: new Date(timestamp[i - 1]), v: NaN, s: name });
      }
      rows.push({ t: new Date(timestamp[i]), v: values[i], s: name });
      prev = i;
    }
  }
  const names = series.map((s) => s.name);
  const colors = names.map((_, i) =>
    (options.colors ?? SERIES_COLORS)[i % (options.colors ?? SERIES_COLORS).length]
  );
  const multi = series.length > 1;
  const base = options.reference ?? 0;
  return _renderPlot(
    {
      x: _timeAxis(options.xLabel),
      marginBottom: _TIME_AXIS_MARGIN,
      y: {
        type: options.logY ? "log" : "linear",
        label: options.yLabel ?? names.join(", "),
        grid: true,
        ...(options.percent ? { tickFormat: _percentFormat(rows.map((r) => r.v)) } : {}),
      },
      color: { domain: names, range: colors },
      marks: [
        ...(options.area && !multi
          ? [Plot.areaY(rows, { x: "t", y1: base, y2: "v", fill: colors[0], fillOpacity: 0.25 })]
          : []),
        ...(options.reference !== undefined ? [Plot.ruleY([options.reference], { stroke: "#888" })] : []),
        Plot.lineY(rows, { x: "t", y: "v", z: "s", stroke: "s", strokeWidth: 1.2 }),
      ],
    },
    options,
    multi ? names.map((label, i) => ({ label, color: colors[i] })) : [],
  );
}

/** A d3 percent format with enough decimals for the values' range, signed when they cross zero. */
export function _percentFormat(values: readonly number[]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const range = hi - lo;
  const decimals = !(range > 0) || range >= 0.2 ? 0 : range >= 0.02 ? 1 : 2;
  return `${lo < 0 && hi > 0 ? "+" : ""}.${decimals}%`;
}
