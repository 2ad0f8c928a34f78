/**
 * Bulk numeric results from the native DuckDB library through Deno FFI (the same `libduckdb` that
 * `@duckdb/node-api` loads), for the native engine's `queryNumeric`.
 *
 * Why: through Node-API every 2048-row vector is read value by value into JS; through FFI each vector is
 * `memcpy`d straight into the output Float64Arrays and the result is streamed, so DuckDB never materialises
 * it. Measured in ADR-036: 1,000,000 bars load in 0.4 of the time and CPU of the Node-API path.
 *
 * It runs under the tasks' own permissions (`--allow-ffi=node_modules`): the permission is asked for this
 * library's path only, and no `Deno.UnsafePointer*` API is used (those need unscoped `--allow-ffi`).
 * Addresses are plain integers (`usize`), and memory is read with libc's `memcpy` and `strlen`, which
 * `dlsym` finds through libduckdb's own dependencies. `openFfiDuck()` returns undefined when FFI is not
 * granted for the library or the library is not found; callers fall back to Node-API.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { CandlelabError } from "../util/errors.ts";

const _RESULT = { struct: ["u64", "u64", "u64", "pointer", "pointer", "pointer"] } as const;
const _DUCKDB_TYPE_DOUBLE = 11;

// Addresses are `usize` integers, never `pointer` objects: those need the unscoped FFI permission.
const _SYMBOLS = {
  duckdb_open: { parameters: ["usize", "buffer"], result: "i32" },
  duckdb_close: { parameters: ["buffer"], result: "void" },
  duckdb_connect: { parameters: ["usize", "buffer"], result: "i32" },
  duckdb_disconnect: { parameters: ["buffer"], result: "void" },
  duckdb_query: { parameters: ["usize", "buffer", "buffer"], result: "i32", nonblocking: true },
  duckdb_prepare: { parameters: ["usize", "buffer", "buffer"], result: "i32" },
  duckdb_prepare_error: { parameters: ["usize"], result: "usize" },
  duckdb_destroy_prepare: { parameters: ["buffer"], result: "void" },
  duckdb_execute_prepared_streaming: { parameters: ["usize", "buffer"], result: "i32", nonblocking: true },
  duckdb_result_error: { parameters: ["buffer"], result: "usize" },
  duckdb_column_count: { parameters: ["buffer"], result: "u64" },
  duckdb_column_type: { parameters: ["buffer", "u64"], result: "i32" },
  duckdb_destroy_result: { parameters: ["buffer"], result: "void" },
  duckdb_fetch_chunk: { parameters: [_RESULT], result: "usize" },
  duckdb_data_chunk_get_size: { parameters: ["usize"], result: "u64" },
  duckdb_data_chunk_get_vector: { parameters: ["usize", "u64"], result: "usize" },
  duckdb_vector_get_data: { parameters: ["usize"], result: "usize" },
  duckdb_vector_get_validity: { parameters: ["usize"], result: "usize" },
  duckdb_destroy_data_chunk: { parameters: ["buffer"], result: "void" },
  // libc, found by dlsym through libduckdb's dependencies
  memcpy: { parameters: ["buffer", "usize", "usize"], result: "usize" },
  strlen: { parameters: ["usize"], result: "usize" },
} as const;

type _Lib = Deno.DynamicLibrary<typeof _SYMBOLS>;

/** Columns of a numeric query read through FFI. */
export interface FfiNumeric {
  columns: Float64Array[];
  rows: number;
}

/** An in-memory DuckDB database and connection opened through FFI. Close it when done. */
export interface FfiDuck {
  /** Runs a statement (e.g. `CREATE VIEW`, `SET`) and discards its result. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `sql` (k columns, each castable to DOUBLE), streaming, into k Float64Arrays; SQL NULL becomes NaN.
   * `expectedRows` sizes the output (from a `count(*)`); more rows grow it, fewer are trimmed.
   */
  queryDoubles(sql: string, k: number, expectedRows: number): Promise<FfiNumeric>;
  close(): void;
}

/**
 * Path of the `libduckdb` shipped with `@duckdb/node-bindings` for this platform.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duckdbLibraryPath } from "./duckdb_ffi.ts";
 * assert.ok(duckdbLibraryPath().includes("@duckdb/node-bindings-"));
 * ```
 */
