/**
 * Histogram of a numeric sample (e.g. the distribution of returns).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, type ChartOptions } from "./_render.ts";

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** Approximate number of bins. @default 60 */
  bins?: number;
  /** Draw a vertical rule at x = 0. @default true */
  zeroRule?: boolean;
}

/**
 * Counts finite values into bins and draws them as bars; NaN and infinities are left out (the count of
 * left-out values is shown in the subtitle line of the x label).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { histogram } from "./histogram.ts";
 * const c = histogram([0.01, -0.02, 0.005, NaN], { title: "Returns", xLabel: "log return" });
 * assert(c.svg.includes("1 non-finite left out"));
 * ```
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions): Chart {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  const dropped = values.length - finite.length;
  const label = (options.xLabel ?? "value") + (dropped > 0 ? ` (${dropped} non-finite left out)` : "");
  return _renderPlot({
    x: { label, grid: false },
    y: { label: options.yLabel ?? "count", grid: true },
    marks: [
      Plot.rectY(finite, {
        ...Plot.binX({ y: "count" }, { x: (d: number) => d, thresholds: options.bins ?? 60 }),
        fill: "steelblue",
      }),
      ...(options.zeroRule ?? true ? [Plot.ruleX([0], { stroke: "#555", strokeDasharray: "3,3" })] : []),
      Plot.ruleY([0]),
    ],
  }, options);
}
