/**
 * A rendered chart: an SVG string that also displays itself in a Deno Jupyter notebook.
 *
 * @module
 */

/** The symbol Deno's Jupyter kernel calls to get a displayable media bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A chart: `.svg` for files and HTML reports, displays as `image/svg+xml` in a notebook. */
export interface Chart {
  /** Standalone SVG document text (with `xmlns`), ready to write to a `.svg` file. */
  readonly svg: string;
  /** The chart's title. */
  readonly title: string;
  /** Called by the Deno kernel when the chart is a cell's last expression. */
  [JUPYTER_DISPLAY](): { "image/svg+xml": string; "text/plain": string };
}

/**
 * Wraps an SVG string as a {@link Chart}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { makeChart, JUPYTER_DISPLAY } from "./chart.ts";
 * const c = makeChart('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "Empty");
 * assert(c[JUPYTER_DISPLAY]()["image/svg+xml"] === c.svg);
 * assert(String(c) === c.svg);
 * ```
 */
export function makeChart(svg: string, title: string): Chart {
  return {
    svg,
    title,
    [JUPYTER_DISPLAY]: () => ({ "image/svg+xml": svg, "text/plain": `Chart: ${title}` }),
    toString: () => svg,
  } as Chart;
}
