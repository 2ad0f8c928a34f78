/**
 * Importing bar files from other tools into normalised Parquet:
 * - Binance kline CSV (with or without header; `open_time` in ms or us),
 * - freqtrade JSON (an array of `[ts, open, high, low, close, volume]`),
 * - freqtrade Feather (Arrow IPC; `date open high low close volume`; lz4/zstd compressed or not).
 *
 * Output: `timestamp` as TIMESTAMP WITH TIME ZONE (UTC ms values), `open high low close volume` DOUBLE
 * (funding: `timestamp funding_rate`), sorted by time, duplicates refused unless allowed.
 *
 * @module
 */
import { compressionRegistry, CompressionType, tableFromIPC } from "apache-arrow";
import { decompress as zstdDecompress } from "fzstd";
import { extname } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { epochFactorToMs, mapColumns } from "./columns.ts";
import type { FileKind } from "./filename.ts";
import { isoTime } from "./interval.ts";
import { decompressLz4Frame } from "./lz4.ts";
import { _take, sortOrder } from "./quality.ts";
import { type ColumnChunk, writeParquet } from "./write.ts";

/** Source formats `importBars` understands. */
export type ImportFormat = "binance-csv" | "freqtrade-json" | "feather";

/**
 * Guesses the format from the file extension (`.csv`, `.json`, `.feather`/`.arrow`/`.ipc`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { detectImportFormat } from "./import.ts";
 * assert(detectImportFormat("BTC_USDT-1h.feather") === "feather");
 * ```
 */
export function detectImportFormat(path: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv" || ext === ".txt") return "binance-csv";
  if (ext === ".json") return "freqtrade-json";
  if (ext === ".feather" || ext === ".arrow" || ext === ".ipc") return "feather";
  throw new CandlelabError(
    `Cannot import ${path}: unknown extension ${
      JSON.stringify(ext)
    }; use .csv (Binance klines), .json or .feather (freqtrade)`,
  );
}

function _num(text: string, file: string, line: number, col: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v)) {
    throw new CandlelabError(
      `Cannot import ${file}: line ${line}, column ${col} holds ${
        JSON.stringify(text)
      }, not a number; fix the line or drop it`,
    );
  }
  return v;
}

const _ISO =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(?:([zZ])|([+-])(\d{2}):?(\d{2})?)?$/;

/**
 * UTC ms of an ISO date or date-time text; a UTC offset (`+08:00`, `+0800`, `+08`, `Z`) is applied, text
 * without one is read as UTC. Throws naming file, row and value for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIsoUtc } from "./import.ts";
 * assert.equal(parseIsoUtc("2024-01-01T08:00:00+08:00", "x", 0), Date.UTC(2024, 0, 1));
 * assert.equal(parseIsoUtc("2024-01-01 08:00", "x", 0), Date.UTC(2024, 0, 1, 8));
 * assert.throws(() => parseIsoUtc("01/02/2024", "x.feather", 3), /row 3 .*"01\/02\/2024"/);
 * ```
 */
export function parseIsoUtc(text: string, file: string, row: number): number {
  const m = _ISO.exec(text.trim());
  const ms = m
    ? Date.parse(
      `${m[1]}T${m[2] ?? "00:00"}${m[4] ? `${m[4]}${m[5]}:${m[6] ?? "00"}` : "Z"}`,
    )
    : NaN;
  if (!Number.isFinite(ms)) {
    throw new CandlelabError(
      `Cannot import ${file}: row ${row} has timestamp ${
        JSON.stringify(text)
      }, not an ISO date-time such as "2024-01-01T08:00:00+08:00" or epoch ms; convert the column at the source`,
    );
  }
  return ms;
}

/** The OHLCV columns of a CSV or JSON import, in their source order. */
const _OHLCV = ["timestamp", "open", "high", "low", "close", "volume"] as const;

/** Columns in `_OHLCV` order as a normalised chunk. */
function _ohlcvChunk(cols: Float64Array[]): ColumnChunk {
  return _normalise(Object.fromEntries(_OHLCV.map((name, k) => [name, cols[k]])));
}

