import assert from "node:assert/strict";
import { mulberry32 } from "../util/random.ts";
import { gatherRows, takeRows } from "./rows.ts";

/** A sorted random subset of [0, n) (each row kept with probability p). */
function subset(rand: () => number, n: number, p: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rand() < p) out.push(i);
  return Int32Array.from(out);
}

Deno.test("gatherRows copies the indexed rows, in index order, and never shares memory", () => {
  const rand = mulberry32(11);
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + Math.floor(rand() * 40);
    const col = Float64Array.from({ length: n }, () => rand());
    const idx = Int32Array.from({ length: Math.floor(rand() * 2 * n) }, () => Math.floor(rand() * n));
    const out = gatherRows(col, idx);
    assert.ok(out instanceof Float64Array);
    assert.deepEqual([...out], [...idx].map((i) => col[i]));
    assert.notEqual(out.buffer, col.buffer);
  }
  // a contiguous index is still a copy
  const col = Int32Array.of(1, 2, 3, 4);
  const out = gatherRows(col, Int32Array.of(1, 2));
  assert.ok(out instanceof Int32Array);
  out[0] = 99;
  assert.deepEqual([...col], [1, 2, 3, 4]);
});

Deno.test("gatherRows writes into `into` and refuses one that is too short", () => {
  const into = new Float64Array(5).fill(-1);
  const out = gatherRows(Float64Array.of(10, 20, 30), Int32Array.of(2, 1, 0), into);
  assert.equal(out.buffer, into.buffer);
  assert.deepEqual([...into], [30, 20, 10, -1, -1]);
  assert.throws(
    () => gatherRows(Float64Array.of(1, 2), Int32Array.of(0, 1), new Float64Array(1)),
    /into holds 1 values, 2 are needed/,
  );
});

Deno.test("takeRows is a view for a contiguous ascending index, a copy otherwise, same values either way", () => {
  const rand = mulberry32(12);
  for (let trial = 0; trial < 100; trial++) {
    const n = Math.floor(rand() * 30);
    const col = Float64Array.from({ length: n }, () => rand());
    const idx = trial % 2 === 0 ? subset(rand, n, 0.7) : (() => {
      const a = Math.floor(rand() * (n + 1)), b = a + Math.floor(rand() * (n + 1 - a));
      return Int32Array.from({ length: b - a }, (_, i) => a + i);
    })();
    const out = takeRows(col, idx);
    assert.deepEqual([...out], [...idx].map((i) => col[i]));
    const contiguous = idx.length === 0 || idx[idx.length - 1] - idx[0] === idx.length - 1;
    assert.equal(out.buffer === col.buffer, contiguous, `index ${idx.join()}`);
  }
  const y = Int32Array.of(4, 5, 6);
  assert.ok(takeRows(y, Int32Array.of(0, 2)) instanceof Int32Array);
  assert.equal(takeRows(y, new Int32Array(0)).length, 0);
});

Deno.test("gatherRows and takeRows take a Uint32Array index (a sort order) the same as an Int32Array one", () => {
  const col = Float64Array.of(3, 1, 2);
  assert.deepEqual([...gatherRows(col, Uint32Array.of(1, 2, 0))], [1, 2, 3]);
  assert.deepEqual([...gatherRows(col, Uint32Array.of(1, 2, 0))], [
    ...gatherRows(col, Int32Array.of(1, 2, 0)),
  ]);
  assert.equal(takeRows(col, Uint32Array.of(1, 2)).buffer, col.buffer);
});
