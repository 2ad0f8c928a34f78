/**
 * Puts funding events onto bars: the rate of an event goes to the bar whose open time equals the event
 * time; every other bar gets NaN. Events inside the bar range that land on no bar open are refused.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/**
 * Aligns `(eventTimestamp, rate)` pairs onto `barTimestamp` (both sorted ascending, UTC ms).
 * Events before the first or after the last bar are ignored; with `intervalMs`, so are events that fall
 * inside a gap of the bars (the engine flags them as missing funding).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alignFunding } from "./funding.ts";
 * const H = 3600000;
 * const f = alignFunding(new Float64Array([0, H, 2 * H]), new Float64Array([H]), new Float64Array([1e-4]));
 * assert.deepEqual(Array.from(f), [NaN, 1e-4, NaN]);
 * assert.throws(() => alignFunding(new Float64Array([0, H]), new Float64Array([H / 2]), new Float64Array([1e-4])), /misaligned/);
 * ```
 */
export function alignFunding(
  barTimestamp: Float64Array,
  eventTimestamp: Float64Array,
  rate: Float64Array,
  intervalMs?: number,
): Float64Array {
  if (eventTimestamp.length !== rate.length) {
    throw new CandlelabError(
      `Cannot align funding: ${eventTimestamp.length} timestamps but ${rate.length} rates; pass two columns of one table`,
    );
  }
  const n = barTimestamp.length;
  const out = new Float64Array(n).fill(NaN);
  if (n === 0) return out;
  let j = 0;
  for (let e = 0; e < eventTimestamp.length; e++) {
    const t = eventTimestamp[e];
    if (t < barTimestamp[0] || t > barTimestamp[n - 1]) continue;
    while (j < n && barTimestamp[j] < t) j++;
    if (
      j < n && barTimestamp[j] !== t && intervalMs && j > 0 &&
      barTimestamp[j] - barTimestamp[j - 1] > intervalMs
    ) {
      continue;
    }
    if (j >= n || barTimestamp[j] !== t) {
      throw new CandlelabError(
        `Cannot align funding: event at ${
          new Date(t).toISOString()
        } (${t}) is on no bar open time; the funding series is misaligned with the bars (round event times to the bar open, or check the bar interval)`,
      );
    }
    out[j] = rate[e];
  }
  return out;
}
