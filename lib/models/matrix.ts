/**
 * Rows of a feature matrix (column-major, `FeatureMatrix`): a contiguous range as views, or an index list
 * as copies. The aliasing rule is the one of lib/series/rows.ts: `slice` = views (share memory, read-only
 * use), `gather` = copies (never share memory).
 *
 * @module
 */
import type { FeatureMatrix } from "./estimator.ts";
import { gatherRows } from "../series/rows.ts";

/**
 * Rows `[start, end)` of a feature matrix as `subarray` views (no copy; they share memory with `X`).
 * Throws when the range is not inside `[0, X.nRows]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sliceMatrixRows } from "./matrix.ts";
 * const X = { names: ["a"], columns: [Float64Array.of(1, 2, 3)], nRows: 3 };
 * const part = sliceMatrixRows(X, 1, 3);
 * assert.deepEqual([...part.columns[0]], [2, 3]);
 * assert.equal(part.columns[0].buffer, X.columns[0].buffer);
 * ```
 */
export function sliceMatrixRows(X: FeatureMatrix, start: number, end: number): FeatureMatrix {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= X.nRows)) {
    throw new RangeError(
      `sliceMatrixRows: rows [${start}, ${end}) are not a range inside the matrix's ${X.nRows} rows; ` +
        `pass integers with 0 <= start <= end <= nRows`,
    );
  }
  return { names: X.names, columns: X.columns.map((c) => c.subarray(start, end)), nRows: end - start };
}

/**
 * Rows of a feature matrix in the order of `idx`, copied: into new arrays, or into `into` (column f at
 * `[f * idx.length, (f + 1) * idx.length)`; at least idx.length x columns long) to reuse memory. The result
 * never shares memory with `X`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherMatrixRows } from "./matrix.ts";
 * const X = { names: ["a"], columns: [Float64Array.of(1, 2, 3)], nRows: 3 };
 * assert.deepEqual([...gatherMatrixRows(X, Int32Array.of(2, 0)).columns[0]], [3, 1]);
 * ```
 */
export function gatherMatrixRows(X: FeatureMatrix, idx: Int32Array, into?: Float64Array): FeatureMatrix {
  const m = idx.length;
  if (into && into.length < m * X.columns.length) {
    throw new RangeError(
      `gatherMatrixRows: into holds ${into.length} values, ${m * X.columns.length} are needed; ` +
        `pass at least rows x columns values`,
    );
  }
  const columns = X.columns.map((col, f) => gatherRows(col, idx, into?.subarray(f * m, (f + 1) * m)));
  return { names: X.names, columns, nRows: m };
}
