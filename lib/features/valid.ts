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
 * Selects the rows where every given column is finite, the label `y` (when given) is defined (`>= 0`), and
 * the row index is at least `minRow`. Pass `minRow` = the set's lookback to also drop rows whose recursive
 * indicators are not warmed up. A row without a label counts as invalid, as a non-finite column does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectValidRows } from "./valid.ts";
 * const s = selectValidRows([new Float64Array([NaN, 1, NaN, 2])]);
 * assert.deepEqual([s.kept, s.droppedWarmup, s.droppedInvalid, s.index[1]], [2, 1, 1, 3]);
 * const l = selectValidRows([new Float64Array([1, 2, 3])], { y: Int32Array.of(0, -1, 2) });
 * assert.deepEqual([...l.index], [0, 2]);
 * ```
 */
export function selectValidRows(
  columns: Float64Array[],
  options: { minRow?: number; rows?: number; y?: Int32Array } = {},
): RowSelection {
  const n = options.rows ?? columns[0]?.length ?? options.y?.length ?? 0;
  const minRow = options.minRow ?? 0;
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < Math.min(minRow, n); i++) mask[i] = 0;
  for (const c of columns) {
    for (let i = minRow; i < n; i++) {
      const v = c[i];
      if (v - v !== 0) mask[i] = 0; // NaN or +-Infinity
    }
  }
  const y = options.y;
  if (y) { for (let i = minRow; i < n; i++) if (y[i] < 0) mask[i] = 0; }
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

/** Why the rows of a dataset were not modelled, per cause (issue #11, ADR-028). */
export interface RowAccounting {
  total: number;
  kept: number;
  /** Rows that could have been kept: `total - warmup - horizon_tail`. */
  eligible: number;
  /** kept / eligible (0 when nothing is eligible). */
  keptShare: number;
  dropped: {
    /** Leading rows: before `minRow` or before every feature is defined. */
    warmup: number;
    /** Trailing rows whose label needs bars past the end of the data. */
    horizon_tail: number;
    /** Rows with a non-finite feature while an auxiliary series (mark, spot...) was missing in its lookback. */
    missing_aux: number;
    /** Other rows with a non-finite feature. */
    invalid_features: number;
    /** Rows with every feature but no label (e.g. a flat stretch with zero volatility). */
    no_label: number;
  };
}

/**
 * Accounts for every row of a dataset: kept (in `index`) or dropped for one cause, in this order of
 * precedence: warm-up, horizon tail, missing auxiliary data (an `aux` column is NaN within the row's
 * `auxLookback` bars), invalid features, no label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accountRows, selectValidRows } from "./valid.ts";
 * const f = new Float64Array([NaN, 1, 2, NaN, 4, 5, NaN, 7, 8, 9]);
 * const mark = new Float64Array([1, 1, 1, NaN, 1, 1, 1, 1, 1, 1]);
 * const y = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1, -1, -1);
 * const r = selectValidRows([f, Float64Array.from(y, (v) => (v < 0 ? NaN : v))]);
 * const a = accountRows({ features: [f], y, kept: r.index, minRow: 0, aux: [mark], auxLookback: 0 });
 * assert.deepEqual(a.dropped, { warmup: 1, horizon_tail: 2, missing_aux: 1, invalid_features: 1, no_label: 0 });
 * assert.equal(a.kept, 5);
 * assert.equal(a.keptShare, 5 / 7);
 * ```
 */
export function accountRows(input: {
  features: Float64Array[];
  y: Int32Array;
  /** Kept rows, ascending. */
  kept: Int32Array;
  minRow: number;
  aux?: Float64Array[];
  /** Bars back from a row within which a missing auxiliary value is blamed (default 0: the row only). */
  auxLookback?: number;
}): RowAccounting {
  const { features, y, kept } = input;
  const n = y.length;
  const isKept = new Uint8Array(n);
  for (let k = 0; k < kept.length; k++) isKept[kept[k]] = 1;
  const finite = (i: number) => {
    for (const c of features) if (c[i] - c[i] !== 0) return false;
    return true;
  };
  let first = Math.max(0, Math.min(n, input.minRow));
  while (first < n && !finite(first)) first++;
  let last = n;
  while (last > first && y[last - 1] < 0) last--;
  // prefix count of rows where some auxiliary column is missing
  const auxMissing = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let miss = 0;
    for (const a of input.aux ?? []) if (a[i] !== a[i]) miss = 1;
    auxMissing[i + 1] = auxMissing[i] + miss;
  }
  const back = input.auxLookback ?? 0;
  const dropped = {
    warmup: first,
    horizon_tail: n - last,
    missing_aux: 0,
    invalid_features: 0,
    no_label: 0,
  };
  let keptCount = 0;
  for (let i = 0; i < n; i++) {
    if (isKept[i]) {
      keptCount++;
      continue;
    }
    if (i < first || i >= last) continue;
    if (!finite(i)) {
      const from = Math.max(0, i - back);
      if (auxMissing[i + 1] - auxMissing[from] > 0) dropped.missing_aux++;
      else dropped.invalid_features++;
    } else {
      dropped.no_label++;
    }
  }
  const eligible = n - dropped.warmup - dropped.horizon_tail;
  return { total: n, kept: keptCount, eligible, keptShare: eligible > 0 ? keptCount / eligible : 0, dropped };
}
