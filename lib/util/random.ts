/**
 * The project's one seeded pseudo-random generator (for synthetic data, permutation importance, null models,
 * sweeps' random search and tests). Every caller passes its own seed; there is no shared generator.
 * (lib/models/rng.ts drives the same steps, `mulberry32Output` on its own state, for the tree engines' integer draws.)
 *
 * @module
 */

/** What mulberry32 adds to its 32-bit state before each draw. */
export const MULBERRY32_INCREMENT = 0x6d2b79f5;

/**
 * mulberry32's output for a state just advanced by `MULBERRY32_INCREMENT`: a float in [0, 1). For loops
 * that keep the state in a local variable (lib/models/rng.ts); everyone else calls `mulberry32`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MULBERRY32_INCREMENT, mulberry32, mulberry32Output } from "./random.ts";
 * assert.equal(mulberry32Output((7 + MULBERRY32_INCREMENT) >>> 0), mulberry32(7)());
 * ```
 */
export function mulberry32Output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

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
  return () => mulberry32Output(a = (a + MULBERRY32_INCREMENT) >>> 0);
}
