/**
 * Test inputs for point-in-time joins (issue #11; not part of the public API): perpetual datasets whose
 * auxiliary files are coarser or finer than the candles, written to a temp folder under the file-name
 * convention so `loadPerpetual` reads them as a user's files. The leakage canaries (tests/canaries/) may
 * use them too.
 *
 * @module
 */
import * as aq from "arquero";
import { loadBars } from "./load.ts";
import { resample } from "./resample.ts";
import { synthBars } from "./synth.ts";
import { type ColumnChunk, writeParquet } from "./write.ts";
import { float64Column } from "../series/columns.ts";
import type { PerpetualPaths } from "./market.ts";
import type { ColumnTable } from "arquero";

/** The bundled BTC slice (2022-2024): every fixture range lies inside it. */
const _RAW = new URL("../../data/raw/", import.meta.url).pathname;

function _chunk(
  t: ColumnTable,
  names = ["timestamp", "open", "high", "low", "close", "volume"],
): ColumnChunk {
  return Object.fromEntries(names.map((c) => [c, float64Column(t, c).slice()]));
}

/**
 * The real BTC 1h perpetual candles and funding with its 1h mark file resampled to `interval` ("4h", "8h")
 * in a temp folder (`binance_BTC_USDT_perp_{interval}_mark.parquet`), over `range`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { coarseMarkPaths } from "./point_in_time_fixtures.ts";
 * const p = await coarseMarkPaths("8h", { start: "2024-01-01", end: "2024-01-03" });
 * assert.match(p.mark, /perp_8h_mark\.parquet$/);
 * ```
 */
export async function coarseMarkPaths(
  interval: string,
  range: { start: string; end: string },
  dir?: string,
): Promise<PerpetualPaths & { spot: string }> {
  const out = dir ?? await Deno.makeTempDir({ prefix: "pit_" });
  const base = `${_RAW}binance_BTC_USDT`;
  const mark = (await loadBars(`${base}_perp_1h_mark.parquet`, { range, kind: "mark" })).table;
  const coarse = resample(mark, interval, { sourceInterval: "1h" });
  const markPath = `${out}/binance_BTC_USDT_perp_${interval}_mark.parquet`;
  await writeParquet(markPath, [_chunk(coarse)]);
  const spot = (await loadBars(`${base}_spot_1h.parquet`, { range })).table;
  const spotPath = `${out}/binance_BTC_USDT_spot_${interval}.parquet`;
  await writeParquet(spotPath, [_chunk(resample(spot, interval, { sourceInterval: "1h" }))]);
  return {
    candles: `${base}_perp_1h.parquet`,
    funding: `${base}_perp_8h_funding.parquet`,
    mark: markPath,
    spot: spotPath,
  };
}

/** Paths of `fifteenMinutePaths`. */
export interface FifteenMinutePaths {
  /** 15m perpetual candles. */
  candles: string;
  /** 8h funding events. */
  funding: string;
  /** Mark and spot at 1h (coarser than the candles). */
  mark: string;
  spot: string;
  /** Mark and spot at 15m (the source of the 1h files). */
  mark15m: string;
  spot15m: string;
  /** The 1h candles (resampled from the 15m ones). */
  candles1h: string;
}

/**
 * Synthetic 15m perpetual candles (seeded) with mark and spot derived from them (mark = close x
 * (1 + 1e-4 noise), spot alike), written at 15m and resampled to 1h, and 8h funding events, in a temp
 * folder under the file-name convention. `rows` 15m bars from 2024-01-01.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadBars } from "./load.ts";
 * import { fifteenMinutePaths } from "./point_in_time_fixtures.ts";
 * const p = await fifteenMinutePaths(96, 1);
 * assert.equal((await loadBars(p.mark)).table.numRows(), 24);
 * ```
 */
export async function fifteenMinutePaths(
  rows: number,
  seed: number,
  dir?: string,
): Promise<FifteenMinutePaths> {
  const out = dir ?? await Deno.makeTempDir({ prefix: "pit15_" });
  const [c] = [...synthBars({ rows, seed, interval: "15m", start: Date.UTC(2024, 0, 1), chunkRows: rows })];
  let s = seed * 7919 + 1;
  const noise = () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647 - 0.5) * 2e-4;
  };
  const derive = (): ColumnChunk => {
    const n = c.timestamp.length;
    const d: ColumnChunk = {
      timestamp: c.timestamp.slice(),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: c.volume.slice(),
    };
    for (let i = 0; i < n; i++) {
      d.open[i] = c.open[i] * (1 + noise());
      d.close[i] = c.close[i] * (1 + noise());
      d.high[i] = Math.max(c.high[i], d.open[i], d.close[i]);
      d.low[i] = Math.min(c.low[i], d.open[i], d.close[i]);
    }
    return d;
  };
  const mark = derive(), spot = derive();
  const name = (market: string, interval: string, kind = "") =>
    `${out}/binance_BTC_USDT_${market}_${interval}${kind}.parquet`;
  const p: FifteenMinutePaths = {
    candles: name("perp", "15m"),
    funding: name("perp", "8h", "_funding"),
    mark: name("perp", "1h", "_mark"),
    spot: name("spot", "1h"),
    mark15m: name("perp", "15m", "_mark"),
    spot15m: name("spot", "15m"),
    candles1h: name("perp", "1h"),
  };
  const to1h = (x: ColumnChunk) => {
    const { timestamp, open, high, low, close, volume } = x;
    return _chunk(
      resample(aq.table({ timestamp, open, high, low, close, volume }), "1h", { sourceInterval: "15m" }),
    );
  };
  await writeParquet(p.candles, [c]);
  await writeParquet(p.candles1h, [to1h(c)]);
  await writeParquet(p.mark15m, [mark]);
  await writeParquet(p.spot15m, [spot]);
  await writeParquet(p.mark, [to1h(mark)]);
  await writeParquet(p.spot, [to1h(spot)]);
  const H8 = 8 * 3_600_000;
  const events: number[] = [];
  for (let t = c.timestamp[0]; t <= c.timestamp[c.timestamp.length - 1]; t += H8) events.push(t);
  await writeParquet(p.funding, [{
    timestamp: Float64Array.from(events),
    funding_rate: Float64Array.from(events, (_, i) => 1e-4 * (1 + 0.1 * Math.sin(i))),
  }]);
  return p;
}

/**
 * The pre-#11 join, kept to mis-join a series on purpose (canaries): each aux value on the candle row with
 * the same open time, whatever the intervals. `checkPointInTime` must flag its result for a coarser series.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openTimeJoin } from "./point_in_time_fixtures.ts";
 * const H = 3_600_000;
 * const j = openTimeJoin(Float64Array.of(0, H), Float64Array.of(0), Float64Array.of(7));
 * assert.deepEqual(Array.from(j), [7, NaN]);
 * ```
 */
export function openTimeJoin(
  candleTs: Float64Array,
  auxTs: Float64Array,
  values: Float64Array,
): Float64Array {
  const at = new Map<number, number>();
  candleTs.forEach((t, i) => at.set(t, i));
  const out = new Float64Array(candleTs.length).fill(NaN);
  auxTs.forEach((t, j) => {
    const i = at.get(t);
    if (i !== undefined) out[i] = values[j];
  });
  return out;
}
