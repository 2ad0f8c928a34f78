/**
 * Number and date formats of the reports: percentages with a sign, p-values, UTC dates, durations,
 * and one placeholder ("—") for a missing value instead of NaN. Pure functions of a number.
 *
 * @module
 */

/** The text shown for a missing or non-finite value. */
export const MISSING = "—";

/** A named column format of {@link formatValue} (or a function of the value). */
export type ValueFormat =
  | "pct"
  | "signed_pct"
  | "num"
  | "signed"
  | "int"
  | "money"
  | "date"
  | "datetime"
  | "duration"
  | "p_value"
  | "ratio"
  | ((value: number) => string);

function _finite(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * A share as a percentage: `0.0412` → `4.12 %`, `3.86465` → `386 %` (three significant digits, at
 * least 1 decimal below 10 %); missing → "—".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtPct } from "./report_format.ts";
 * assert.equal(fmtPct(3.86465), "386 %");
 * assert.equal(fmtPct(0.0412), "4.12 %");
 * assert.equal(fmtPct(-0.0278836), "-2.79 %");
 * assert.equal(fmtPct(NaN), "—");
 * ```
 */
export function fmtPct(v: number | null | undefined, signed = false): string {
  if (!_finite(v)) return MISSING;
  const p = v * 100;
  const abs = Math.abs(p);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = p.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const zero = Number(p.toFixed(digits)) === 0;
  return `${signed && !zero && p > 0 ? "+" : ""}${zero ? (0).toFixed(digits) : text} %`;
}

/**
 * A share as a signed percentage: `+386 %`, `-2.79 %`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtSignedPct } from "./report_format.ts";
 * assert.equal(fmtSignedPct(3.86465), "+386 %");
 * assert.equal(fmtSignedPct(-0.0278836), "-2.79 %");
 * assert.equal(fmtSignedPct(0), "0.00 %");
 * ```
 */
export function fmtSignedPct(v: number | null | undefined): string {
  return fmtPct(v, true);
}

/**
 * A plain number with `digits` significant digits (grouped thousands, no exponent between 1e-4 and
 * 1e9); `signed` adds "+" to positive values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtNum } from "./report_format.ts";
 * assert.equal(fmtNum(1234567.891), "1,234,568");
 * assert.equal(fmtNum(0.0278836), "0.0279");
 * assert.equal(fmtNum(1.5, 3, true), "+1.5");
 * assert.equal(fmtNum(null), "—");
 * ```
 */
export function fmtNum(v: number | null | undefined, digits = 3, signed = false): string {
  if (!_finite(v)) return MISSING;
  const sign = signed && v > 0 ? "+" : "";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return sign + v.toLocaleString("en-US");
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e12)) return sign + v.toExponential(Math.max(0, digits - 1));
  const rounded = abs >= 10 ** digits ? Math.round(v) : Number(v.toPrecision(digits));
  return sign + rounded.toLocaleString("en-US", { maximumFractionDigits: 12 });
}

/**
 * A p-value: 3 decimals, `< 0.001` below that.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtPValue } from "./report_format.ts";
 * assert.equal(fmtPValue(0.41), "0.410");
 * assert.equal(fmtPValue(0.00002), "< 0.001");
 * ```
 */
export function fmtPValue(v: number | null | undefined): string {
  if (!_finite(v)) return MISSING;
  return v < 0.001 ? "< 0.001" : v.toFixed(3);
}

/**
 * A UTC date (`2024-03-01`) or date-time (`2024-03-01 14:00`, seconds only when not 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtDate } from "./report_format.ts";
 * assert.equal(fmtDate(Date.UTC(2024, 2, 1, 14)), "2024-03-01");
 * assert.equal(fmtDate(Date.UTC(2024, 2, 1, 14), true), "2024-03-01 14:00");
 * assert.equal(fmtDate("2024-03-01T14:00:00.000Z", true), "2024-03-01 14:00");
 * ```
 */
export function fmtDate(v: number | string | null | undefined, withTime = false): string {
  const ms = typeof v === "string" ? Date.parse(v) : v;
  if (!_finite(ms)) return MISSING;
  const iso = new Date(ms).toISOString();
  if (!withTime) return iso.slice(0, 10);
  const sec = iso.slice(17, 23);
  return iso.slice(0, 16).replace("T", " ") + (sec === "00.000" ? "" : ":" + iso.slice(17, 19));
}

/**
 * A duration in ms as the two largest units: `3d 4h`, `5h`, `45m`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtDuration } from "./report_format.ts";
 * assert.equal(fmtDuration(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
 * assert.equal(fmtDuration(5 * 3_600_000), "5h");
 * assert.equal(fmtDuration(45 * 60_000), "45m");
 * ```
 */
export function fmtDuration(ms: number | null | undefined): string {
  if (!_finite(ms) || ms < 0) return MISSING;
  const units: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]];
  const parts: string[] = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length > 0 && parts.length < 2)) {
      if (n > 0) parts.push(`${n}${u}`);
      rest -= n * size;
    }
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(" ") : "0s";
}

/**
 * Formats one value with a named format ("pct", "signed_pct", "num", "signed", "int", "money", "date",
 * "datetime", "duration", "p_value", "ratio" = 2 decimals) or a function; strings pass through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./report_format.ts";
 * assert.equal(formatValue(0.5, "signed_pct"), "+50.0 %");
 * assert.equal(formatValue(1234.5, "money"), "1,234.50");
 * assert.equal(formatValue(1.234, "ratio"), "1.23");
 * assert.equal(formatValue("x", "pct"), "x");
 * ```
 */
export function formatValue(value: unknown, format: ValueFormat): string {
  if (value === null || value === undefined) return MISSING;
  if (value instanceof Date) value = value.getTime();
  if (typeof value === "bigint") value = Number(value);
  if (typeof value !== "number") return String(value);
  if (typeof format === "function") return _finite(value) ? format(value) : MISSING;
  switch (format) {
    case "pct":
      return fmtPct(value);
    case "signed_pct":
      return fmtSignedPct(value);
    case "num":
      return fmtNum(value);
    case "signed":
      return fmtNum(value, 3, true);
    case "int":
      return _finite(value) ? Math.round(value).toLocaleString("en-US") : MISSING;
    case "money":
      return _finite(value)
        ? value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
        : MISSING;
    case "date":
      return fmtDate(value);
    case "datetime":
      return fmtDate(value, true);
    case "duration":
      return fmtDuration(value);
    case "p_value":
      return fmtPValue(value);
    case "ratio":
      return _finite(value) ? value.toFixed(2) : MISSING;
  }
}