export function duckdbLibraryPath(): string {
  const arch = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  const [dir, file] = Deno.build.os === "darwin"
    ? [`darwin-${arch}`, "libduckdb.dylib"]
    : Deno.build.os === "windows"
    ? [`win32-${arch}`, "duckdb.dll"]
    : [`linux-${arch}`, "libduckdb.so"];
  return fileURLToPath(new URL(`../../node_modules/@duckdb/node-bindings-${dir}/${file}`, import.meta.url));
}

function _cstr(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text + "\0");
  const out = _pinned(bytes.length);
  out.set(bytes);
  return out;
}

/**
 * A zeroed buffer whose memory never moves. Small typed arrays made with `new Uint8Array(n)` may live on
 * V8's heap, where the garbage collector can move them while a nonblocking FFI call is still writing into
 * them from another thread; a buffer over its own `ArrayBuffer` is allocated off-heap.
 */
function _pinned(bytes: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new ArrayBuffer(bytes));
}

/** The handle a DuckDB call wrote into `buf`. */
function _handle(buf: BigUint64Array): bigint {
  return buf[0];
}

/** The NUL-terminated C string at `addr`, copied out with libc's `strlen` and `memcpy`. */
function _cString(lib: _Lib, addr: bigint): string {
  const n = Number(lib.symbols.strlen(addr));
  const bytes = new Uint8Array(n);
  if (n > 0) lib.symbols.memcpy(bytes, addr, BigInt(n));
  return new TextDecoder().decode(bytes);
}

/**
 * Opens an in-memory DuckDB (UTC time zone) through FFI, or returns undefined when FFI is not granted or
 * the library is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openFfiDuck } from "./duckdb_ffi.ts";
 * const duck = await openFfiDuck();
 * if (duck) {
 *   const r = await duck.queryDoubles("SELECT i, CASE WHEN i = 1 THEN NULL ELSE i / 2 END FROM range(3) t(i)", 2, 3);
 *   assert.ok(r.rows === 3 && r.columns[0][2] === 2 && Number.isNaN(r.columns[1][1]));
 *   duck.close();
 * }
 * ```
 */
export async function openFfiDuck(): Promise<FfiDuck | undefined> {
  // asks for this library only: the tasks grant `--allow-ffi=node_modules`, under which the unscoped query
  // answers "prompt" (ADR-036)
  const path = duckdbLibraryPath();
  if (Deno.permissions.querySync({ name: "ffi", path }).state !== "granted") return undefined;
  let lib: _Lib;
  try {
    lib = Deno.dlopen(path, _SYMBOLS);
  } catch {
    return undefined;
  }
  const db = new BigUint64Array(1), con = new BigUint64Array(1);
  if (lib.symbols.duckdb_open(0n, db) !== 0 || lib.symbols.duckdb_connect(_handle(db), con) !== 0) {
    lib.close();
    return undefined;
  }
  const duck = new _FfiDuck(lib, db, con);
  await duck.exec("SET TimeZone = 'UTC'").catch(() => {});
  return duck;
}

