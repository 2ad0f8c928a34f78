/**
 * The points of a sweep's search space: every grid combination, or `trials` seeded random draws.
 *
 * @module
 */
import { mulberry32 } from "../util/random.ts";
import type { SweepConfig, SweepValue } from "./config.ts";

/** One point of the space: dotted config path -> value, in the sweep file's key order. */
export type Assignment = Record<string, SweepValue>;

/**
 * Expands a grid (the last key varies fastest) or draws a random search (seeded: same seed, same points;
 * floats are rounded to 6 significant digits so configs stay readable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandSpace } from "./space.ts";
 * const pts = expandSpace({ kind: "grid", space: { "a.b": [1, 2], c: ["x", "y", "z"] } });
 * assert.equal(pts.length, 6);
 * assert.deepEqual(pts[1], { "a.b": 1, c: "y" });
 * const r = expandSpace({ kind: "random", trials: 3, seed: 1, space: { p: { min: 0, max: 1, int: false, log: false } } });
 * assert.deepEqual(r, expandSpace({ kind: "random", trials: 3, seed: 1, space: { p: { min: 0, max: 1, int: false, log: false } } }));
 * ```
 */
export function expandSpace(search: SweepConfig["search"]): Assignment[] {
  const keys = Object.keys(search.space);
  if (search.kind === "grid") {
    let points: Assignment[] = [{}];
    for (const k of keys) {
      const next: Assignment[] = [];
      for (const p of points) for (const v of search.space[k]) next.push({ ...p, [k]: v });
      points = next;
    }
    return points;
  }
  const rand = mulberry32(search.seed);
  const out: Assignment[] = [];
  for (let t = 0; t < search.trials; t++) {
    const p: Assignment = {};
    for (const k of keys) {
      const d = search.space[k];
      const u = rand();
      if (Array.isArray(d)) p[k] = d[Math.min(d.length - 1, Math.floor(u * d.length))];
      else if (d.int) p[k] = Math.min(d.max, d.min + Math.floor(u * (d.max - d.min + 1)));
      else if (d.log) p[k] = _round(Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))));
      else p[k] = _round(d.min + u * (d.max - d.min));
    }
    out.push(p);
  }
  return out;
}

function _round(x: number): number {
  return Number(x.toPrecision(6));
}
