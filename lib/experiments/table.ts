/**
 * Plain-text tables for terminal output.
 *
 * @module
 */

const _NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?$/i;

/**
 * Formats rows as an aligned text table with a header and a rule; numeric columns are right-aligned,
 * null cells show as "-".
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatTable } from "./table.ts";
 * const t = formatTable(["id", "n"], [["a", 1], ["bb", 22]]);
 * assert(t.split("\n")[2] === "a    1");
 * ```
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = rows.map((r) =>
    headers.map((_, j) => r[j] === null || r[j] === undefined ? "-" : String(r[j]))
  );
  const numeric = (v: unknown) =>
    v === null || v === undefined || typeof v === "number" || (typeof v === "string" && _NUMERIC.test(v));
  const right = headers.map((_, j) => rows.some((r) => r[j] !== null) && rows.every((r) => numeric(r[j])));
  const widths = headers.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: string[]) =>
    c.map((v, j) => right[j] ? v.padStart(widths[j]) : v.padEnd(widths[j])).join("  ").trimEnd();
  return [line([...headers]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/**
 * A number rounded for display (`digits` decimals), or null when absent or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fmtNum } from "./table.ts";
 * assert(fmtNum(1.23456, 2) === "1.23" && fmtNum(null) === null);
 * ```
 */
export function fmtNum(v: number | null | undefined, digits = 3): string | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v.toFixed(digits);
}
