/**
 * Assembling the output table of `deno task features`: `timestamp`, the set's features, optionally the
 * label, with warm-up / invalid rows counted (and dropped on request). It lives with the labels because it
 * is the first place where features and labels meet (features never import labels).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { computeLabels, labelColumn } from "./labels.ts";
import type { LabelSpec } from "./config.ts";
import { computeFeatureColumns, type ComputeOptions, type FeatureSet } from "../features/set.ts";
import { float64Column } from "../series/columns.ts";
import { type RowSelection, selectValidRows } from "../features/valid.ts";
import { takeRows } from "../series/rows.ts";

/** Result of `buildFeatureTable`. */
export interface FeatureTableResult {
  /** `timestamp`, features, then `label` when a spec was given. */
  columns: Record<string, Float64Array>;
  /** Rows where every feature (and the label) is defined, counted over the input rows. */
  selection: RowSelection;
  rows: number;
}

/**
 * Computes features (or takes precomputed ones) and the optional label into one set of columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { buildFeatureTable } from "./feature_table.ts";
 * import { resolveFeatureSet } from "../features/set.ts";
 * const close = new Float64Array(30).map((_, i) => 100 + Math.sin(i));
 * const t = aq.table({ timestamp: close.map((_, i) => i * 60000), close });
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "log_return" }] });
 * const r = buildFeatureTable(t, set, { label: { kind: "fixed", horizon: 2, threshold: 0 }, dropInvalid: true });
 * assert(r.rows === 27 && Object.keys(r.columns).join() === "timestamp,ret_1,label");
 * ```
 */
export function buildFeatureTable(
  table: ColumnTable,
  set: FeatureSet,
  options: ComputeOptions & {
    label?: LabelSpec;
    dropInvalid?: boolean;
    features?: Record<string, Float64Array>;
  } = {},
): FeatureTableResult {
  const feats = options.features ?? computeFeatureColumns(table, set, options);
  const columns: Record<string, Float64Array> = { timestamp: float64Column(table, "timestamp") };
  for (const c of set.columns) columns[c] = feats[c];
  if (options.label) columns.label = labelColumn(computeLabels(table, options.label));
  const selection = selectValidRows(
    Object.entries(columns).filter(([k]) => k !== "timestamp").map(([, v]) => v),
    {
      rows: table.numRows(),
    },
  );
  if (!options.dropInvalid) return { columns, selection, rows: table.numRows() };
  const kept: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(columns)) kept[k] = takeRows(v, selection.index);
  return { columns: kept, selection, rows: selection.kept };
}
