/**
 * Dropping rows explicitly: warm-up rows (before every feature is defined) and invalid rows (a NaN or
 * infinite value later on, e.g. a missing mark candle) are removed by a mask, and both are counted.
 *
 * @module
 */

/** Rows kept and dropped. */
export interface RowSelection {
  /** 1 = kept, 0 = dropped, one entry per input row. */
  mask: Uint8Array;
  /** Indices of the kept rows, ascending. */
  index: Int32Array;
  kept: number;
  /** Leading rows dropped (before `minRow`, or before the first row where every column is finite). */
  droppedWarmup: number;
  /** Later rows dropped because some column is NaN or infinite there. */
  droppedInvalid: number;
}

/**
 * Selects the rows where every given column is finite and the row index is at least `minRow`.
 * Pass `minRow` = the set's lookback to also drop rows whose recursive indicators are not warmed up.
 *
 * @example
 * ```ts
 * import { selectValidRows } from "./valid.ts";
 * const s = selectValidRows([new Float64Array([NaN, 1, NaN, 2])]);
 * console.assert(s.kept === 2 && s.droppedWarmup === 1 && s.droppedInvalid === 1 && s.index[1] === 3);
 * ```
 */
export function selectValidRows(
  columns: Float64Array[],
  options: { minRow?: number; rows?: number } = {},
): RowSelection {
  const n = options.rows ?? columns[0]?.length ?? 0;
  const minRow = options.minRow ?? 0;
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < Math.min(minRow, n); i++) mask[i] = 0;
  for (const c of columns) {
    for (let i = minRow; i < n; i++) {
      const v = c[i];
      if (v - v !== 0) mask[i] = 0; // NaN or +-Infinity
    }
  }
  let first = n;
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      first = i;
      break;
    }
  }
  let kept = 0;
  for (let i = 0; i < n; i++) kept += mask[i];
  const index = new Int32Array(kept);
  for (let i = 0, k = 0; i < n; i++) if (mask[i]) index[k++] = i;
  return { mask, index, kept, droppedWarmup: first, droppedInvalid: n - first - kept };
}

/**
 * Gathers `index` rows of a column. When the index is one contiguous run (warm-up at the start, label
 * tail at the end, nothing dropped in between) the result is a zero-copy `subarray` view that shares
 * memory with `column`; otherwise a new Float64Array.
 *
 * @example
 * ```ts
 * import { takeRows } from "./valid.ts";
 * console.assert(takeRows(new Float64Array([5, 6, 7]), Int32Array.of(0, 2))[1] === 7);
 * ```
 */
export function takeRows(column: Float64Array, index: Int32Array): Float64Array {
  const k = index.length;
  if (k === 0 || index[k - 1] - index[0] === k - 1) {
    return column.subarray(k ? index[0] : 0, k ? index[0] + k : 0);
  }
  const out = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) out[k] = column[index[k]];
  return out;
}
