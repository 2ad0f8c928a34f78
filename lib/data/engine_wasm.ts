/**
 * The wasm engine: `@duckdb/duckdb-wasm` in-process (blocking Node bundle, no worker, no fetch).
 * duckdb-wasm would download its Parquet extension from the internet, so Parquet is decoded in JS
 * (hyparquet + hyparquet-compressors, zstd included), turned into Arrow IPC (apache-arrow) and inserted
 * as a table; then the same SQL runs as on the native engine. Extension autoloading is switched off.
 *
 * @module
 */
import * as duckdb from "@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs";
import { createRequire } from "node:module";
import {
  Bool,
  type DataType,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  TimestampMillisecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { CandlelabError } from "../util/errors.ts";
import { _concat, _ident, type ColumnInfo, type DuckEngine, type NumericResult } from "./duck_engine.ts";

type _WasmDb = Awaited<ReturnType<typeof duckdb.createDuckDB>>;
type _WasmCon = ReturnType<_WasmDb["connect"]>;

/** Parsers that turn Parquet times into UTC ms numbers (ms precision, as everywhere in Candlelab). */
const _PARSERS = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v / 1000n),
  timestampFromNanoseconds: (v: bigint) => Number(v / 1_000_000n),
  dateFromDays: (d: number) => d * 86_400_000,
};

interface _Leaf {
  name: string;
  arrow: DataType;
}

function _leafType(el: Record<string, unknown>, file: string): DataType {
  const logical = el.logical_type as { type?: string; isAdjustedToUTC?: boolean } | undefined;
  const converted = el.converted_type as string | undefined;
  if (logical?.type === "TIMESTAMP" || converted === "TIMESTAMP_MILLIS" || converted === "TIMESTAMP_MICROS") {
    return new TimestampMillisecond(logical?.isAdjustedToUTC === false ? null : "UTC");
  }
  if (logical?.type === "DATE" || converted === "DATE") return new TimestampMillisecond(null);
  switch (el.type) {
    case "DOUBLE":
    case "FLOAT":
      return new Float64();
    case "INT64":
      return new Int64();
    case "INT32":
      return new Int32();
    case "BOOLEAN":
      return new Bool();
    case "BYTE_ARRAY":
      return new Utf8();
  }
  throw new CandlelabError(
    `Cannot read ${file} with the wasm engine: column ${el.name} has Parquet type ${el.type}, which the JS decoder does not map; use engine: native`,
  );
}

/** Decodes one Parquet file into an Arrow table (columns typed from the Parquet schema). */
async function _decodeParquet(path: string): Promise<Table> {
  const bytes = await Deno.readFile(path);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buf);
  const schema = parquetSchema(metadata);
  const leaves: _Leaf[] = schema.children.map((c) => ({
    name: c.element.name,
    arrow: _leafType(c.element as unknown as Record<string, unknown>, path),
  }));
  const n = Number(metadata.num_rows);
  const parts = new Map<string, { start: number; data: ArrayLike<unknown> }[]>();
  await parquetRead({
    file: buf,
    metadata,
    compressors,
    parsers: _PARSERS,
    onChunk: (chunk) => {
      const list = parts.get(chunk.columnName) ?? [];
      list.push({ start: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> });
      parts.set(chunk.columnName, list);
    },
  });
  const vectors: Record<string, Vector> = {};
  for (const leaf of leaves) {
    const chunks = (parts.get(leaf.name) ?? []).sort((a, b) => a.start - b.start);
    const typed = _typedColumn(leaf.arrow, chunks, n);
    if (typed) {
      vectors[leaf.name] = typed;
      continue;
    }
    // strings and booleans: plain values, as Arrow builds them
    const values: unknown[] = new Array(n).fill(null);
    for (const c of chunks) {
      for (let i = 0; i < c.data.length && c.start + i < n; i++) values[c.start + i] = c.data[i] ?? null;
    }
    vectors[leaf.name] = vectorFromArray(values, leaf.arrow);
  }
  return new Table(vectors);
}

/**
 * A numeric or time column decoded once into the typed array Arrow stores (Float64Array, Int32Array,
 * BigInt64Array for INT64 and ms timestamps) plus a validity bitmap when some value is null; undefined for
 * other types.
 */
