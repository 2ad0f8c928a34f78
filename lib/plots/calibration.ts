/**
 * Reliability diagram: how often a model was right against how confident it was, per confidence bin,
 * with the diagonal of perfect calibration.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, type ChartOptions } from "./_render.ts";

/** One confidence bin. */
export interface CalibrationPoint {
  /** Mean predicted probability of the chosen class in the bin. */
  confidence: number;
  /** Share of the bin's predictions that were right. */
  accuracy: number;
  /** Predictions in the bin (dot area). */
  count: number;
}

/**
 * Draws each bin as a dot (area by count) joined by a line, the diagonal y = x, and an optional
 * horizontal `baseline` (e.g. the majority-class accuracy). Bins without predictions are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { calibrationChart } from "./calibration.ts";
 * const c = calibrationChart([
 *   { confidence: 0.4, accuracy: 0.38, count: 900 }, { confidence: 0.55, accuracy: 0.6, count: 120 },
 * ], { title: "Calibration", baseline: 0.5 });
 * assert.ok(c.svg.includes("<circle") && c.svg.includes("Calibration"));
 * ```
 */
export function calibrationChart(
  points: readonly CalibrationPoint[],
  options: ChartOptions & { baseline?: number },
): Chart {
  const pts = points.filter((p) =>
    p.count > 0 && Number.isFinite(p.confidence) && Number.isFinite(p.accuracy)
  );
  const lo = Math.max(0, Math.min(0.3, ...pts.map((p) => Math.min(p.confidence, p.accuracy))) - 0.02);
  const hi = Math.min(1, Math.max(0.7, ...pts.map((p) => Math.max(p.confidence, p.accuracy))) + 0.02);
  return _renderPlot(
    {
      x: {
        domain: [lo, hi],
        label: options.xLabel ?? "mean predicted probability of the chosen class",
        grid: true,
      },
      y: { domain: [lo, hi], label: options.yLabel ?? "share right", grid: true },
      r: { range: [2, 12] },
      marks: [
        Plot.line([[lo, lo], [hi, hi]], { stroke: "#888", strokeDasharray: "4,3" }),
        ...(options.baseline !== undefined && Number.isFinite(options.baseline)
          ? [Plot.ruleY([options.baseline], { stroke: "#c01c28", strokeDasharray: "2,3" })]
          : []),
        Plot.line(pts, { x: "confidence", y: "accuracy", stroke: "steelblue" }),
        Plot.dot(pts, { x: "confidence", y: "accuracy", r: "count", fill: "steelblue", fillOpacity: 0.6 }),
      ],
    },
    options,
    [
      { label: "bins (dot area = predictions)", color: "steelblue" },
      { label: "perfect calibration", color: "#888" },
      ...(options.baseline !== undefined ? [{ label: "majority-class accuracy", color: "#c01c28" }] : []),
    ],
  );
}
