/**
 * Small seeded pseudo-random generators for tests, synthetic data and permutation importance.
 * Every caller passes its own seed; there is no shared generator.
 *
 * @module
 */

/**
 * mulberry32: a seeded generator of floats in [0, 1). Same seed, same sequence.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./random.ts";
 * const a = mulberry32(7), b = mulberry32(7);
 * console.assert(a() === b() && a() < 1);
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
