import assert from "node:assert/strict";
import { gatherMatrixRows, sliceMatrixRows } from "./matrix.ts";

const X = {
  names: ["a", "b"],
  columns: [Float64Array.of(0, 1, 2, 3, 4), Float64Array.of(10, 11, 12, 13, 14)],
  nRows: 5,
};

Deno.test("sliceMatrixRows: views of rows [start, end) that share memory with the matrix", () => {
  const s = sliceMatrixRows(X, 1, 4);
  assert.equal(s.nRows, 3);
  assert.deepEqual(s.names, ["a", "b"]);
  assert.deepEqual(s.columns.map((c) => [...c]), [[1, 2, 3], [11, 12, 13]]);
  s.columns.forEach((c, f) => assert.equal(c.buffer, X.columns[f].buffer));
  assert.equal(sliceMatrixRows(X, 5, 5).nRows, 0);
  for (const [a, b] of [[-1, 2], [3, 2], [0, 6], [0.5, 2]]) {
    assert.throws(() => sliceMatrixRows(X, a, b), /are not a range inside the matrix's 5 rows/);
  }
});

Deno.test("gatherMatrixRows: copies in index order, into new arrays or into a reused buffer", () => {
  const g = gatherMatrixRows(X, Int32Array.of(4, 0, 2));
  assert.equal(g.nRows, 3);
  assert.deepEqual(g.columns.map((c) => [...c]), [[4, 0, 2], [14, 10, 12]]);
  g.columns.forEach((c, f) => assert.notEqual(c.buffer, X.columns[f].buffer));
  // a contiguous index is still copied
  const c = gatherMatrixRows(X, Int32Array.of(1, 2));
  c.columns[0][0] = -1;
  assert.equal(X.columns[0][1], 1);

  const buf = new Float64Array(7).fill(NaN);
  const into = gatherMatrixRows(X, Int32Array.of(3, 1, 0), buf);
  assert.deepEqual([...buf.subarray(0, 6)], [3, 1, 0, 13, 11, 10]);
  assert.ok(Number.isNaN(buf[6]));
  into.columns.forEach((col) => assert.equal(col.buffer, buf.buffer));
  assert.throws(
    () => gatherMatrixRows(X, Int32Array.of(0, 1), new Float64Array(3)),
    /into holds 3 values, 4/,
  );
});
