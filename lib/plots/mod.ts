/**
 * Charts as SVG, rendered headlessly with Observable Plot; each displays itself in a Deno notebook.
 *
 * @module
 */
export { type Chart, JUPYTER_DISPLAY, makeChart } from "./chart.ts";
export type { ChartOptions } from "./_render.ts";
export type { ChartData } from "./_columns.ts";
export { decimateMinMax, lineChart, type LineChartOptions } from "./line.ts";
export { candleChart, type CandleChartOptions } from "./candles.ts";
export { histogram, type HistogramOptions } from "./histogram.ts";
export { barChart, type BarChartOptions } from "./bar.ts";
export { heatmap, type HeatmapOptions } from "./heatmap.ts";
export { overlayChart, type OverlaySeries } from "./line.ts";
export { calibrationChart, type CalibrationPoint } from "./calibration.ts";
export { dotChart, type DotRow } from "./dots.ts";
export { type LegendItem, SERIES_COLORS } from "./_render.ts";
