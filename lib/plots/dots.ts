/**
 * Horizontal dot chart: one row per label, a dot at its value, an optional tick at a threshold it must
 * beat, and a note at the right (e.g. each run's Sharpe against the Sharpe luck would reach, with its
 * deflated Sharpe and trials written beside it).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, _textWidth, type ChartOptions, type LegendItem } from "./_render.ts";

/** One row of {@link dotChart}. */
export interface DotRow {
  label: string;
  value: number | null;
  /** A threshold drawn as a grey tick on the row (e.g. sr0). */
  marker?: number | null;
  /** Text at the right of the row. */
  note?: string;
  /** Dot colour. @default steelblue */
  color?: string;
}

/**
 * Draws the rows top to bottom in the given order; rows without a value show only their note.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dotChart } from "./dots.ts";
 * const c = dotChart([{ label: "run a", value: -0.4, marker: 0.9, note: "DSR 0.12 · 1 trial" }], {
 *   title: "Sharpe against the luck threshold", markerLabel: "sr0",
 * });
 * assert.ok(c.svg.includes("DSR 0.12") && c.svg.includes("run a"));
 * ```
 */
export function dotChart(
  rows: readonly DotRow[],
  options: ChartOptions & { markerLabel?: string; zero?: boolean; legend?: readonly LegendItem[] },
): Chart {
  const width = options.width ?? 720;
  const labels = rows.map((r) => r.label);
  const marginLeft = Math.min(
    Math.round(width * 0.35),
    Math.max(40, ...labels.map((l) => _textWidth(l))) + 12,
  );
  const marginRight = Math.min(
    Math.round(width * 0.4),
    Math.max(20, ...rows.map((r) => _textWidth(r.note ?? ""))) + 16,
  );
  const height = options.height ?? Math.max(140, 60 + 26 * rows.length);
  const dots = rows.filter((r) => r.value !== null && Number.isFinite(r.value));
  const ticks = rows.filter((r) => r.marker !== null && r.marker !== undefined && Number.isFinite(r.marker));
  return _renderPlot(
    {
      y: { domain: labels, label: null, tickSize: 0 },
      x: { label: options.xLabel ?? "value", grid: true, inset: 8 },
      marginLeft,
      marginRight,
      marks: [
        ...(options.zero ?? true ? [Plot.ruleX([0], { stroke: "#555" })] : []),
        Plot.tickX(ticks, { y: "label", x: "marker", stroke: "#888", strokeWidth: 2 }),
        Plot.dot(dots, { y: "label", x: "value", r: 5, fill: (d: DotRow) => d.color ?? "steelblue" }),
        Plot.text(rows, {
          y: "label",
          text: (d: DotRow) => d.note ?? "",
          frameAnchor: "right",
          textAnchor: "start",
          dx: 10,
        }),
      ],
    },
    { ...options, height },
    [
      ...(options.legend ?? []),
      ...(options.markerLabel && ticks.length ? [{ label: options.markerLabel, color: "#888" }] : []),
    ],
  );
}
