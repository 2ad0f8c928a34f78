/**
 * Rows of one column by an index list: the one gather every stage uses. Two functions, two aliasing rules:
 *
 * - `gatherRows` always copies (a new array, or into `into`): writing to the result never touches the
 *   column, and the column may be freed or reused afterwards.
 * - `takeRows` returns a `subarray` view that shares memory with the column when the index is one
 *   contiguous ascending run (the usual case: warm-up rows cut at the start, the label tail at the end),
 *   and a copy (`gatherRows`) otherwise. Treat its result as read-only; copy it before writing.
 *
 * Contiguous ranges of whole tables and feature matrices: `sliceRows` (lib/series/columns.ts) and
 * `sliceMatrixRows` / `gatherMatrixRows` (lib/models/matrix.ts).
 *
 * @module
 */

/** A column a row index can gather from. */
export type RowColumn = Float64Array | Int32Array;

/** Row numbers into a column (a selection's `index`, a sort order). */
export type RowIndex = Int32Array | Uint32Array;

/**
 * Rows `index` of `column`, in the order of `index`, copied: into a new array of the column's type, or into
 * the first `index.length` values of `into`. Never shares memory with `column`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherRows } from "./rows.ts";
 * const col = Float64Array.of(5, 6, 7);
 * const out = gatherRows(col, Int32Array.of(1, 2));
 * out[0] = 0;
 * assert.deepEqual([...col], [5, 6, 7]);
 * assert.deepEqual([...gatherRows(Int32Array.of(5, 6, 7), Int32Array.of(2, 0))], [7, 5]);
 * ```
 */
export function gatherRows<T extends RowColumn>(column: T, index: RowIndex, into?: T): T {
  const m = index.length;
  if (into !== undefined && into.length < m) {
    throw new RangeError(
      `gatherRows: into holds ${into.length} values, ${m} are needed; pass a longer array`,
    );
  }
  const out = into !== undefined
    ? into.subarray(0, m) as T
    : new (column.constructor as new (n: number) => T)(m);
  for (let i = 0; i < m; i++) out[i] = column[index[i]];
  return out;
}

/**
 * Rows `index` (ascending) of `column`: a zero-copy `subarray` view sharing memory with `column` when the
 * index is one contiguous run, otherwise a copy (see the module doc). Read-only use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takeRows } from "./rows.ts";
 * const col = Float64Array.of(5, 6, 7);
 * assert.equal(takeRows(col, Int32Array.of(1, 2)).buffer, col.buffer); // contiguous: a view
 * assert.deepEqual([...takeRows(col, Int32Array.of(0, 2))], [5, 7]); // a gap: a copy
 * assert.deepEqual(takeRows(Int32Array.of(5, 6, 7), Int32Array.of(1, 2)), Int32Array.of(6, 7));
 * ```
 */
export function takeRows<T extends RowColumn>(column: T, index: RowIndex): T {
  const k = index.length;
  if (k === 0 || index[k - 1] - index[0] === k - 1) {
    return column.subarray(k ? index[0] : 0, k ? index[0] + k : 0) as T;
  }
  return gatherRows(column, index);
}
