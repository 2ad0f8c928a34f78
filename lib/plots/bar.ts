/**
 * Bar chart of labelled values (class counts, feature importances, metrics by fold).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, type ChartOptions } from "./_render.ts";
import { CandlelabError } from "../util/errors.ts";

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions {
  /** Keep the given order instead of sorting by value. @default true */
  keepOrder?: boolean;
  /** Print each value above its bar. @default true */
  labels?: boolean;
}

/**
 * Draws one vertical bar per label; negative values go below zero.
 *
 * @example
 * ```ts
 * import { barChart } from "./bar.ts";
 * const c = barChart(["short", "neutral", "long"], [120, 300, 140], { title: "Class counts" });
 * console.assert(c.svg.includes("neutral"));
 * ```
 */
export function barChart(
  labels: readonly string[],
  values: ArrayLike<number>,
  options: BarChartOptions,
): Chart {
  if (labels.length !== values.length) {
    throw new CandlelabError(
      `Cannot draw bar chart "${options.title}": ${labels.length} labels but ${values.length} values; pass one value per label`,
    );
  }
  const rows = labels.map((label, i) => ({ label, value: values[i] }));
  const domain = (options.keepOrder ?? true)
    ? [...labels]
    : [...rows].sort((a, b) => b.value - a.value).map((r) => r.label);
  return _renderPlot({
    x: { domain, label: options.xLabel ?? null, tickRotate: labels.length > 12 ? -45 : 0 },
    y: { label: options.yLabel ?? "value", grid: true },
    marginBottom: labels.length > 12 ? 70 : 35,
    marks: [
      Plot.barY(rows, { x: "label", y: "value", fill: "steelblue" }),
      ...(options.labels ?? true
        ? [Plot.text(rows, { x: "label", y: "value", text: (d: { value: number }) => _fmt(d.value), dy: -6 })]
        : []),
      Plot.ruleY([0]),
    ],
  }, options);
}

function _fmt(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3);
}
