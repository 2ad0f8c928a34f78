/**
 * The interface both DuckDB engines implement (native in engine.ts, wasm in engine_wasm.ts) and the SQL
 * helpers they share. `openEngine` (engine.ts) picks one.
 *
 * @module
 */

/** Which DuckDB build runs the SQL. */
export type EngineKind = "native" | "wasm";

/** Name and DuckDB type of a column. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** Result of a query whose every column is (cast to) DOUBLE; SQL NULL becomes NaN. */
export interface NumericResult {
  names: string[];
  columns: Float64Array[];
  rows: number;
}

/** The interface both engines implement. Close it when done. */
export interface DuckEngine {
  readonly kind: EngineKind;
  /** Makes `files` (Parquet) readable as the view/table `name` (columns unioned by name). */
  registerParquet(name: string, files: string[]): Promise<void>;
  /** Column names and DuckDB types of a relation. */
  describe(relation: string): Promise<ColumnInfo[]>;
  /** Runs a query whose columns are all DOUBLE-castable; returns Float64Arrays (NULL -> NaN). */
  queryNumeric(sql: string): Promise<NumericResult>;
  /** Runs a query with a small result; values as plain JSON-like JS values (BIGINT as number). */
  queryRows(sql: string): Promise<Record<string, unknown>[]>;
  /** Runs a statement that returns nothing of interest. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Quotes an SQL identifier. */
export function _ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes an SQL string literal. */
export function _lit(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Concatenates Float64Array chunks. */
export function _concat(parts: Float64Array[], total: number): Float64Array {
  if (parts.length === 1) return parts[0];
  const out = new Float64Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
