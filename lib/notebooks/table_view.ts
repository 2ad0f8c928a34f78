/**
 * An Arquero table as an HTML table for notebooks and reports: the first and last rows, numbers
 * formatted, `timestamp`-like columns shown as UTC dates.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { escapeHtml } from "./html_report.ts";

/** Options of {@link tableView}. */
export interface TableViewOptions {
  /** Rows shown from the top. @default 5 */
  head?: number;
  /** Rows shown from the bottom. @default 5 */
  tail?: number;
  /** Significant digits of non-integer numbers. @default 6 */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
  /** Columns rendered as UTC dates. @default columns named `timestamp` or ending in `_time`/`_ts` */
  timeColumns?: string[];
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
 * import { formatCell } from "./table_view.ts";
 * console.assert(formatCell(0, true) === "1970-01-01 00:00");
 * console.assert(formatCell(1234567, false) === "1,234,567");
 * console.assert(formatCell(0.000123456, false, 3) === "0.000123");
 * console.assert(formatCell(NaN, false) === "NaN");
 * ```
 */
export function formatCell(value: unknown, isTime: boolean, digits = 6): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) value = value.getTime();
  if (typeof value === "bigint") value = Number(value);
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "NaN";
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
  return Number(value.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 12 });
}

/**
 * Renders the first `head` and last `tail` rows of `table` (with a "…" row between when rows are
 * skipped) and a footer with the row and column counts.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { tableView } from "./table_view.ts";
 * const t = aq.table({ timestamp: Float64Array.of(0, 3_600_000), close: Float64Array.of(1.5, 2) });
 * const v = tableView(t, { caption: "bars" });
 * console.assert(v.html.includes("1970-01-01 01:00") && v.html.includes("2 rows"));
 * ```
 */
export function tableView(table: ColumnTable, options: TableViewOptions = {}): TableView {
  const head = options.head ?? 5;
  const tail = options.tail ?? 5;
  const n = table.numRows();
  const names = table.columnNames();
  const timeCols = new Set(options.timeColumns ?? names.filter((c) => /^timestamp$|_time$|_ts$/.test(c)));
  const rows: (number | null)[] = [];
  if (n <= head + tail) { for (let i = 0; i < n; i++) rows.push(i); }
  else {
    for (let i = 0; i < head; i++) rows.push(i);
    rows.push(null);
    for (let i = n - tail; i < n; i++) rows.push(i);
  }
  const getters = names.map((c) => table.getter(c));
  const body = rows.map((r) =>
    r === null
      ? `<tr class="skip"><td>…</td>${names.map(() => "<td>…</td>").join("")}</tr>`
      : `<tr><td>${r}</td>${
        names.map((c, j) =>
          `<td>${escapeHtml(formatCell(getters[j](r), timeCols.has(c), options.digits))}</td>`
        ).join("")
      }</tr>`
  ).join("\n");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  const html = `<table class="candlelab-table">${caption}
<thead><tr><th></th>${names.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>
<tbody>
${body}
</tbody>
<tfoot><tr><td colspan="${names.length + 1}">${
    n.toLocaleString("en-US")
  } rows × ${names.length} columns</td></tr></tfoot>
</table>`;
  const text = `${options.caption ? options.caption + ": " : ""}${n} rows x ${names.length} columns`;
  return { html, [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": text }) };
}