class _FfiDuck implements FfiDuck {
  #open = true;
  /** Calls run one at a time: a DuckDB connection must not run two statements at once. */
  #queue: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly lib: _Lib,
    private readonly db: BigUint64Array,
    private readonly con: BigUint64Array,
  ) {}

  /** Runs `fn` after every call queued before it has settled. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (!this.#open) {
        throw new CandlelabError("Cannot run query: the FFI DuckDB is closed; open a new engine");
      }
      return fn();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  exec(sql: string): Promise<void> {
    return this.#serial(() => this._exec(sql));
  }

  queryDoubles(sql: string, k: number, expectedRows: number): Promise<FfiNumeric> {
    return this.#serial(() => this._queryDoubles(sql, k, expectedRows));
  }

  private async _exec(sql: string): Promise<void> {
    const res = _pinned(48);
    const text = _cstr(sql);
    const state = await this.lib.symbols.duckdb_query(_handle(this.con), text, res);
    if (text.length === 0) throw new Error("unreachable"); // keeps the SQL bytes alive until the call returned
    try {
      if (state !== 0) throw this._error(res, sql);
    } finally {
      this.lib.symbols.duckdb_destroy_result(res);
    }
  }

  private async _queryDoubles(sql: string, k: number, expectedRows: number): Promise<FfiNumeric> {
    const s = this.lib.symbols;
    const names = Array.from({ length: k }, (_, i) => `_c${i}`);
    const wrapped = `SELECT ${names.map((c) => `CAST(${c} AS DOUBLE)`).join(", ")} FROM (${sql}) AS _q(${
      names.join(", ")
    })`;
    const stmt = new BigUint64Array(1);
    if (s.duckdb_prepare(_handle(this.con), _cstr(wrapped), stmt) !== 0) {
      const p = s.duckdb_prepare_error(_handle(stmt));
      const msg = p ? _cString(this.lib, p) : "unknown error";
      s.duckdb_destroy_prepare(stmt);
      throw new CandlelabError(`Cannot run query: ${msg}; check the SQL: ${sql.slice(0, 200)}`);
    }
    const res = _pinned(48);
    try {
      const state = await s.duckdb_execute_prepared_streaming(_handle(stmt), res);
      if (state !== 0) throw this._error(res, sql);
      for (let c = 0; c < k; c++) {
        if (s.duckdb_column_type(res, BigInt(c)) !== _DUCKDB_TYPE_DOUBLE) {
          throw new CandlelabError(`Cannot read query result: column ${c} is not DOUBLE after the cast`);
        }
      }
      return this._read(res, k, expectedRows);
    } finally {
      s.duckdb_destroy_result(res);
      s.duckdb_destroy_prepare(stmt);
    }
  }

  /** Fetches every chunk of a DOUBLE-only result into Float64Arrays. */
  private _read(res: Uint8Array<ArrayBuffer>, k: number, expectedRows: number): FfiNumeric {
    const s = this.lib.symbols;
    let capacity = Math.max(0, expectedRows);
    let columns = Array.from({ length: k }, () => new Float64Array(capacity));
    let rows = 0;
    const chunkRef = new BigUint64Array(1);
    const mask = new Uint32Array(64); // the validity words of one vector (at most 2048 rows)
    for (;;) {
      const chunk = s.duckdb_fetch_chunk(res);
      if (!chunk) break;
      chunkRef[0] = chunk;
      try {
        const n = Number(s.duckdb_data_chunk_get_size(chunk));
        if (n === 0) break;
        if (rows + n > capacity) {
          capacity = Math.max(rows + n, Math.ceil(capacity * 1.5));
          columns = columns.map((c) => {
            const g = new Float64Array(capacity);
            g.set(c.subarray(0, rows));
            return g;
          });
        }
        for (let c = 0; c < k; c++) {
          const vec = s.duckdb_data_chunk_get_vector(chunk, BigInt(c));
          const out = columns[c];
          s.memcpy(out.subarray(rows, rows + n), s.duckdb_vector_get_data(vec), BigInt(n * 8));
          const validity = s.duckdb_vector_get_validity(vec);
          if (validity) {
            const words = Math.ceil(n / 32);
            if (words > mask.length) {
              throw new CandlelabError(`Cannot read query result: a vector of ${n} rows`);
            }
            s.memcpy(mask.subarray(0, words), validity, BigInt(words * 4));
            _applyValidity(mask, n, out, rows);
          }
        }
        rows += n;
      } finally {
        s.duckdb_destroy_data_chunk(chunkRef);
      }
    }
    return { columns: rows === capacity ? columns : columns.map((c) => c.slice(0, rows)), rows };
  }

  private _error(res: Uint8Array<ArrayBuffer>, sql: string): CandlelabError {
    const p = this.lib.symbols.duckdb_result_error(res);
    const msg = p ? _cString(this.lib, p) : "unknown error";
    return new CandlelabError(`Cannot run query: ${msg}; check the SQL: ${sql.slice(0, 200)}`);
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.lib.symbols.duckdb_disconnect(this.con);
    this.lib.symbols.duckdb_close(this.db);
    this.lib.close();
  }
}

/** Sets NaN where a DuckDB validity mask (bit i of the words = row i valid) marks a NULL. */
function _applyValidity(mask: Uint32Array, n: number, out: Float64Array, at: number): void {
  for (let w = 0; w * 32 < n; w++) {
    const word = mask[w];
    if (word === 0xffffffff) continue;
    for (let b = 0; b < 32 && w * 32 + b < n; b++) {
      if ((word & (1 << b)) === 0) out[at + w * 32 + b] = NaN;
    }
  }
}
