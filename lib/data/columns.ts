/**
 * Column-name normalisation: many spellings of the timestamp and OHLCV columns map to one schema,
 * and epoch numbers are read in seconds, ms, us or ns by their magnitude.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { FileKind } from "./filename.ts";

/** Canonical column names. */
export type CanonicalColumn = "timestamp" | "open" | "high" | "low" | "close" | "volume" | "funding_rate";

const _SPELLINGS: Record<CanonicalColumn, string[]> = {
  timestamp: [
    "timestamp",
    "time",
    "date",
    "datetime",
    "date_time",
    "open_time",
    "opentime",
    "ts",
    "t",
    "time_stamp",
    "open_timestamp",
    "index",
    "__index_level_0__",
  ],
  open: ["open", "o", "open_price", "opening_price"],
  high: ["high", "h", "high_price", "max"],
  low: ["low", "l", "low_price", "min"],
  close: ["close", "c", "close_price", "closing_price", "last", "price"],
  volume: ["volume", "v", "vol", "base_volume", "volume_base", "qty", "amount"],
  funding_rate: ["funding_rate", "fundingrate", "funding", "rate", "last_funding_rate"],
};

function _key(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/** Canonical columns required for each kind of file. */
export function requiredColumns(kind: FileKind): CanonicalColumn[] {
  if (kind === "funding") return ["timestamp", "funding_rate"];
  return ["timestamp", "open", "high", "low", "close", "volume"];
}

/**
 * Maps each canonical column to the source column that spells it (case and `-`/space insensitive).
 * Funding files written by freqtrade keep the rate in `open`: it is used when no rate column exists.
 * Throws, naming the file and the columns it has, when a required column is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mapColumns } from "./columns.ts";
 * const m = mapColumns(["Open_Time", "o", "h", "l", "c", "Vol"], "ohlcv", "x.parquet");
 * assert(m.timestamp === "Open_Time" && m.volume === "Vol");
 * ```
 */
export function mapColumns(names: string[], kind: FileKind, file: string): Record<CanonicalColumn, string> {
  const byKey = new Map<string, string>();
  const wanted = requiredColumns(kind);
  const spelled = new Set(wanted.flatMap((c) => _SPELLINGS[c]));
  for (const n of names) {
    const prev = byKey.get(_key(n));
    if (prev !== undefined && spelled.has(_key(n))) {
      throw new CandlelabError(
        `Cannot load ${file}: columns "${prev}" and "${n}" are the same column (${_key(n)}) spelled twice, ` +
          `so it is ambiguous which to read; the file has columns [${names.join(", ")}]; ` +
          `drop or rename one of them at the source`,
      );
    }
    if (prev === undefined) byKey.set(_key(n), n);
  }
  const out: Partial<Record<CanonicalColumn, string>> = {};
  for (const col of wanted) {
    const hit = _SPELLINGS[col].find((s) => byKey.has(s));
    if (hit) out[col] = byKey.get(hit);
  }
  if (kind === "funding" && !out.funding_rate && byKey.has("open")) out.funding_rate = byKey.get("open");
  const missing = wanted.filter((c) => !out[c]);
  if (missing.length > 0) {
    throw new CandlelabError(
      `Cannot load ${file}: no column for ${missing.join(", ")} (a ${kind} file needs ${
        wanted.join(", ")
      }); ` +
        `the file has columns [${
          names.join(", ")
        }]; rename the column or convert the file with deno task data:import`,
    );
  }
  return out as Record<CanonicalColumn, string>;
}

/** Factor that turns an epoch number of this magnitude into ms. */
export function epochFactorToMs(maxAbs: number): number {
  if (!Number.isFinite(maxAbs) || maxAbs === 0) return 1;
  if (maxAbs >= 1e17) return 1e-6; // ns
  if (maxAbs >= 1e14) return 1e-3; // us
  if (maxAbs >= 1e11) return 1; // ms
  return 1000; // s
}

/** Whether a DuckDB type is a number type. */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i
    .test(type);
}

/** Whether a DuckDB type is a date/time type. */
export function isTimeType(type: string): boolean {
  return /^(DATE|TIMESTAMP.*)$/i.test(type);
}
