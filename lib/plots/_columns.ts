/**
 * Column access shared by the charts: an Arquero table or a plain object of arrays.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";

/** What the charts read: an Arquero table or `{ column: array }`. */
export type ChartData = ColumnTable | Record<string, ArrayLike<number>>;

/** Returns column `name` as a Float64Array, with an error naming the available columns. */
export function _column(data: ChartData, name: string, chart: string): Float64Array {
  const isTable = typeof (data as ColumnTable).columnNames === "function";
  const names = isTable ? (data as ColumnTable).columnNames() : Object.keys(data);
  if (!names.includes(name)) {
    throw new CandlelabError(
      `Cannot draw ${chart}: column "${name}" not found, available columns are [${
        names.join(", ")
      }]; pass the right column name`,
    );
  }
  if (isTable) {
    const col = (data as ColumnTable).array(name) as ArrayLike<number>;
    return col instanceof Float64Array ? col : Float64Array.from(col, Number);
  }
  const col = (data as Record<string, ArrayLike<number>>)[name];
  return col instanceof Float64Array ? col : Float64Array.from(col, Number);
}
