/**
 * Small building blocks of the data exploration notebook (01): a quality report view, the gap list,
 * log returns (the series kernel) with their summary statistics, and the funding events of a perpetual dataset.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { QualityReport } from "../data/quality.ts";
import { escapeHtml } from "./html_report.ts";
import { formatCell } from "./table_view.ts";

/** HTML that displays as `text/html` in a Deno notebook. */
export interface HtmlDisplay {
  readonly html: string;
  [key: symbol]: () => { "text/html": string; "text/plain": string };
}

/**
 * Wraps HTML so a notebook cell displays it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { htmlDisplay } from "./exploration.ts";
 * const d = htmlDisplay("<b>x</b>", "x");
 * assert(d[Symbol.for("Jupyter.display")]()["text/html"] === "<b>x</b>");
 * ```
 */
export function htmlDisplay(html: string, text: string): HtmlDisplay {
  return { html, [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": text }) };
}

/**
 * A two-column view of a quality report (rows, interval, gaps, duplicates, bad prices, extreme returns)
 * followed by its findings, hard ones first.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { qualityView } from "./exploration.ts";
 * import { computeQuality } from "../data/quality.ts";
 * const h = 3_600_000;
 * const r = computeQuality({ kind: "ohlcv", timestamp: Float64Array.of(0, h, 3 * h),
 *   columns: { close: Float64Array.of(1, 2, 3) } });
 * assert(qualityView(r, "spot").html.includes("missing bars"));
 * ```
 */
export function qualityView(report: QualityReport, caption: string): HtmlDisplay {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const rows: [string, string][] = [
    ["rows", formatCell(report.rows, false)],
    ["interval", `${report.intervalMs / 60_000} min`],
    ["gaps / missing bars", `${report.gaps.count} / ${report.gaps.missingBars}`],
    ["duplicate timestamps", String(report.duplicateTimestamps)],
    ["unsorted steps", String(report.unsortedSteps)],
    ["null values", String(sum(report.nullValues))],
    ["non-positive prices", String(sum(report.nonPositivePrices))],
    ["OHLC inconsistent bars", String(report.ohlcInconsistent)],
    ["zero-volume bars", String(report.zeroVolumeBars)],
    [
      `extreme returns (> ${report.extremeReturns.thresholdSigma} sigma)`,
      String(report.extremeReturns.count),
    ],
    ["hard failures", String(report.hardFailures)],
  ];
  const order = { hard: 0, warning: 1, info: 2 };
  const findings = [...report.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const html = `<table class="candlelab-table"><caption>${escapeHtml(caption)}: quality</caption>
${
    rows.map(([k, v]) =>
      `<tr><th style="text-align:left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`
    ).join("\n")
  }
</table>
<ul class="candlelab-findings">
${
    findings.map((f) => `<li><b>${f.severity}</b> ${escapeHtml(f.code)}: ${escapeHtml(f.message)}</li>`).join(
      "\n",
    )
  }
</ul>`;
  return htmlDisplay(
    html,
    `${caption}: ${report.rows} rows, ${report.gaps.count} gaps, ${report.hardFailures} hard failures`,
  );
}

/**
 * The largest gaps of a quality report as a table (`from`, `to` as UTC ms, `missing_bars`, `hours`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gapTable } from "./exploration.ts";
 * import { computeQuality } from "../data/quality.ts";
 * const h = 3_600_000;
 * const r = computeQuality({ kind: "ohlcv", timestamp: Float64Array.of(0, h, 5 * h), columns: {} });
 * assert(gapTable(r).numRows() === 1);
 * ```
 */
export function gapTable(report: QualityReport): ColumnTable {
  const g = report.gaps.largest;
  return aq.table({
    from_time: Float64Array.from(g, (x) => Date.parse(x.from)),
    to_time: Float64Array.from(g, (x) => Date.parse(x.to)),
    missing_bars: Float64Array.from(g, (x) => x.missingBars),
    hours: Float64Array.from(g, (x) => x.hours),
  });
}

/**
 * Close-to-close log returns; the first value is NaN. A return across a gap spans the gap (look at
 * the gap list before reading the tails). The series kernel (lib/series/kernels.ts), shown here for
 * notebook 01.
 */
export { logReturns } from "../series/kernels.ts";

/**
 * Count, mean, standard deviation, skewness, excess kurtosis, min and max of the finite values, as a
 * one-row-per-statistic table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { describeValues } from "./exploration.ts";
 * const t = describeValues(Float64Array.of(1, 2, 3, NaN));
 * assert(t.get("value", 0) === 3 && t.get("value", 1) === 2);
 * ```
 */
export function describeValues(values: ArrayLike<number>): ColumnTable {
  let n = 0, mean = 0, m2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const variance = n > 1 ? m2 / (n - 1) : NaN;
  const sd = Math.sqrt(variance);
  let m3 = 0, m4 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const z = (v - mean) / sd;
    m3 += z ** 3;
    m4 += z ** 4;
  }
  return aq.table({
    statistic: ["count", "mean", "std", "skew", "excess kurtosis", "min", "max"],
    value: Float64Array.of(n, n ? mean : NaN, sd, m3 / n, m4 / n - 3, n ? min : NaN, n ? max : NaN),
  });
}

/**
 * The funding events of a perpetual table: rows where `funding_rate` is not NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { fundingEvents } from "./exploration.ts";
 * const t = aq.table({ timestamp: Float64Array.of(0, 1, 2), funding_rate: Float64Array.of(0.0001, NaN, -0.0002) });
 * assert(fundingEvents(t).numRows() === 2);
 * ```
 */
export function fundingEvents(table: ColumnTable): ColumnTable {
  const ts = table.array("timestamp", Float64Array) as Float64Array;
  const rate = table.array("funding_rate", Float64Array) as Float64Array;
  let n = 0;
  for (let i = 0; i < rate.length; i++) if (!Number.isNaN(rate[i])) n++;
  const t = new Float64Array(n), r = new Float64Array(n);
  for (let i = 0, j = 0; i < rate.length; i++) {
    if (Number.isNaN(rate[i])) continue;
    t[j] = ts[i];
    r[j++] = rate[i];
  }
  return aq.table({ timestamp: t, funding_rate: r });
}
