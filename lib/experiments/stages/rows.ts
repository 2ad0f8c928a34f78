/**
 * The labels stage: labels over the development bars and the rows a model sees (every feature valid, a
 * label, past the warm-up), each row kept or dropped for a named cause (issue #11); too few kept stops
 * the run with the counts.
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import { joinSummary, rowsWithoutAux } from "../../data/point_in_time.ts";
import {
  accountRows,
  type FeatureSet,
  featureSetLookback,
  type RowSelection,
  selectValidRows,
} from "../../features/mod.ts";
import { float64Column } from "../../series/columns.ts";
import { gatherRows, takeRows } from "../../series/rows.ts";
import { type ClassBalance, classBalance, computeLabels, type Labels } from "../../labels/mod.ts";
import type { FeatureMatrix } from "../../models/estimator.ts";
import { CandlelabError } from "../../util/errors.ts";
import type { ExperimentConfig } from "../config.ts";
import type { RowsRecord } from "../run_record.ts";

/** How far back a modelled row reads. */
export interface Lookbacks {
  /** The feature set's lookback in bars. */
  lookback: number;
  /** The feature set's, or the label's own volatility window if longer. */
  rowLookback: number;
}

/**
 * The bars a modelled row reads backwards.
 *
 * @example
 * ```ts ignore
 * const { lookback, rowLookback } = lookbacks(set, ds.intervalMs, cfg.label);
 * ```
 */
export function lookbacks(set: FeatureSet, intervalMs: number, label: ExperimentConfig["label"]): Lookbacks {
  const lookback = featureSetLookback(set, { intervalMs });
  return { lookback, rowLookback: Math.max(lookback, "volWindow" in label ? label.volWindow : 0) };
}

/** The modelled rows: labels, their bar indices, the matrix and targets, the row counts. */
export interface LabelledRows {
  labels: Labels;
  /** Bar index of each modelled row. */
  rowIndex: Int32Array;
  X: FeatureMatrix;
  y: Int32Array;
  rows: RowsRecord;
  /** Counts for the log (absent when `refusal` stops the run). */
  summary?: { rows: number; droppedWarmup: number; droppedInvalid: number; balance: ClassBalance[] };
  /** Set when too small a share of the eligible rows was kept (`rows` says which were dropped). */
  refusal?: CandlelabError;
}

/**
 * Labels the development `dataset` and selects the modelled rows (`features`: the set's columns over the
 * development rows); throws when too few rows are left to train.
 *
 * @example
 * ```ts ignore
 * const r = rowsStage(cfg, dataset, set, features, rowLookback);
 * console.log(r.rows.kept, r.rows.dropped);
 * ```
 */
export function rowsStage(
  cfg: ExperimentConfig,
  dataset: Dataset,
  set: FeatureSet,
  features: Record<string, Float64Array>,
  rowLookback: number,
): LabelledRows {
  const labels = computeLabels(dataset.table, cfg.label);
  const { cols, sel, X, y } = modelRows(set.columns, features, labels.y, rowLookback);
  if (sel.kept < 10 * (cfg.validation.folds + 1)) {
    throw new CandlelabError(
      `Cannot train ${cfg.name}: only ${sel.kept} rows have every feature and a label ` +
        `(${sel.droppedWarmup} warm-up rows dropped, ${sel.droppedInvalid} invalid); load more data or shorten windows`,
    );
  }
  // issue #11: every row kept or dropped for a named cause; too few kept fails the run with the counts
  const rows = _rowsRecord(dataset, cols, labels.y, sel.index, rowLookback, cfg.guard.minKeptShare);
  const out = { labels, rowIndex: sel.index, X, y, rows };
  if (rows.kept_share < rows.min_kept_share) {
    const refusal = new CandlelabError(
      `Cannot train ${cfg.name}: only ${
        (rows.kept_share * 100).toFixed(1)
      } % of the eligible rows were kept ` +
        `(guard.minKeptShare is ${rows.min_kept_share}): ${_droppedText(rows)}; ` +
        `fix the data (missing auxiliary bars, invalid values) or lower guard.minKeptShare`,
    );
    return { ...out, refusal };
  }
  const balance = classBalance(y, [{ name: "all", start: 0, end: y.length }]);
  const summary = {
    rows: sel.kept,
    droppedWarmup: sel.droppedWarmup,
    droppedInvalid: sel.droppedInvalid,
    balance,
  };
  return { ...out, summary };
}

