/**
 * Seeded random numbers for the tree engines: the project's mulberry32 (lib/util/random.ts) with integer
 * draws and batched counting, and a seed-derivation function so tree `i` of a forest gets its own
 * stream from `(seed, i)` whichever worker builds it.
 *
 * @module
 */
import { MULBERRY32_INCREMENT, mulberry32Output } from "../util/random.ts";

/**
 * Mixes two 32-bit integers into one well-scrambled 32-bit seed (murmur3 finaliser).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deriveSeed } from "./rng.ts";
 * assert(deriveSeed(0, 1) === deriveSeed(0, 1));
 * assert(deriveSeed(0, 1) !== deriveSeed(0, 2));
 * ```
 */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h ^ (index >>> 0), 0x27d4eb2f) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}

/** A seeded generator: `next()` gives a float in [0, 1), `int(n)` an integer in [0, n). */
export interface Rng {
  next(): number;
  int(n: number): number;
  /**
   * Adds 1 to `counts[int(n)]` `draws` times: the same numbers as that loop (so the stream continues the
   * same way), several times faster (no call per draw).
   */
  countDraws(n: number, draws: number, counts: Int32Array): void;
}

/**
 * Creates a seeded generator: `next()` is the stream of `mulberry32(seed)` (lib/util/random.ts). Same
 * seed, same sequence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng } from "./rng.ts";
 * const a = createRng(42), b = createRng(42);
 * assert(a.next() === b.next());
 * const k = a.int(10);
 * assert(k >= 0 && k < 10 && Number.isInteger(k));
 * const c = new Int32Array(10);
 * b.int(10);
 * b.countDraws(10, 1, c);
 * assert(c[a.int(10)] === 1);
 * ```
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => mulberry32Output(state = (state + MULBERRY32_INCREMENT) >>> 0);
  const countDraws = (n: number, draws: number, counts: Int32Array): void => {
    let s = state; // the same steps as next(), on a local copy of the state
    for (let d = 0; d < draws; d++) {
      s = (s + MULBERRY32_INCREMENT) >>> 0;
      counts[Math.floor(mulberry32Output(s) * n)]++;
    }
    state = s;
  };
  return { next, int: (n: number) => Math.floor(next() * n), countDraws };
}

/**
 * Picks `k` distinct integers from [0, n) (partial Fisher-Yates), in the order drawn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng, sampleWithoutReplacement } from "./rng.ts";
 * const s = sampleWithoutReplacement(createRng(1), 10, 4);
 * assert(s.length === 4 && new Set(s).size === 4);
 * ```
 */
export function sampleWithoutReplacement(rng: Rng, n: number, k: number): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, m);
}
