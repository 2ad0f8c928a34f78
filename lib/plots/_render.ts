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
const _LEGEND_ROW = 16;
const _TITLE_LINE = 19;

/** Splits a title into lines (at spaces) that fit `width` px in the bold 15 px title font. */
export function _wrapTitle(title: string, width: number): string[] {
  const fits = (s: string) => _textWidth(s, 15) * 1.1 <= width;
  if (fits(title)) return [title];
  const lines: string[] = [];
  let line = "";
  for (const word of title.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && !fits(next)) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
const _NS = "http://www.w3.org/2000/svg";

/** One legend entry: a colour swatch and its label. */
export interface LegendItem {
  label: string;
  color: string;
}

/** The colours given to series in order (Observable's tableau10, darker first for contrast). */
export const SERIES_COLORS: readonly string[] = [
  "#4269d0",
  "#ff725c",
  "#3ca951",
  "#a463f2",
  "#efb118",
  "#6cc5b0",
  "#ff8ab7",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];

/**
 * A safe (wide) estimate of the width in px of `text` in the charts' sans-serif font at `fontSize`:
 * used to size margins and decide when labels must turn or bars go horizontal. The browser test
 * (lib/notebooks/report_screenshot_test.ts) checks the real boxes never collide.
 */
export function _textWidth(text: string, fontSize = 10): number {
  let units = 0;
  for (const ch of text) {
    units += /[il.,:;'|! ]/.test(ch)
      ? 0.32
      : /[mwMW%@]/.test(ch)
      ? 0.9
      : /[A-Z0-9_+\-]/.test(ch)
      ? 0.66
      : 0.58;
  }
  return Math.ceil(units * fontSize) + 2;
}

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

/** Legend rows of `items` laid out left to right within `width` (x offsets per item, row per item). */
function _legendLayout(items: readonly LegendItem[], width: number): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x = 8;
  let row = 0;
  for (const it of items) {
    const w = 14 + _textWidth(it.label, 11) + 16;
    if (x > 8 && x + w > width - 8) {
      row++;
      x = 8;
    }
    out.push({ x, row });
    x += w;
  }
  return out;
}

/** Renders Plot options (marks, scales) to a titled Chart, with an optional legend under the title. */
export function _renderPlot(
  options: Record<string, unknown>,
  chart: ChartOptions,
  legend: readonly LegendItem[] = [],
): Chart {
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
  const layout = _legendLayout(legend, width);
  const legendRows = legend.length ? layout[layout.length - 1].row + 1 : 0;
  const titleLines = _wrapTitle(chart.title, width - 16);
  const titleSpace = _TITLE_SPACE + (titleLines.length - 1) * _TITLE_LINE;
  const top = titleSpace + legendRows * _LEGEND_ROW;
  const group = document.createElementNS(_NS, "g");
  group.setAttribute("transform", `translate(0,${top})`);
  while (svg.firstChild) group.appendChild(svg.firstChild);
  const total = height + top;
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
  if (titleLines.length === 1) text.textContent = chart.title;
  else {
    titleLines.forEach((line, i) => {
      const span = document.createElementNS(_NS, "tspan");
      span.setAttribute("x", "8");
      if (i > 0) span.setAttribute("dy", String(_TITLE_LINE));
      span.textContent = line;
      text.appendChild(span);
    });
  }
  svg.appendChild(titleEl);
  svg.appendChild(text);
  legend.forEach((it, i) => {
    const { x, row } = layout[i];
    const y = titleSpace + row * _LEGEND_ROW;
    const sw = document.createElementNS(_NS, "rect");
    for (
      const [k, v] of Object.entries({
        x: String(x),
        y: String(y),
        width: "10",
        height: "10",
        fill: it.color,
      })
    ) sw.setAttribute(k, v);
    const lt = document.createElementNS(_NS, "text");
    for (
      const [k, v] of Object.entries({
        class: "candlelab-legend",
        "text-anchor": "start",
        x: String(x + 14),
        y: String(y + 9),
        "font-size": "11",
        "font-family": "system-ui, sans-serif",
      })
    ) lt.setAttribute(k, v);
    lt.textContent = it.label;
    svg.appendChild(sw);
    svg.appendChild(lt);
  });
  svg.appendChild(group);
  return makeChart(svg.outerHTML, chart.title);
}

/** Default axis options shared by the charts: readable UTC time ticks, grid lines. */
export function _timeAxis(label: string | undefined): Record<string, unknown> {
  // the axis label sits below the two-line ticks ("Jan" over "2024"), not beside the last of them
  return { type: "utc", label: label ?? "time (UTC)", grid: true, ticks: 6, labelOffset: 40 };
}

/** Bottom margin of charts with a time axis (room for two-line ticks and the label under them). */
export const _TIME_AXIS_MARGIN = 46;
