/**
 * Column access and table slicing without copies where possible (Float64Array-backed Arquero tables).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";

/**
 * A column as a Float64Array: the backing array itself when the table is a plain Float64Array table,
 * otherwise a copy in row order. Throws, listing the table's columns, when the column is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { float64Column } from "./columns.ts";
 * const t = aq.table({ close: new Float64Array([1, 2]) });
 * assert(float64Column(t, "close")[1] === 2);
 * ```
 */
export function float64Column(table: ColumnTable, name: string): Float64Array {
  if (!table.columnNames().includes(name)) {
    throw new CandlelabError(
      `Cannot read column "${name}": the table has no such column (columns: ${
        table.columnNames().join(", ")
      }); ` +
        `load a dataset that provides it or remove the feature that needs it`,
    );
  }
  const col = table.column(name) as unknown;
  if (
    col instanceof Float64Array && !table.isFiltered() && !table.isOrdered() && col.length === table.numRows()
  ) {
    return col;
  }
  const out = table.array(name, Float64Array as unknown as ArrayConstructor) as unknown as Float64Array;
  return out instanceof Float64Array ? out : Float64Array.from(out as ArrayLike<number>);
}

/**
 * Rows `[start, end)` of a table as a new Float64Array table sharing memory (subarray views).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { sliceRows } from "./columns.ts";
 * const t = aq.table({ a: new Float64Array([1, 2, 3]) });
 * assert(sliceRows(t, 1, 3).numRows() === 2);
 * ```
 */
export function sliceRows(table: ColumnTable, start: number, end = table.numRows()): ColumnTable {
  const cols: Record<string, Float64Array> = {};
  for (const name of table.columnNames()) cols[name] = float64Column(table, name).subarray(start, end);
  return aq.table(cols);
}
