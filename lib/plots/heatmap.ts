/**
 * Heatmap of a matrix (correlation or confusion matrix), values written in the cells.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, type ChartOptions } from "./_render.ts";
import { CandlelabError } from "../util/errors.ts";

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends ChartOptions {
  /** Labels of the rows (top to bottom). */
  rowLabels: readonly string[];
  /** Labels of the columns (left to right). */
  colLabels: readonly string[];
  /** Diverging colours centred on 0 over [-1, 1] (correlations); otherwise sequential. @default false */
  diverging?: boolean;
  /** Digits printed in each cell. @default 2 */
  digits?: number;
}

/**
 * Draws `matrix[row][col]` as coloured cells with the value printed in each.
 *
 * @example
 * ```ts
 * import { heatmap } from "./heatmap.ts";
 * const c = heatmap([[1, -0.2], [-0.2, 1]], {
 *   title: "Correlation", rowLabels: ["a", "b"], colLabels: ["a", "b"], diverging: true,
 * });
 * console.assert(c.svg.includes("-0.20"));
 * ```
 */
export function heatmap(matrix: readonly ArrayLike<number>[], options: HeatmapOptions): Chart {
  const { rowLabels, colLabels } = options;
  if (matrix.length !== rowLabels.length || matrix.some((r) => r.length !== colLabels.length)) {
    throw new CandlelabError(
      `Cannot draw heatmap "${options.title}": matrix is ${matrix.length}x${
        matrix[0]?.length ?? 0
      } but labels are ${rowLabels.length}x${colLabels.length}; pass one label per row and per column`,
    );
  }
  const digits = options.digits ?? 2;
  const rows = matrix.flatMap((r, i) =>
    Array.from(r, (v, j) => ({ row: rowLabels[i], col: colLabels[j], v }))
  );
  const color = options.diverging
    ? { type: "linear", scheme: "rdbu", domain: [-1, 1], label: options.yLabel }
    : { type: "linear", scheme: "blues", label: options.yLabel };
  return _renderPlot({
    x: { domain: [...colLabels], label: options.xLabel ?? null, axis: "top" },
    y: { domain: [...rowLabels], label: options.yLabel ?? null },
    color,
    marginLeft: 80,
    marks: [
      Plot.cell(rows, { x: "col", y: "row", fill: "v", inset: 0.5 }),
      Plot.text(rows, {
        x: "col",
        y: "row",
        text: (d: { v: number }) => Number.isFinite(d.v) ? d.v.toFixed(digits) : "",
        fill: "black",
        stroke: "white",
        strokeWidth: 2,
        paintOrder: "stroke",
      }),
    ],
  }, options);
}