/** The modelled rows: the selection, the columns read, the matrix and the targets. */
export interface ModelRows {
  /** The set's columns over all bars, in the set's order. */
  cols: Float64Array[];
  /** Rows at or after `minRow` with every feature finite and a label. */
  sel: RowSelection;
  /** The columns at the selected rows (views when the rows are contiguous: read-only). */
  X: FeatureMatrix;
  /** The labels at the selected rows (a copy). */
  y: Int32Array;
}

/**
 * Selects the rows a model sees (bars `minRow` to `to`, exclusive, default all; every column of `columns`
 * finite; a label `y >= 0`) and gathers them: the one row selection of the experiment's labels stage, of
 * scoring a fitted model (`scoreRows`: the opened lockbox, `deno task evaluate`) and of bench/workload.ts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelRows } from "./rows.ts";
 * const features = { a: Float64Array.of(NaN, 1, 2, 3, 4), b: Float64Array.of(0, 0, 0, NaN, 0) };
 * const r = modelRows(["a", "b"], features, Int32Array.of(0, 1, 2, 1, -1), 1);
 * assert.deepEqual([...r.sel.index], [1, 2]);
 * assert.deepEqual([...r.X.columns[0]], [1, 2]);
 * assert.deepEqual([...r.y], [1, 2]);
 * ```
 */
export function modelRows(
  columns: string[],
  features: Record<string, Float64Array>,
  y: Int32Array,
  minRow: number,
  to?: number,
): ModelRows {
  const cols = columns.map((c) => features[c]);
  const sel = selectValidRows(cols, { minRow, y, rows: to });
  const X: FeatureMatrix = {
    names: columns,
    columns: cols.map((c) => takeRows(c, sel.index)),
    nRows: sel.kept,
  };
  return { cols, sel, X, y: gatherRows(y, sel.index) }; // y: one copy, never a view of the labels
}

/** Auxiliary columns a perpetual dataset joins onto its candles (NaN where the joined series had no value). */
const _AUX_COLUMNS = ["mark_open", "mark_high", "mark_low", "mark_close", "spot_close"];
// (used only for a dataset without point-in-time join records; with them, `rowsWithoutAux` says which rows)

function _rowsRecord(
  dataset: Dataset,
  features: Float64Array[],
  y: Int32Array,
  kept: Int32Array,
  minRow: number,
  minKeptShare: number,
): RowsRecord {
  const names = new Set(dataset.table.columnNames());
  const missing = rowsWithoutAux(dataset);
  const aux = missing
    ? [Float64Array.from(missing, (m) => (m ? NaN : 0))]
    : _AUX_COLUMNS.filter((c) => names.has(c)).map((c) => float64Column(dataset.table, c));
  const a = accountRows({ features, y, kept, minRow, aux, auxLookback: minRow });
  // per-join counts of the point-in-time join (lib/data/point_in_time.ts), without per-row arrays
  const joins = dataset.joins?.map(joinSummary);
  return {
    total: a.total,
    kept: a.kept,
    eligible: a.eligible,
    kept_share: a.keptShare,
    min_kept_share: minKeptShare,
    dropped: { ...a.dropped },
    ...(joins !== undefined ? { joins } : {}),
  };
}

function _droppedText(rows: RowsRecord): string {
  const d = Object.entries(rows.dropped).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(", ");
  return `${rows.kept} of ${rows.total} rows kept (${rows.eligible ?? "?"} eligible); dropped: ${d}`;
}
