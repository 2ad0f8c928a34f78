/**
 * Run ids: `<UTC start, compact>-<config hash, 8 hex>-<random, 6 base36>`, e.g.
 * `20261124T101500Z-3f2a9c1b-k2x9qa`. Ids sort by start time; the random part keeps two runs of the
 * same config started in the same second apart.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/**
 * Compact UTC timestamp `YYYYMMDDTHHMMSSZ` of a time in ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compactUtc } from "./run_id.ts";
 * assert(compactUtc(Date.UTC(2026, 10, 24, 10, 15, 0)) === "20261124T101500Z");
 * ```
 */
export function compactUtc(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new CandlelabError(
      `Cannot format a run start time: expected UTC milliseconds, current value is ${ms}`,
    );
  }
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/**
 * Builds a run id from the start time, the config hash and a random suffix (crypto-random by default;
 * pass `suffix` only in tests).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { makeRunId } from "./run_id.ts";
 * const id = makeRunId(Date.UTC(2026, 10, 24, 10, 15), "3f2a9c1b77aa", "abc123");
 * assert(id === "20261124T101500Z-3f2a9c1b-abc123");
 * ```
 */
export function makeRunId(startMs: number, configHash: string, suffix?: string): string {
  if (!/^[0-9a-f]{8,}$/.test(configHash)) {
    throw new CandlelabError(
      `Cannot build a run id: the config hash must be at least 8 lowercase hex digits, current value is "${configHash}"; use hashId(config)`,
    );
  }
  const rand = suffix ?? _randomSuffix();
  if (!/^[0-9a-z]+$/.test(rand)) {
    throw new CandlelabError(
      `Cannot build a run id: the suffix must be lowercase base36, current value is "${rand}"`,
    );
  }
  return `${compactUtc(startMs)}-${configHash.slice(0, 8)}-${rand}`;
}

function _randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  let s = "";
  for (const b of bytes) s += (b % 36).toString(36);
  return s;
}
