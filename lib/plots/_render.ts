/**
 * Headless Observable Plot rendering: Plot draws into a linkedom document, a title is added inside the
 * SVG (so `image/svg+xml` and `.svg` files carry it) and the root gets its `xmlns`.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { type Chart, makeChart } from "./chart.ts";
import { CandlelabError } from "../util/errors.ts";

/** Options every chart accepts. */
export interface ChartOptions {
  /** Title drawn at the top of the chart (required: an untitled chart in a report is a puzzle). */
  title: string;
  /** Width in px. @default 720 */
  width?: number;
  /** Height in px. @default 360 */
  height?: number;
  /** x-axis label. */
  xLabel?: string;
  /** y-axis label. */
  yLabel?: string;
}

const _TITLE_SPACE = 28;
const _NS = "http://www.w3.org/2000/svg";

/** The few DOM members used here (the project's type check has no DOM lib). */
interface _Node {
  tagName: string;
  textContent: string | null;
  outerHTML: string;
  firstChild: _Node | null;
  setAttribute(name: string, value: string): void;
  appendChild(node: _Node): void;
}
interface _Doc {
  createElementNS(ns: string, tag: string): _Node;
}

/** Renders Plot options (marks, scales) to a titled Chart. */
export function _renderPlot(options: Record<string, unknown>, chart: ChartOptions): Chart {
  if (typeof chart.title !== "string" || chart.title.trim() === "") {
    throw new CandlelabError(
      `Cannot draw chart: a title is required, current value is ${
        JSON.stringify(chart.title)
      }; pass { title: "..." }`,
    );
  }
  const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as {
    document: _Doc;
  };
  const width = chart.width ?? 720;
  const height = chart.height ?? 360;
  const marginLeft = (options.marginLeft as number | undefined) ?? 64;
  const svg = Plot.plot(
    { marginLeft, ...options, width, height, document } as Plot.PlotOptions,
  ) as unknown as _Node;
  if (svg.tagName.toLowerCase() !== "svg") {
    throw new CandlelabError(
      `Cannot draw chart "${chart.title}": Plot returned <${svg.tagName}>, expected <svg>`,
    );
  }
  // Plot's drawing moves down into a group below a title band, so the title never collides with axis
  // labels (a nested <svg> would be simpler but Chrome sizes it with Plot's `height: auto` style).
  const group = document.createElementNS(_NS, "g");
  group.setAttribute("transform", `translate(0,${_TITLE_SPACE})`);
  while (svg.firstChild) group.appendChild(svg.firstChild);
  const total = height + _TITLE_SPACE;
  for (
    const [k, v] of Object.entries({
      xmlns: _NS,
      role: "img",
      height: String(total),
      viewBox: `0 0 ${width} ${total}`,
    })
  ) svg.setAttribute(k, v);
  const titleEl = document.createElementNS(_NS, "title");
  titleEl.textContent = chart.title;
  const text = document.createElementNS(_NS, "text");
  for (
    const [k, v] of Object.entries({
      class: "candlelab-title",
      x: "8",
      y: "19",
      "text-anchor": "start",
      "font-size": "15",
      "font-weight": "bold",
    })
  ) text.setAttribute(k, v);
  text.textContent = chart.title;
  svg.appendChild(titleEl);
  svg.appendChild(text);
  svg.appendChild(group);
  return makeChart(svg.outerHTML, chart.title);
}

/** Default axis options shared by the charts: readable UTC time ticks, grid lines. */
export function _timeAxis(label: string | undefined): Record<string, unknown> {
  return { type: "utc", label: label ?? "time (UTC)", grid: true, ticks: 6 };
}