/**
 * Parses Binance kline CSV text (12 columns: open_time, open, high, low, close, volume, close_time, ...;
 * a header line is optional) into columns; timestamps become UTC ms whatever their unit.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseBinanceCsv } from "./import.ts";
 * const c = parseBinanceCsv("1704067200000000,1,2,0.5,1.5,10,1704067259999999,0,0,0,0,0\n", "x.csv");
 * assert(c.timestamp[0] === Date.UTC(2024, 0, 1) && c.close[0] === 1.5);
 * ```
 */
export function parseBinanceCsv(text: string, file: string): ColumnChunk {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  let names = ["open_time", "open", "high", "low", "close", "volume"];
  let first = 0;
  if (lines.length > 0 && /[a-z]/i.test(lines[0].split(",")[0])) {
    names = lines[0].split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
    first = 1;
  }
  const map = mapColumns(names, "ohlcv", file);
  const idx = _OHLCV.map((c) => names.indexOf(map[c]));
  const n = lines.length - first;
  const cols = idx.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const parts = lines[r + first].split(",");
    for (let k = 0; k < idx.length; k++) {
      cols[k][r] = _num(parts[idx[k]] ?? "", file, r + first + 1, names[idx[k]]);
    }
  }
  return _ohlcvChunk(cols);
}

/**
 * Parses freqtrade JSON candles (`[[ts_ms, open, high, low, close, volume], ...]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseFreqtradeJson } from "./import.ts";
 * const c = parseFreqtradeJson("[[1704067200000, 1, 2, 0.5, 1.5, 10]]", "x.json");
 * assert(c.volume[0] === 10);
 * ```
 */
export function parseFreqtradeJson(text: string, file: string): ColumnChunk {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CandlelabError(`Cannot import ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) {
    throw new CandlelabError(
      `Cannot import ${file}: expected an array of [ts, o, h, l, c, v] rows, got ${typeof data}`,
    );
  }
  const n = data.length;
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  const names = _OHLCV;
  for (let r = 0; r < n; r++) {
    const row = data[r];
    if (!Array.isArray(row) || row.length < 6) {
      throw new CandlelabError(
        `Cannot import ${file}: row ${r} is ${
          JSON.stringify(row)
        }, expected [ts, open, high, low, close, volume]`,
      );
    }
    cols[0][r] = typeof row[0] === "string" && !/^\s*-?\d+(\.\d+)?\s*$/.test(row[0])
      ? parseIsoUtc(row[0], file, r)
      : _num(String(row[0]), file, r, names[0]);
    for (let k = 1; k < 6; k++) cols[k][r] = _num(String(row[k]), file, r, names[k]);
  }
  return _ohlcvChunk(cols);
}

/** Registers zstd and lz4 decoders with apache-arrow (idempotent). */
function _registerCodecs(): void {
  if (!compressionRegistry.get(CompressionType.ZSTD)) {
    compressionRegistry.set(CompressionType.ZSTD, { decode: (b) => zstdDecompress(b) });
  }
  if (!compressionRegistry.get(CompressionType.LZ4_FRAME)) {
    compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (b) => decompressLz4Frame(b) });
  }
}

/**
 * Parses Feather / Arrow IPC bytes (freqtrade's `date open high low close volume`, or a funding file)
 * into columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tableFromArrays, tableToIPC } from "apache-arrow";
 * import { parseFeather } from "./import.ts";
 * const bytes = tableToIPC(tableFromArrays({
 *   date: new Float64Array([1704067200000]), open: new Float64Array([1]), high: new Float64Array([2]),
 *   low: new Float64Array([0.5]), close: new Float64Array([1.5]), volume: new Float64Array([3]),
 * }), "file");
 * assert(parseFeather(bytes, "x.feather", "ohlcv").high[0] === 2);
 * ```
 */
export function parseFeather(bytes: Uint8Array, file: string, kind: FileKind = "ohlcv"): ColumnChunk {
  _registerCodecs();
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new CandlelabError(
      `Cannot import ${file}: not a readable Feather/Arrow IPC file (${(err as Error).message})`,
    );
  }
  const names = table.schema.fields.map((f) => f.name);
  const map = mapColumns(names, kind, file);
  const wanted = kind === "funding"
    ? (["timestamp", "funding_rate"] as const)
    : (["timestamp", "open", "high", "low", "close", "volume"] as const);
  const out: ColumnChunk = {};
  for (const c of wanted) {
    const vec = table.getChild(map[c])!;
    const n = vec.length;
    const arr = new Float64Array(n);
    const raw = vec.toArray() as ArrayLike<number | bigint | string | null>;
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      arr[i] = v === null || v === undefined
        ? NaN
        : c === "timestamp" && typeof v === "string"
        ? parseIsoUtc(v, file, i)
        : Number(v);
      if (c === "timestamp" && !Number.isFinite(arr[i])) {
        throw new CandlelabError(
          `Cannot import ${file}: row ${i} of column ${map[c]} is ${
            JSON.stringify(v === null || v === undefined ? null : String(v))
          }, not a time; every bar needs a timestamp (epoch or ISO text)`,
        );
      }
    }
    out[c] = arr;
  }
  return kind === "funding" ? _normalise(out, true) : _normalise(out);
}

