/**
 * Bar chart of labelled values (class counts, feature importances, metrics by fold).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, _textWidth, type ChartOptions } from "./_render.ts";
import { CandlelabError } from "../util/errors.ts";

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions {
  /** Keep the given order instead of sorting by value. @default true */
  keepOrder?: boolean;
  /** Print each value beside its bar (vertical bars: only when every value fits its bar's width). @default true */
  labels?: boolean;
  /** Horizontal bars, labels on the left (long names, many bars). @default when a label would not fit under its bar */
  horizontal?: boolean;
  /** Formats a value label. @default 3 significant digits */
  format?: (value: number) => string;
  /** Bar colour per label (e.g. by verdict). @default steelblue */
  colors?: readonly string[];
}

/**
 * Draws one bar per label; negative values go below (or left of) zero. Labels that would not fit under
 * their bar make the bars horizontal, with the margin sized to the longest label, so names are neither
 * clipped nor overlapping; value labels are only drawn where they fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { barChart } from "./bar.ts";
 * const c = barChart(["short", "neutral", "long"], [120, 300, 140], { title: "Class counts" });
 * assert.ok(c.svg.includes("neutral"));
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
  const rows = labels.map((label, i) => ({
    label,
    value: values[i],
    color: options.colors?.[i] ?? "steelblue",
  }));
  const domain = (options.keepOrder ?? true)
    ? [...labels]
    : [...rows].sort((a, b) => b.value - a.value).map((r) => r.label);
  const fmt = options.format ?? _fmt;
  const width = options.width ?? 720;
  const widest = Math.max(0, ...labels.map((l) => _textWidth(l)));
  const widestValue = Math.max(0, ...rows.map((r) => _textWidth(fmt(r.value))));
  const band = (width - 64 - 20) / Math.max(1, labels.length);
  const horizontal = options.horizontal ?? widest > band * 0.9;
  const showValues = options.labels ?? true;
  const fill = (d: { color: string }) => d.color;
  if (horizontal) {
    const marginLeft = Math.min(Math.round(width * 0.45), widest + 14);
    const height = options.height ?? Math.max(160, 40 + 22 * labels.length);
    return _renderPlot({
      y: { domain, label: options.xLabel ?? null, tickSize: 0 },
      x: {
        label: options.yLabel ?? "value",
        grid: true,
        ...(showValues
          ? { insetRight: widestValue + 6, insetLeft: rows.some((r) => r.value < 0) ? widestValue + 6 : 0 }
          : {}),
      },
      marginLeft,
      marginRight: 20,
      marks: [
        Plot.barX(rows, { y: "label", x: "value", fill }),
        ...(showValues
          ? [
            Plot.text(rows.filter((r) => !(r.value < 0)), {
              y: "label",
              x: "value",
              text: (d: { value: number }) => fmt(d.value),
              textAnchor: "start",
              dx: 4,
            }),
            Plot.text(rows.filter((r) => r.value < 0), {
              y: "label",
              x: "value",
              text: (d: { value: number }) => fmt(d.value),
              textAnchor: "end",
              dx: -4,
            }),
          ]
          : []),
        Plot.ruleX([0]),
      ],
    }, { ...options, height });
  }
  const fits = widestValue <= band - 2;
  const labelled = showValues && fits;
  const neg = rows.some((r) => r.value < 0);
  return _renderPlot({
    x: { domain, label: options.xLabel ?? null },
    y: {
      label: options.yLabel ?? "value",
      grid: true,
      insetTop: labelled ? 14 : 0,
      insetBottom: labelled && neg ? 14 : 0,
    },
    marginBottom: 35,
    marks: [
      Plot.barY(rows, { x: "label", y: "value", fill }),
      ...(labelled
        ? [
          Plot.text(rows.filter((r) => !(r.value < 0)), {
            x: "label",
            y: "value",
            text: (d: { value: number }) => fmt(d.value),
            dy: -6,
          }),
          Plot.text(rows.filter((r) => r.value < 0), {
            x: "label",
            y: "value",
            text: (d: { value: number }) => fmt(d.value),
            dy: 8,
          }),
        ]
        : []),
      Plot.ruleY([0]),
    ],
  }, options);
}

function _fmt(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3);
}
