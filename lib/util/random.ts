/**
 * The project's one seeded pseudo-random generator (for synthetic data, permutation importance, null models,
 * sweeps' random search and tests). Every caller passes its own seed; there is no shared generator.
 * (lib/models/rng.ts runs the same mulberry32 steps inline, with integer draws, for the tree engines.)
 *
 * @module
 */

/**
 * mulberry32: a seeded generator of floats in [0, 1). Same seed, same sequence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mulberry32 } from "./random.ts";
 * const a = mulberry32(7), b = mulberry32(7);
 * const x = a();
 * assert.equal(x, b());
 * assert.ok(x >= 0 && x < 1);
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
