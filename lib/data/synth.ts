/**
 * Deterministic synthetic bars: a seeded PRNG drives a geometric Brownian motion whose volatility switches
 * between a calm and a stormy regime (a two-state Markov chain), with an optional slowly varying drift
 * (`trend`) that a model can learn. open = previous close; high >= max(open, close); low <= min(open, close);
 * volume > 0. The same seed gives the same bars, and fewer rows give an exact prefix of more rows.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { mulberry32 } from "../util/random.ts";
import { parseInterval } from "./interval.ts";
import type { ColumnChunk } from "./write.ts";

/** Options of `synthBars`. */
export interface SynthOptions {
  rows: number;
  /** Bar interval. @default "1m" */
  interval?: string;
  seed: number;
  /** Strength of the learnable drift, in units of the bar volatility. @default 0.05 */
  trend?: number;
  /** UTC ms of the first bar. @default Date.UTC(2020, 0, 1) */
  start?: number;
  /** First open price. @default 20000 */
  startPrice?: number;
  /** Rows per yielded chunk. @default 262144 */
  chunkRows?: number;
}

/**
 * Yields synthetic OHLCV bars in chunks of Float64Arrays (`timestamp open high low close volume`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { synthBars } from "./synth.ts";
 * const [chunk] = [...synthBars({ rows: 100, seed: 7 })];
 * assert(chunk.close.length === 100 && chunk.open[1] === chunk.close[0]);
 * assert(chunk.high.every((h, i) => h >= Math.max(chunk.open[i], chunk.close[i])));
 * ```
 */
export function* synthBars(options: SynthOptions): Generator<ColumnChunk> {
  const { rows, seed, trend = 0.05, start = Date.UTC(2020, 0, 1), startPrice = 20000, chunkRows = 262_144 } =
    options;
  if (!Number.isInteger(rows) || rows <= 0) {
    throw new CandlelabError(
      `Cannot make synthetic bars: rows must be a positive integer, current value is ${rows}`,
    );
  }
  const stepMs = parseInterval(options.interval ?? "1m");
  const rand = mulberry32(seed);
  const normal = () => {
    const u = 1 - rand(), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  // Per-bar volatility scales with sqrt(interval); 0.0008 per minute is about BTC's calm level.
  const baseSigma = 0.0008 * Math.sqrt(stepMs / 60_000);
  const regimes = [baseSigma, baseSigma * 2.5];
  const stay = [0.999, 0.995];
  const phi = 0.995; // persistence of the drift factor
  let regime = 0, drift = 0, price = startPrice;
  for (let off = 0; off < rows; off += chunkRows) {
    const n = Math.min(chunkRows, rows - off);
    const c: ColumnChunk = {
      timestamp: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      if (rand() > stay[regime]) regime = 1 - regime;
      const sigma = regimes[regime];
      drift = phi * drift + Math.sqrt(1 - phi * phi) * normal();
      const r = trend * sigma * drift - 0.5 * sigma * sigma + sigma * normal();
      const open = price, close = open * Math.exp(r);
      c.timestamp[i] = start + (off + i) * stepMs;
      c.open[i] = open;
      c.close[i] = close;
      c.high[i] = Math.max(open, close) * Math.exp(Math.abs(normal()) * sigma * 0.5);
      c.low[i] = Math.min(open, close) * Math.exp(-Math.abs(normal()) * sigma * 0.5);
      c.volume[i] = 10 * (sigma / baseSigma) * Math.exp(0.5 * normal()) * (1 + 50 * Math.abs(r));
      price = close;
    }
    yield c;
  }
}
