import assert from "node:assert/strict";
import fc from "fast-check";
import { keptRows, selectValidRows, takeKept, takeRows } from "./valid.ts";

const cell = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);

Deno.test("keptRows() keeps exactly the rows selectValidRows() keeps, plus the label condition", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }).chain((n) =>
        fc.tuple(
          fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.integer({ min: -1, max: 2 }), { minLength: n, maxLength: n }),
          fc.integer({ min: 0, max: n + 2 }),
        )
      ),
      ([cols, ys, minRow]) => {
        const columns = cols.map((c) => Float64Array.from(c));
        const y = Int32Array.from(ys);
        const yAsFloat = Float64Array.from(ys, (v) => (v < 0 ? NaN : v));
        const want = selectValidRows([...columns, yAsFloat], { minRow });
        const got = keptRows(columns, { minRow, y });
        assert.equal(got.kept, want.kept);
        const index = got.index ?? Int32Array.from({ length: got.end - got.start }, (_, k) => got.start + k);
        assert.deepEqual([...index], [...want.index]);
        if (got.index) assert.ok(got.index.length > 0 && got.index.length < got.end - got.start);
        for (const c of columns) assert.deepEqual([...takeKept(c, got)], [...takeRows(c, want.index)]);
        assert.deepEqual([...takeKept(y, got)], [...want.index].map((i) => y[i]));
      },
    ),
    { numRuns: 400, seed: 5 },
  );
});

Deno.test("keptRows() returns a range and takeKept() zero-copy views when warm-up and label tail are the only drops", () => {
  const n = 1000;
  const a = new Float64Array(n).map((_, i) => (i < 30 ? NaN : i));
  const b = new Float64Array(n).map((_, i) => (i < 50 ? NaN : -i));
  const y = new Int32Array(n).map((_, i) => (i >= n - 15 ? -1 : i % 3));
  const rows = keptRows([a, b], { minRow: 40, y });
  assert.deepEqual(rows, { kept: n - 15 - 50, start: 50, end: n - 15 });
  const view = takeKept(a, rows);
  assert.equal(view.buffer, a.buffer);
  assert.equal(view[0], 50);
  const ys = takeKept(y, rows);
  assert.ok(ys instanceof Int32Array && ys.buffer === y.buffer && ys.length === rows.kept);
});

Deno.test("keptRows() lists the rows around a hole and takeKept() gathers them into new arrays", () => {
  const a = Float64Array.of(1, 2, Infinity, 4, 5);
  const rows = keptRows([a], { y: Int32Array.of(0, -1, 0, 0, 0) });
  assert.deepEqual([rows.kept, rows.start, rows.end, [...rows.index!]], [3, 0, 5, [0, 3, 4]]);
  const taken = takeKept(a, rows);
  assert.notEqual(taken.buffer, a.buffer);
  assert.deepEqual([...taken], [1, 4, 5]);
  assert.deepEqual(keptRows([Float64Array.of(NaN, NaN)]), { kept: 0, start: 2, end: 2 });
});
