/**
 * Line chart over time (equity curves, prices), one or more series.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, _timeAxis, type ChartOptions } from "./_render.ts";
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
}

/**
 * Keeps the first, min, max and last point of each bucket so a long series draws fast and keeps its
 * extremes. Returns indices into the input, ascending. NaN values are skipped.
 *
 * @example
 * ```ts
 * import { decimateMinMax } from "./line.ts";
 * const idx = decimateMinMax(Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i)), 100);
 * console.assert(idx.length <= 100 * 2 + 2);
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
 * Draws one line per `y` column against UTC time.
 *
 * @example
 * ```ts
 * import { lineChart } from "./line.ts";
 * const hour = 3_600_000;
 * const c = lineChart(
 *   { timestamp: [0, hour, 2 * hour], equity: [1, 1.1, 1.05] },
 *   { y: "equity", title: "Equity", yLabel: "equity (x)" },
 * );
 * console.assert(c.svg.startsWith("<svg") && c.svg.includes("Equity"));
 * ```
 */
export function lineChart(data: ChartData, options: LineChartOptions): Chart {
  const xName = options.x ?? "timestamp";
  const ys = Array.isArray(options.y) ? options.y : [options.y];
  const x = _column(data, xName, "line chart");
  const rows: { t: Date; v: number; s: string }[] = [];
  for (const name of ys) {
    const y = _column(data, name, "line chart");
    for (const i of decimateMinMax(y, options.maxPoints ?? 2000)) {
      rows.push({ t: new Date(x[i]), v: y[i], s: name });
    }
  }
  const multi = ys.length > 1;
  return _renderPlot({
    x: _timeAxis(options.xLabel),
    y: { type: options.logY ? "log" : "linear", label: options.yLabel ?? ys.join(", "), grid: true },
    color: multi ? { legend: false } : undefined,
    marks: [
      Plot.lineY(rows, { x: "t", y: "v", z: "s", stroke: multi ? "s" : "steelblue", strokeWidth: 1.2 }),
      ...(multi
        ? [Plot.text(_lastPoints(rows), { x: "t", y: "v", text: "s", fill: "s", textAnchor: "end", dy: -6 })]
        : []),
    ],
  }, options);
}

function _lastPoints(rows: { t: Date; v: number; s: string }[]): { t: Date; v: number; s: string }[] {
  const last = new Map<string, { t: Date; v: number; s: string }>();
  for (const r of rows) if (Number.isFinite(r.v)) last.set(r.s, r);
  return [...last.values()];
}
