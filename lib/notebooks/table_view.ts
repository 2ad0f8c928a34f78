/**
 * An Arquero table as an HTML table for notebooks and reports: the first and last rows, numbers
 * formatted (per-column formats such as percentages, missing values as "—"), `timestamp`-like columns
 * shown as UTC dates, no row-number column unless asked, wide tables scroll instead of being clipped, and
 * an empty table is one line saying so.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { escapeHtml } from "./html_report.ts";
import { formatValue, MISSING, type ValueFormat } from "./report_format.ts";

/** Options of {@link tableView}. */
export interface TableViewOptions {
  /** Rows shown from the top. @default 5 */
  head?: number;
  /** Rows shown from the bottom. @default 5 */
  tail?: number;
  /** Significant digits of non-integer numbers. @default 4 (never rounding the integer part) */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
  /** Columns rendered as UTC dates. @default columns named `timestamp` or ending in `_time`/`_ts` */
  timeColumns?: string[];
  /** Format per column ("pct", "signed_pct", "date", "duration", ... or a function), see report_format.ts. */
  formats?: Record<string, ValueFormat>;
  /** Show the row number as the first column. @default false */
  index?: boolean;
  /** Header text per column (the column name otherwise). */
  labels?: Record<string, string>;
}

/** An HTML table that displays as `text/html` in a Deno notebook. */
export interface TableView {
  readonly html: string;
  [key: symbol]: () => { "text/html": string; "text/plain": string };
}

/**
 * Formats one cell: UTC ISO time for time columns, grouped integers, `digits` significant digits
 * otherwise, and `NaN`/empty for missing values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatCell } from "./table_view.ts";
 * assert(formatCell(0, true) === "1970-01-01 00:00");
 * assert(formatCell(1234567, false) === "1,234,567");
 * assert(formatCell(0.000123456, false, 3) === "0.000123");
 * assert(formatCell(NaN, false) === "—");
 * ```
 */
export function formatCell(value: unknown, isTime: boolean, digits = 6): string {
  if (value === null || value === undefined) return MISSING;
  if (value instanceof Date) value = value.getTime();
  if (typeof value === "bigint") value = Number(value);
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return MISSING;
  if (isTime && Number.isFinite(value)) {
    const iso = new Date(value).toISOString();
    return iso.endsWith(":00.000Z")
      ? iso.slice(0, 16).replace("T", " ")
      : iso.replace("T", " ").replace("Z", "");
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString("en-US");
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(Math.max(0, digits - 1));
  const rounded = abs >= 10 ** digits ? Math.round(value) : Number(value.toPrecision(digits));
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 12 });
}

/**
 * Renders the first `head` and last `tail` rows of `table` (with a "…" row between and a footer with the
 * row and column counts when rows are skipped). Numbers are right-aligned, text left-aligned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { tableView } from "./table_view.ts";
 * const t = aq.table({ timestamp: Float64Array.of(0, 3_600_000), ret: Float64Array.of(3.86465, NaN) });
 * const v = tableView(t, { caption: "bars", formats: { ret: "signed_pct" } });
 * assert.ok(v.html.includes("1970-01-01 01:00") && v.html.includes("+386 %") && !v.html.includes("NaN"));
 * assert.ok(tableView(aq.table({ a: [] }), { caption: "none" }).html.includes("none: no rows"));
 * ```
 */
export function tableView(table: ColumnTable, options: TableViewOptions = {}): TableView {
  const head = options.head ?? 5;
  const tail = options.tail ?? 5;
  const n = table.numRows();
  const names = table.columnNames();
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  if (n === 0) {
    const text = `${options.caption ? options.caption + ": " : ""}no rows`;
    const html = `<p class="candlelab-empty">${escapeHtml(text)}</p>`;
    return { html, [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": text }) };
  }
  const timeCols = new Set(options.timeColumns ?? names.filter((c) => /^timestamp$|_time$|_ts$/.test(c)));
  const formats = options.formats ?? {};
  const index = options.index ?? false;
  const rows: (number | null)[] = [];
  if (n <= head + tail) { for (let i = 0; i < n; i++) rows.push(i); }
  else {
    for (let i = 0; i < head; i++) rows.push(i);
    rows.push(null);
    for (let i = n - tail; i < n; i++) rows.push(i);
  }
  const getters = names.map((c) => table.getter(c));
  const numeric = names.map((_, j) => {
    for (let i = 0; i < Math.min(n, 20); i++) {
      const v = getters[j](i);
      if (v !== null && v !== undefined) return typeof v === "number" || typeof v === "bigint";
    }
    return true;
  });
  const cls = (j: number) => (numeric[j] ? "num" : "txt");
  const cell = (c: string, j: number, r: number) => {
    const v = getters[j](r);
    const text = formats[c] !== undefined
      ? formatValue(v, formats[c])
      : formatCell(v, timeCols.has(c), options.digits ?? 4);
    return `<td class="${cls(j)}${text === MISSING ? " na" : ""}">${escapeHtml(text)}</td>`;
  };
  const idx = (text: string) => (index ? `<td class="num idx">${text}</td>` : "");
  const body = rows.map((r) =>
    r === null
      ? `<tr class="skip">${idx("…")}${names.map(() => "<td>…</td>").join("")}</tr>`
      : `<tr>${idx(String(r))}${names.map((c, j) => cell(c, j, r)).join("")}</tr>`
  ).join("\n");
  const skipped = rows.length < n;
  const footer = skipped
    ? `<tfoot><tr><td colspan="${names.length + (index ? 1 : 0)}">${
      rows.filter((r) => r !== null).length
    } of ${n.toLocaleString("en-US")} rows shown · ${
      n.toLocaleString("en-US")
    } rows × ${names.length} columns</td></tr></tfoot>`
    : "";
  const label = (c: string) => escapeHtml(options.labels?.[c] ?? c);
  const html =
    `<div class="candlelab-table-wrap" style="overflow-x: auto; max-width: 100%"><table class="candlelab-table">${caption}
<thead><tr>${index ? "<th></th>" : ""}${
      names.map((c, j) => `<th class="${cls(j)}">${label(c)}</th>`).join("")
    }</tr></thead>
<tbody>
${body}
</tbody>${footer}
</table></div>`;
  const text = `${options.caption ? options.caption + ": " : ""}${n} rows x ${names.length} columns`;
  return { html, [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": text }) };
}
