import assert from "node:assert/strict";
import { compileForest, predictForest, predictForestPlain } from "./forest_predict.ts";
import { createRng } from "./rng.ts";
import type { FlatTree } from "./tree.ts";

/** A random tree (children allocated in pairs, as the forest grows them) over `grid[f]` thresholds. */
function _randomTree(
  rng: ReturnType<typeof createRng>,
  grid: number[][],
  K: number,
  maxDepth: number,
): FlatTree {
  const feature: number[] = [], threshold: number[] = [], left: number[] = [], right: number[] = [];
  const value: number[] = [];
  const add = () => {
    feature.push(-1), threshold.push(0), left.push(-1), right.push(-1);
    const v = Array.from({ length: K }, () => rng.next());
    const s = v.reduce((a, b) => a + b, 0);
    value.push(...v.map((x) => x / s));
    return feature.length - 1;
  };
  const grow = (id: number, depth: number) => {
    if (depth >= maxDepth || rng.next() < 0.15) return;
    const f = rng.int(grid.length);
    feature[id] = f, threshold[id] = grid[f][rng.int(grid[f].length)];
    const l = add(), r = add();
    left[id] = l, right[id] = r;
    grow(l, depth + 1), grow(r, depth + 1);
  };
  grow(add(), 0);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    thresholdBin: new Int32Array(feature.length),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    width: K,
    value: Float64Array.from(value),
  };
}

Deno.test("predictForest gives the plain traversal's exact bits, also for values equal to thresholds", () => {
  for (const [K, F, nTrees] of [[3, 6, 25], [2, 1, 3], [5, 40, 10]]) {
    const rng = createRng(K * 100 + F);
    const grid = Array.from(
      { length: F },
      (_, f) =>
        f === 0
          ? [-0, 0.5, 1e-300, 7]
          : Array.from({ length: 40 }, () => Math.round(rng.next() * 200 - 100) / 4),
    );
    const trees = Array.from(
      { length: nTrees },
      (_, t) => _randomTree(rng, grid, K, t % 7 === 0 ? 0 : 1 + t % 12),
    );
    const n = 1037; // not a multiple of the 256-row block nor of the 4-row interleave
    const columns = grid.map((g) =>
      Float64Array.from({ length: n }, (_, i) => {
        const r = rng.next();
        const v = g[i % g.length];
        // exact thresholds, their neighbours, far values and signed zeros
        return r < 0.4
          ? v
          : r < 0.6
          ? v + (r < 0.5 ? -1e-9 : 1e-9)
          : r < 0.7
          ? (r < 0.65 ? -1e308 : 1e308)
          : r < 0.8
          ? (r < 0.75 ? -0 : 0)
          : rng.next() * 300 - 150;
      })
    );
    const forest = compileForest(trees, F, K);
    assert.ok(forest, `K=${K} F=${F} compiles`);
    const fast = new Float64Array(n * K), plain = new Float64Array(n * K);
    predictForest(forest, columns, 0, n, fast, 0);
    predictForestPlain(trees, columns, n, plain);
    assert.deepEqual(fast, plain);
    // a sub-range written at another output row
    const part = new Float64Array(n * K);
    predictForest(forest, columns, 300, 900, part, 10);
    assert.deepEqual(part.subarray(10 * K, 610 * K), plain.subarray(300 * K, 900 * K));
  }
});

Deno.test("compileForest declines forests outside the packed layout (the plain traversal handles them)", () => {
  const rng = createRng(1);
  const tree = _randomTree(rng, [Array.from({ length: 400 }, (_, i) => i)], 3, 12);
  const many = Array.from(
    { length: 30 },
    () => _randomTree(rng, [Array.from({ length: 400 }, (_, i) => i)], 3, 12),
  );
  assert.equal(compileForest(many, 1, 3), null, "more than 255 distinct thresholds of one feature");
  assert.equal(compileForest([tree], 300, 3), null, "more than 256 features");
  assert.equal(compileForest([tree], 1, 2), null, "leaf values of another width");
  const swapped = { ...tree, right: tree.left, left: tree.right };
  assert.equal(compileForest([swapped], 1, 3), null, "right child is not left + 1");
});