/** Epoch unit -> ms by magnitude (numbers that are not already ms). */
function _normalise(c: ColumnChunk, funding = false): ColumnChunk {
  const ts = c.timestamp;
  let max = 0;
  for (let i = 0; i < ts.length; i++) if (Math.abs(ts[i]) > max) max = Math.abs(ts[i]);
  const f = epochFactorToMs(max);
  if (f !== 1) { for (let i = 0; i < ts.length; i++) ts[i] = Math.round(ts[i] * f); }
  if (funding) return { timestamp: ts, funding_rate: c.funding_rate };
  return c;
}

/** Options of `importBars`. */
export interface ImportOptions {
  format?: ImportFormat;
  kind?: FileKind;
  /** Keep the first of duplicated timestamps instead of failing. @default false */
  allowDuplicates?: boolean;
}

/**
 * Reads a CSV/JSON/Feather file, sorts it by time, refuses duplicates and writes normalised Parquet
 * atomically to `out`. Returns the rows written. The input file is only read.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { importBars } from "./import.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/k.csv`, "1704070800000,2,2,2,2,1,0,0,0,0,0,0\n1704067200000,1,1,1,1,1,0,0,0,0,0,0\n");
 * assert(await importBars(`${dir}/k.csv`, `${dir}/binance_BTC_USDT_spot_1h.parquet`) === 2);
 * ```
 */
export async function importBars(input: string, out: string, options: ImportOptions = {}): Promise<number> {
  const format = options.format ?? detectImportFormat(input);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(input);
  } catch (err) {
    throw new CandlelabError(
      `Cannot import ${input}: the file cannot be read (${(err as Error).message}); check the path`,
    );
  }
  const text = () => new TextDecoder().decode(bytes);
  const cols = format === "binance-csv"
    ? parseBinanceCsv(text(), input)
    : format === "freqtrade-json"
    ? parseFreqtradeJson(text(), input)
    : parseFeather(bytes, input, options.kind ?? "ohlcv");
  if (cols.timestamp.length === 0) throw new CandlelabError(`Cannot import ${input}: it holds no rows`);
  const order = sortOrder(cols.timestamp);
  const sorted: ColumnChunk = {};
  for (const k of Object.keys(cols)) sorted[k] = _take(cols[k], order);
  const ts = sorted.timestamp;
  const keep: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    if (i > 0 && ts[i] === ts[i - 1]) {
      if (!options.allowDuplicates) {
        throw new CandlelabError(
          `Cannot import ${input}: duplicate timestamp ${
            isoTime(ts[i])
          }; deduplicate the source or pass --allow-duplicates to keep the first`,
        );
      }
      continue;
    }
    keep.push(i);
  }
  const final: ColumnChunk = {};
  for (const k of Object.keys(sorted)) {
    final[k] = keep.length === ts.length ? sorted[k] : _take(sorted[k], Uint32Array.from(keep));
  }
  return await writeParquet(out, [final]);
}
