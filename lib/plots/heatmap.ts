/**
 * Heatmap of a matrix (correlation or confusion matrix), values written in the cells.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Chart } from "./chart.ts";
import { _renderPlot, _textWidth, type ChartOptions } from "./_render.ts";
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
  /** Formats a cell's value (overrides `digits`); missing values print nothing. */
  format?: (value: number) => string;
  /** Colour domain (e.g. symmetric [-0.1, 0.1] for monthly returns, diverging). @default [-1, 1] diverging, data range otherwise */
  colorDomain?: [number, number];
}

/**
 * Draws `matrix[row][col]` as coloured cells with the value printed in each.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { heatmap } from "./heatmap.ts";
 * const c = heatmap([[1, -0.2], [-0.2, 1]], {
 *   title: "Correlation", rowLabels: ["a", "b"], colLabels: ["a", "b"], diverging: true,
 * });
 * assert(c.svg.includes("-0.20"));
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
  // "-0.0" for a tiny negative reads as a sign that is not there
  const fmt = options.format ??
    ((v: number) => (Number(v.toFixed(digits)) === 0 ? (0).toFixed(digits) : v.toFixed(digits)));
  const rows = matrix.flatMap((r, i) =>
    Array.from(r, (v, j) => ({ row: rowLabels[i], col: colLabels[j], v }))
  );
  const color = options.diverging
    ? { type: "linear", scheme: "rdbu", domain: options.colorDomain ?? [-1, 1], label: options.yLabel }
    : {
      type: "linear",
      scheme: "blues",
      label: options.yLabel,
      ...(options.colorDomain ? { domain: options.colorDomain } : {}),
    };
  // margins from the longest labels; column labels turn vertical when they do not fit their cell
  const width = options.width ?? 720;
  const marginLeft = Math.max(40, Math.max(0, ...rowLabels.map((l) => _textWidth(l))) + 12);
  const cellWidth = (width - marginLeft - 20) / Math.max(1, colLabels.length);
  const widestCol = Math.max(0, ...colLabels.map((l) => _textWidth(l)));
  const turn = widestCol > cellWidth - 4;
  const marginTop = turn ? widestCol + 12 : 30;
  const height = options.height ?? Math.max(160, marginTop + 20 + 28 * rowLabels.length);
  const cellHeight = (height - marginTop - 20) / Math.max(1, rowLabels.length);
  const texts = rows.map((d) => (Number.isFinite(d.v) ? fmt(d.v) : ""));
  const finite = rows.map((d) => d.v).filter(Number.isFinite);
  const dom: [number, number] = options.colorDomain ??
    (options.diverging ? [-1, 1] : [Math.min(0, ...finite), Math.max(0, ...finite)]);
  const showValues = cellHeight >= 12 && Math.max(0, ...texts.map((t) => _textWidth(t))) <= cellWidth - 4;
  return _renderPlot({
    x: {
      domain: [...colLabels],
      label: options.xLabel ?? null,
      axis: "top",
      tickRotate: turn ? -90 : 0,
      tickSize: 0,
    },
    y: { domain: [...rowLabels], label: options.yLabel ?? null, tickSize: 0 },
    color,
    marginLeft,
    marginTop,
    marginBottom: 20,
    marginRight: 20,
    marks: [
      Plot.cell(rows, { x: "col", y: "row", fill: "v", inset: 0.5 }),
      ...(showValues
        ? [Plot.text(rows, {
          x: "col",
          y: "row",
          text: (_d: unknown, i: number) => texts[i],
          // dark text on light cells, white text on dark ones (both ends of a diverging scale are dark)
          fill: (d: { v: number }) => (_darkness(d.v, dom, !!options.diverging) > 0.6 ? "white" : "black"),
        })]
        : []),
    ],
  }, { ...options, height });
}

/** How dark a cell of value `v` is drawn, 0 (white) to 1 (the scheme's darkest). */
function _darkness(v: number, [lo, hi]: [number, number], diverging: boolean): number {
  if (!Number.isFinite(v) || hi <= lo) return 0;
  const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  return diverging ? Math.abs(2 * t - 1) : t;
}
