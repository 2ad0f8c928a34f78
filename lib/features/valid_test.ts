import assert from "node:assert/strict";
import fc from "fast-check";
import { selectValidRows } from "./valid.ts";
import { takeRows } from "../series/rows.ts";

const cell = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);

Deno.test("selectValidRows() keeps exactly the rows >= minRow where every column is finite, and counts the rest", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }).chain((n) =>
        fc.tuple(
          fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: n + 2 }),
        )
      ),
      ([cols, minRow]) => {
        const columns = cols.map((c) => Float64Array.from(c));
        const n = columns[0].length;
        const want: number[] = [];
        for (let i = minRow; i < n; i++) if (columns.every((c) => Number.isFinite(c[i]))) want.push(i);
        const got = selectValidRows(columns, { minRow });
        assert.deepEqual([...got.index], want);
        assert.equal(got.kept, want.length);
        assert.deepEqual([...got.mask], Array.from({ length: n }, (_, i) => (want.includes(i) ? 1 : 0)));
        assert.equal(got.droppedWarmup, want.length ? want[0] : n);
        assert.equal(got.droppedWarmup + got.droppedInvalid + got.kept, n);
        for (const c of columns) assert.deepEqual([...takeRows(c, got.index)], want.map((i) => c[i]));
      },
    ),
    { numRuns: 400, seed: 5 },
  );
});

Deno.test("selectValidRows() with y keeps what it keeps with the label as a column (NaN where y < 0)", () => {
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
        assert.deepEqual(
          selectValidRows(columns, { minRow, y }),
          selectValidRows([...columns, yAsFloat], { minRow }),
        );
        const sel = selectValidRows(columns, { minRow, y });
        assert.deepEqual([...takeRows(y, sel.index)], [...sel.index].map((i) => y[i]));
      },
    ),
    { numRuns: 400, seed: 7 },
  );
});

Deno.test("takeRows() is a zero-copy view when warm-up and label tail are the only drops", () => {
  const n = 1000;
  const a = new Float64Array(n).map((_, i) => (i < 30 ? NaN : i));
  const b = new Float64Array(n).map((_, i) => (i < 50 ? NaN : -i));
  const y = new Float64Array(n).map((_, i) => (i >= n - 15 ? NaN : i % 3));
  const sel = selectValidRows([a, b, y], { minRow: 40 });
  assert.deepEqual([sel.kept, sel.droppedWarmup, sel.droppedInvalid], [n - 15 - 50, 50, 15]);
  const view = takeRows(a, sel.index);
  assert.equal(view.buffer, a.buffer);
  assert.equal(view[0], 50);
  assert.equal(view.length, sel.kept);
});

Deno.test("takeRows() gathers the rows around a hole into a new array", () => {
  const a = Float64Array.of(1, 2, Infinity, 4, 5);
  const sel = selectValidRows([a, Float64Array.of(0, NaN, 0, 0, 0)]);
  assert.deepEqual([...sel.index], [0, 3, 4]);
  const taken = takeRows(a, sel.index);
  assert.notEqual(taken.buffer, a.buffer);
  assert.deepEqual([...taken], [1, 4, 5]);
  assert.equal(selectValidRows([Float64Array.of(NaN, NaN)]).kept, 0);
});
