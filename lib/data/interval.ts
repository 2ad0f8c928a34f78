/**
 * Bar intervals as text ("1m", "4h", "1d") and as milliseconds.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

const _UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses an interval such as `"1m"`, `"4h"`, `"1d"` or `"8h"` into milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseInterval } from "./interval.ts";
 * assert(parseInterval("4h") === 4 * 3_600_000);
 * ```
 */
export function parseInterval(text: string): number {
  const m = /^(\d+)([smhdw])$/.exec(String(text).trim());
  if (!m || Number(m[1]) <= 0) {
    throw new CandlelabError(
      `Cannot parse interval: expected a positive count and a unit s/m/h/d/w such as "1h" or "15m", current value is ${
        JSON.stringify(text)
      }`,
    );
  }
  return Number(m[1]) * _UNIT_MS[m[2]];
}

/**
 * Formats milliseconds as the shortest interval text (largest whole unit).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatInterval } from "./interval.ts";
 * assert(formatInterval(28_800_000) === "8h");
 * ```
 */
export function formatInterval(ms: number): string {
  for (const unit of ["w", "d", "h", "m", "s"]) {
    const u = _UNIT_MS[unit];
    if (ms > 0 && ms % u === 0) return `${ms / u}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * ISO-8601 text of a UTC ms timestamp (or `null` when not finite).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { isoTime } from "./interval.ts";
 * assert(isoTime(0) === "1970-01-01T00:00:00.000Z");
 * ```
 */
export function isoTime(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * Parses an ISO date or date-time (UTC unless an offset is given) into UTC ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseTime } from "./interval.ts";
 * assert(parseTime("2022-01-01") === Date.UTC(2022, 0, 1));
 * ```
 */
export function parseTime(text: string): number {
  const s = String(text).trim();
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(s)
    ? `${s}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(s)
    ? s
    : `${s}Z`;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms)) {
    throw new CandlelabError(
      `Cannot parse time: expected an ISO date such as "2022-01-01" or "2022-01-01T08:00:00Z", current value is ${
        JSON.stringify(text)
      }`,
    );
  }
  return ms;
}