function _typedColumn(
  type: DataType,
  chunks: { start: number; data: ArrayLike<unknown> }[],
  n: number,
): Vector | undefined {
  let out: Float64Array | Int32Array | BigInt64Array;
  let put: (i: number, v: unknown) => void;
  if (type instanceof Float64) {
    const a = (out = new Float64Array(n));
    put = (i, v) => (a[i] = Number(v));
  } else if (type instanceof Int32) {
    const a = (out = new Int32Array(n));
    put = (i, v) => (a[i] = Number(v));
  } else if (type instanceof Int64 || type instanceof TimestampMillisecond) {
    const a = (out = new BigInt64Array(n));
    put = (i, v) => (a[i] = typeof v === "bigint" ? v : BigInt(v as number));
  } else return undefined;
  let valid: Uint8Array | undefined; // Arrow's bitmap (bit i set = row i valid), made at the first null
  let nulls = 0;
  let filled = 0;
  for (const c of chunks) {
    const m = Math.min(c.data.length, n - c.start);
    if (out instanceof Float64Array && c.data instanceof Float64Array) {
      out.set(c.data.subarray(0, m), c.start); // hyparquet's own Float64Array: no nulls in it
    } else {
      for (let i = 0; i < m; i++) {
        const v = c.data[i];
        if (v === null || v === undefined) {
          valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
          valid[(c.start + i) >> 3] &= ~(1 << ((c.start + i) & 7));
          nulls++;
          if (out instanceof Float64Array) out[c.start + i] = NaN;
        } else put(c.start + i, v);
      }
    }
    filled += Math.max(0, m);
  }
  if (filled < n) {
    // rows no chunk covered are null
    valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
    const covered = new Uint8Array(n);
    for (const c of chunks) covered.fill(1, c.start, Math.min(n, c.start + c.data.length));
    for (let i = 0; i < n; i++) {
      if (!covered[i]) {
        valid[i >> 3] &= ~(1 << (i & 7));
        nulls++;
      }
    }
  }
  // one call for the four types (the cast only satisfies makeData's per-type overloads)
  const props = {
    type: type as Float64,
    length: n,
    nullCount: nulls,
    data: out as Float64Array,
    nullBitmap: valid,
  };
  return makeVector(makeData(props));
}

class _WasmEngine implements DuckEngine {
  readonly kind = "wasm" as const;
  constructor(private readonly db: _WasmDb, private readonly con: _WasmCon) {}

  async registerParquet(name: string, files: string[]): Promise<void> {
    const parts: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const table = await _decodeParquet(files[i]);
      const part = `${name}__${i}`;
      this.con.insertArrowFromIPCStream(tableToIPC(table, "stream"), { name: part, create: true });
      parts.push(`SELECT * FROM ${_ident(part)}`);
    }
    await this.exec(`CREATE OR REPLACE VIEW ${_ident(name)} AS ${parts.join(" UNION ALL BY NAME ")}`);
  }

  async describe(relation: string): Promise<ColumnInfo[]> {
    const rows = await this.queryRows(`DESCRIBE SELECT * FROM ${relation}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  queryNumeric(sql: string): Promise<NumericResult> {
    const table = this.con.query(sql);
    const names = table.schema.fields.map((f) => f.name);
    const rows = table.numRows;
    const columns = names.map((_, c) => {
      const vec = table.getChildAt(c)!;
      const parts: Float64Array[] = [];
      for (const data of vec.data) {
        const out = new Float64Array(data.length);
        const values = data.values as ArrayLike<number | bigint>;
        for (let i = 0; i < data.length; i++) out[i] = data.getValid(i) ? Number(values[i]) : NaN;
        parts.push(out);
      }
      return parts.length === 0 ? new Float64Array(0) : _concat(parts, rows);
    });
    return Promise.resolve({ names, columns, rows });
  }

  queryRows(sql: string): Promise<Record<string, unknown>[]> {
    const table = this.con.query(sql);
    return Promise.resolve(
      table.toArray().map((row) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row.toJSON() as Record<string, unknown>)) {
          o[k] = typeof v === "bigint" ? Number(v) : v;
        }
        return o;
      }),
    );
  }

  exec(sql: string): Promise<void> {
    this.con.query(sql);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.con.close();
    this.db.reset();
    return Promise.resolve();
  }
}

/**
 * Opens the wasm engine (takes seconds: the wasm module is compiled at every open, so open one per process
 * and pass it to several loads). Usually reached through `openEngine("wasm")`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openWasmEngine } from "./engine_wasm.ts";
 * // Opening costs several seconds; engine_test.ts runs it. Typical use:
 * async function _firstRow(file: string) {
 *   const engine = await openWasmEngine();
 *   try {
 *     await engine.registerParquet("bars", [file]);
 *     return await engine.queryRows("SELECT * FROM bars LIMIT 1");
 *   } finally {
 *     await engine.close();
 *   }
 * }
 * assert(typeof _firstRow === "function");
 * ```
 */
export async function openWasmEngine(): Promise<DuckEngine> {
  const require = createRequire(import.meta.url);
  const dist = require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs").replace(
    /duckdb-node-blocking\.cjs$/,
    "",
  );
  try {
    const db = await duckdb.createDuckDB(
      {
        mvp: { mainModule: dist + "duckdb-mvp.wasm", mainWorker: dist + "duckdb-node-mvp.worker.cjs" },
        eh: { mainModule: dist + "duckdb-eh.wasm", mainWorker: dist + "duckdb-node-eh.worker.cjs" },
      },
      new duckdb.VoidLogger(),
      duckdb.NODE_RUNTIME,
    );
    await db.instantiate();
    const con = db.connect();
    for (const s of ["SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"]) {
      try {
        con.query(s);
      } catch { /* older builds lack the setting */ }
    }
    return new _WasmEngine(db, con);
  } catch (err) {
    throw new CandlelabError(
      `Cannot open the wasm DuckDB engine: ${
        (err as Error).message
      }; check that @duckdb/duckdb-wasm is installed, or use engine: native`,
      { cause: err },
    );
  }
}
