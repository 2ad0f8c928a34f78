/**
 * Seeded synthetic inputs for tests and benchmarks: a random-walk bar series (with optional funding
 * and mark columns) and random class probabilities.
 *
 * @module
 */
import type { ProbaMatrix } from "../models/estimator.ts";
import type { BacktestBars } from "./engine.ts";

/** A small seeded PRNG (mulberry32) returning floats in [0, 1); see lib/util/random.ts. */
export { mulberry32 } from "../util/random.ts";
import { mulberry32 } from "../util/random.ts";

/** Options of {@link syntheticBars}. */
export interface SyntheticOptions {
  /** @default 3600000 (1 h) */
  intervalMs?: number;
  /** UTC ms of the first bar. @default 1704067200000 (2024-01-01) */
  start?: number;
  /** Per-bar log-return volatility. @default 0.01 */
  vol?: number;
  /** Add `fundingRate` (every 8 h), `markOpen` and `markClose`. @default false */
  perpetual?: boolean;
}

/**
 * A seeded random walk of `n` bars: open = previous close, high/low around them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticBars } from "./synthetic.ts";
 * const a = syntheticBars(10, 1), b = syntheticBars(10, 1);
 * assert.deepEqual(a.close, b.close);
 * assert.ok(a.high.every((h, i) => h >= Math.max(a.open[i], a.close[i])));
 * ```
 */
export function syntheticBars(n: number, seed: number, options: SyntheticOptions = {}): BacktestBars {
  const { intervalMs = 3600_000, start = 1704067200000, vol = 0.01, perpetual = false } = options;
  const rnd = mulberry32(seed);
  const timestamp = new Float64Array(n), open = new Float64Array(n), high = new Float64Array(n);
  const low = new Float64Array(n), close = new Float64Array(n);
  let c = 100;
  for (let i = 0; i < n; i++) {
    timestamp[i] = start + i * intervalMs;
    open[i] = c;
    // sum of 3 uniforms ~ roughly normal, unit variance
    const z = (rnd() + rnd() + rnd() - 1.5) * 2;
    c = c * Math.exp(vol * z);
    close[i] = c;
    high[i] = Math.max(open[i], c) * (1 + vol * rnd());
    low[i] = Math.min(open[i], c) * (1 - vol * rnd());
  }
  const bars: BacktestBars = { timestamp, open, high, low, close };
  if (perpetual) {
    const fundingRate = new Float64Array(n).fill(NaN);
    const markOpen = new Float64Array(n), markClose = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (timestamp[i] % (8 * 3600_000) === 0) fundingRate[i] = (rnd() - 0.3) * 4e-4;
      markOpen[i] = open[i] * (1 + (rnd() - 0.5) * 1e-4);
      markClose[i] = close[i] * (1 + (rnd() - 0.5) * 1e-4);
    }
    Object.assign(bars, { fundingRate, markOpen, markClose });
  }
  return bars;
}

/**
 * `n` rows of seeded random class probabilities (short, neutral, long) summing to 1. Higher `sharpness`
 * gives more confident rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomProba } from "./synthetic.ts";
 * const p = randomProba(5, 7);
 * assert.equal(p.data.length, 15);
 * assert.ok(Math.abs(p.data[0] + p.data[1] + p.data[2] - 1) < 1e-12);
 * ```
 */
export function randomProba(n: number, seed: number, sharpness = 3): ProbaMatrix {
  const rnd = mulberry32(seed);
  const data = new Float64Array(n * 3);
  for (let r = 0; r < n; r++) {
    const a = Math.pow(rnd(), sharpness), b = Math.pow(rnd(), sharpness), c = Math.pow(rnd(), sharpness);
    const s = a + b + c || 1;
    data[3 * r] = a / s;
    data[3 * r + 1] = b / s;
    data[3 * r + 2] = 1 - a / s - b / s;
    if (s === 1 && a + b + c === 0) data[3 * r + 1] = 1;
  }
  return { nRows: n, nClasses: 3, data };
}
