/**
 * DuckDB behind one small interface, with two engines:
 * - `native`: `@duckdb/node-api` (a native library, needs `--allow-ffi`); reads Parquet itself. Its
 *   `queryNumeric` streams through a second connection opened on the same `libduckdb` with Deno FFI
 *   (duckdb_ffi.ts), copying whole vectors into Float64Arrays; without FFI it reads value by value.
 * - `wasm`: `@duckdb/duckdb-wasm` in-process (blocking Node bundle). Its Parquet extension would be fetched
 *   from the internet, so Parquet is decoded in JS (hyparquet) and handed to DuckDB as Arrow IPC.
 *
 * Both register Parquet files as a view, then run the same SQL. See docs/adr/ADR-013-duckdb-engines.md.
 *
 * @module
 */
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { type FfiDuck, openFfiDuck } from "./duckdb_ffi.ts";
import { CandlelabError } from "../util/errors.ts";
import {
  _ident,
  _lit,
  type ColumnInfo,
  type DuckEngine,
  type EngineKind,
  type NumericResult,
} from "./duck_engine.ts";

export type { ColumnInfo, DuckEngine, EngineKind, NumericResult } from "./duck_engine.ts";

class _NativeEngine implements DuckEngine {
  readonly kind = "native" as const;
  /**
   * `ffi`, when FFI is granted, is a second in-memory database (same library) that serves `queryNumeric`
   * in bulk; `exec` (views, settings) runs on both so they see the same relations.
   */
  constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly ffi?: FfiDuck,
  ) {}

  async registerParquet(name: string, files: string[]): Promise<void> {
    const list = files.map(_lit).join(", ");
    await this.exec(
      `CREATE OR REPLACE VIEW ${_ident(name)} AS SELECT * FROM read_parquet([${list}], union_by_name = true)`,
    );
  }

  async describe(relation: string): Promise<ColumnInfo[]> {
    const rows = await this.queryRows(`DESCRIBE SELECT * FROM ${relation}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  async queryNumeric(sql: string): Promise<NumericResult> {
    // Count first, then fill preallocated arrays: memory stays at the result size.
    const prepared = await this.con.prepare(sql);
    const names = Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i));
    prepared.destroySync();
    const [{ n: total }] = await this.queryRows(`SELECT count(*) AS n FROM (${sql})`);
    if (names.length === 0) return { names, columns: [], rows: 0 };
    if (this.ffi) {
      // Bulk path (duckdb_ffi.ts): each vector memcpy'd into the output, no per-value or per-chunk JS copy.
      const { columns, rows } = await this.ffi.queryDoubles(sql, names.length, Number(total));
      return { names, columns, rows };
    }
    const result = await this.con.stream(sql);
    const columns = names.map(() => new Float64Array(Number(total)));
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      if (rows + n > columns[0].length) {
        throw new CandlelabError(`Cannot read query result: more rows than counted (${total}); retry`);
      }
      for (let c = 0; c < names.length; c++) {
        const vec = chunk.getColumnVector(c);
        const out = columns[c];
        for (let i = 0; i < n; i++) {
          const v = vec.getItem(i);
          out[rows + i] = v === null ? NaN : Number(v);
        }
      }
      rows += n;
    }
    return {
      names,
      columns: rows === columns[0].length ? columns : columns.map((c) => c.slice(0, rows)),
      rows,
    };
  }

  async queryRows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.con.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) o[k] = typeof v === "bigint" ? Number(v) : v;
      return o;
    });
  }

  async exec(sql: string): Promise<void> {
    await this.con.run(sql);
    await this.ffi?.exec(sql);
  }

  close(): Promise<void> {
    this.ffi?.close();
    this.con.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }
}

/**
 * Opens an in-memory DuckDB engine of the given kind. Close it with `await engine.close()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openEngine } from "./engine.ts";
 * const engine = await openEngine("native");
 * const r = await engine.queryNumeric("SELECT 1.5 AS x");
 * assert(r.columns[0][0] === 1.5);
 * await engine.close();
 * ```
 */
export async function openEngine(kind: EngineKind = "native"): Promise<DuckEngine> {
  if (kind === "native") {
    try {
      const instance = await DuckDBInstance.create(":memory:");
      const con = await instance.connect();
      await con.run("SET TimeZone = 'UTC'").catch(() => {});
      return new _NativeEngine(instance, con, await openFfiDuck());
    } catch (err) {
      throw new CandlelabError(
        `Cannot open the native DuckDB engine: ${
          (err as Error).message
        }; run with --allow-ffi (or -A), or use engine: wasm`,
        { cause: err },
      );
    }
  }
  if (kind === "wasm") {
    const { openWasmEngine } = await import("./engine_wasm.ts");
    return await openWasmEngine();
  }
  throw new CandlelabError(
    `Cannot open DuckDB engine: unknown kind ${JSON.stringify(kind)}; use "native" or "wasm"`,
  );
}

/**
 * Runs `fn` with a fresh engine and closes it afterwards, even on error.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { withEngine } from "./engine.ts";
 * const rows = await withEngine("native", (e) => e.queryRows("SELECT 42 AS answer"));
 * assert(rows[0].answer === 42);
 * ```
 */
export async function withEngine<T>(kind: EngineKind, fn: (engine: DuckEngine) => Promise<T>): Promise<T> {
  const engine = await openEngine(kind);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
