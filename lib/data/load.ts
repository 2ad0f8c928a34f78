/**
 * Loading bar files (a file, a folder or a glob of Parquet files) through DuckDB into an Arquero table
 * of Float64Arrays: `timestamp` (UTC ms, bar open) plus `open high low close volume` (or `funding_rate`).
 * The time range is pushed down into SQL; column spellings and epoch units are normalised; rows come out
 * sorted; duplicate timestamps are refused unless allowed.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { basename, dirname, join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { _ident, _lit, type ColumnInfo, type DuckEngine, type EngineKind } from "./duck_engine.ts";
import { openEngine } from "./engine.ts";
import {
  type CanonicalColumn,
  epochFactorToMs,
  isNumericType,
  isTimeType,
  mapColumns,
  requiredColumns,
} from "./columns.ts";
import { type FileKind, parseDatasetFilename } from "./filename.ts";
import { isoTime, parseInterval, parseTime } from "./interval.ts";
import { _take, computeQuality, type QualityReport, sortOrder } from "./quality.ts";

/** A time range; `start` inclusive, `end` exclusive; ISO text or UTC ms. */
export interface TimeRange {
  start?: string | number;
  end?: string | number;
}

/** Options of `loadBars`. */
export interface LoadOptions {
  /** Engine kind or an open engine (left open). @default "native" */
  engine?: EngineKind | DuckEngine;
  range?: TimeRange;
  /** Kind of rows; by default from the file name, else "ohlcv". */
  kind?: FileKind;
  /** Keep the first row of each duplicated timestamp instead of failing. @default false */
  allowDuplicates?: boolean;
  /** Also compute the quality report on the rows in file order. @default false */
  quality?: boolean;
  /** Bar interval for the quality report, e.g. "1h"; by default from the file name or inferred. */
  interval?: string;
}

/** What `loadBars` returns. */
export interface LoadedBars {
  table: ColumnTable;
  files: string[];
  kind: FileKind;
  /** Source columns and DuckDB types. */
  schema: ColumnInfo[];
  /** Canonical column -> source column. */
  columnMap: Partial<Record<CanonicalColumn, string>>;
  /** How the source timestamp was read: a DuckDB time type or an epoch unit. */
  timestampUnit: "time" | "s" | "ms" | "us" | "ns" | "text";
  quality?: QualityReport;
}

/**
 * Expands a file, a folder (its `*.parquet`) or a glob on the file name (`*`, `?`) into sorted paths.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveSources } from "./load.ts";
 * const files = await resolveSources("../shared/data/binance_BTC_USDT_*_1h.parquet");
 * assert(files.length === 2);
 * ```
 */
export async function resolveSources(source: string | string[]): Promise<string[]> {
  if (Array.isArray(source)) return (await Promise.all(source.map((s) => resolveSources(s)))).flat();
  if (/[*?]/.test(basename(source))) {
    const dir = dirname(source);
    const re = new RegExp(
      "^" + basename(source).replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".") +
        "$",
    );
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) if (e.isFile && re.test(e.name)) out.push(join(dir, e.name));
    } catch (err) {
      throw new CandlelabError(
        `Cannot load ${source}: folder ${dir} cannot be read (${(err as Error).message}); check the path`,
      );
    }
    if (out.length === 0) {
      throw new CandlelabError(
        `Cannot load ${source}: no file matches the pattern; check the path and pattern`,
      );
    }
    return out.sort();
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(source);
  } catch {
    throw new CandlelabError(
      `Cannot load ${source}: no such file or folder (working directory ${Deno.cwd()}); check the path`,
    );
  }
  if (info.isDirectory) {
    const out: string[] = [];
    for await (const e of Deno.readDir(source)) {
      if (e.isFile && e.name.endsWith(".parquet") && !e.name.startsWith(".")) out.push(join(source, e.name));
    }
    if (out.length === 0) {
      throw new CandlelabError(`Cannot load ${source}: the folder holds no .parquet file; check the path`);
    }
    return out.sort();
  }
  return [source];
}

/**
 * Checks that a file looks like complete Parquet (magic bytes `PAR1` at both ends) before DuckDB reads
 * it, so an empty, truncated or mislabelled file gets an error that says so.
 *
 * @example
 * ```ts
 * import { assertParquetFile } from "./load.ts";
 * await assertParquetFile("../shared/data/binance_BTC_USDT_perp_8h_funding.parquet");
 * ```
 */
export async function assertParquetFile(path: string): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    throw new CandlelabError(
      `Cannot load ${path}: the file cannot be opened (${(err as Error).message}); check the path`,
    );
  }
  try {
    const size = (await file.stat()).size;
    if (size === 0) {
      throw new CandlelabError(
        `Cannot load ${path}: the file is empty (0 bytes); restore it or re-import it`,
      );
    }
    const head = new Uint8Array(Math.min(64, size));
    await file.read(head);
    const magic = new TextDecoder().decode(head.subarray(0, 4));
    if (magic !== "PAR1") {
      const text = new TextDecoder().decode(head).replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
      const hint = /[,;\t]/.test(text)
        ? " (it looks like CSV text)"
        : text.trimStart().startsWith("[")
        ? " (it looks like JSON)"
        : "";
      throw new CandlelabError(
        `Cannot load ${path}: not a Parquet file, it starts with ${
          JSON.stringify(text)
        }${hint}; convert it with deno task data:import`,
      );
    }
    const tail = new Uint8Array(4);
    if (size < 12) {
      throw new CandlelabError(
        `Cannot load ${path}: truncated Parquet file (${size} bytes, no footer); restore or re-download it`,
      );
    }
    await file.seek(size - 4, Deno.SeekMode.Start);
    await file.read(tail);
    if (new TextDecoder().decode(tail) !== "PAR1") {
      throw new CandlelabError(
        `Cannot load ${path}: truncated or incomplete Parquet file (${size} bytes, no PAR1 footer); restore or re-download it`,
      );
    }
  } finally {
    file.close();
  }
}

function _ms(t: string | number | undefined): number | undefined {
  if (t === undefined || t === null) return undefined;
  return typeof t === "number" ? t : parseTime(t);
}

/** A time of day followed by a UTC offset or Z at the end of a timestamp text (DuckDB regex). */
const _OFFSET_RE = String.raw`\d:\d{2}(:\d{2}(\.\d*)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$`;

/** SQL text of a UTC ms bound compared with the raw timestamp column (so DuckDB can push it down). */
function _bound(type: string, ms: number, factor: number): string {
  const iso = new Date(ms).toISOString().replace("T", " ").replace("Z", "");
  if (/^TIMESTAMP WITH TIME ZONE$|^TIMESTAMPTZ$/i.test(type)) return `TIMESTAMPTZ ${_lit(iso + "+00")}`;
  if (/^TIMESTAMP/i.test(type)) return `TIMESTAMP ${_lit(iso)}`;
  if (/^DATE$/i.test(type)) return `TIMESTAMP ${_lit(iso)}`;
  return String(ms / factor);
}

/**
 * Loads bars from Parquet into an Arquero table of Float64Arrays, sorted by `timestamp` (UTC ms).
 * Several files are concatenated (columns matched by name). Throws a CandlelabError naming the file, the
 * column and the value for missing files, non-Parquet or truncated files, missing columns, text in price
 * columns, duplicate timestamps (unless `allowDuplicates`) and an empty range.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadBars } from "./load.ts";
 * const { table } = await loadBars("../shared/data/binance_BTC_USDT_spot_1h.parquet", {
 *   range: { start: "2018-01-01", end: "2018-01-02" },
 * });
 * assert(table.numRows() === 24 && table.get("open", 0) === 13715.65);
 * ```
 */
export async function loadBars(source: string | string[], options: LoadOptions = {}): Promise<LoadedBars> {
  const files = await resolveSources(source);
  for (const f of files) await assertParquetFile(f);
  const label = files.length === 1 ? files[0] : `${files.length} files (${files[0]}, ...)`;
  const kind: FileKind = options.kind ?? parseDatasetFilename(files[0])?.kind ?? "ohlcv";
  const ownEngine = typeof options.engine !== "object";
  const engine = typeof options.engine === "object"
    ? options.engine
    : await openEngine(options.engine ?? "native");
  try {
    const view = `src_${crypto.randomUUID().replaceAll("-", "")}`;
    try {
      await engine.registerParquet(view, files);
    } catch (err) {
      throw new CandlelabError(
        `Cannot load ${label}: DuckDB cannot read it (${(err as Error).message}); check the file`,
        {
          cause: err,
        },
      );
    }
    const schema = await engine.describe(_ident(view));
    const map = mapColumns(schema.map((c) => c.name), kind, label);
    const typeOf = (name: string) => schema.find((c) => c.name === name)!.type;

    // Timestamp expression and unit.
    const tsCol = _ident(map.timestamp);
    const tsType = typeOf(map.timestamp);
    let tsExpr: string, unit: LoadedBars["timestampUnit"], factor = 1;
    if (isTimeType(tsType)) {
      tsExpr = /^DATE$/i.test(tsType) ? `epoch_ms(CAST(${tsCol} AS TIMESTAMP))` : `epoch_ms(${tsCol})`;
      unit = "time";
    } else if (isNumericType(tsType)) {
      const [{ m }] = await engine.queryRows(
        `SELECT CAST(max(abs(${tsCol})) AS DOUBLE) AS m FROM ${_ident(view)}`,
      );
      factor = epochFactorToMs(Number(m));
      unit = factor === 1000 ? "s" : factor === 1 ? "ms" : factor === 1e-3 ? "us" : "ns";
      tsExpr = factor === 1 ? `CAST(${tsCol} AS DOUBLE)` : `(CAST(${tsCol} AS DOUBLE) * ${factor})`;
    } else {
      const bad = await engine.queryRows(
        `SELECT CAST(${tsCol} AS VARCHAR) AS v FROM ${
          _ident(view)
        } WHERE ${tsCol} IS NOT NULL AND TRY_CAST(${tsCol} AS TIMESTAMP) IS NULL LIMIT 1`,
      );
      if (bad.length > 0) {
        throw new CandlelabError(
          `Cannot load ${label}: column ${map.timestamp} (type ${tsType}) holds ${
            JSON.stringify(bad[0].v)
          }, not a time; ` +
            `store timestamps as TIMESTAMP or epoch ms`,
        );
      }
      // Text with a UTC offset ("2024-01-01T08:00:00+08:00") is converted to UTC; CAST AS TIMESTAMP alone
      // would drop the offset and move every bar. Text without one is read as UTC.
      const txt = `CAST(${tsCol} AS VARCHAR)`;
      tsExpr =
        `(CASE WHEN regexp_matches(${txt}, '${_OFFSET_RE}') THEN epoch_ms(CAST(${txt} AS TIMESTAMPTZ)) ` +
        `ELSE epoch_ms(CAST(${tsCol} AS TIMESTAMP)) END)`;
      unit = "text";
    }

    // Value columns: numbers only.
    const valueCols = requiredColumns(kind).filter((c) => c !== "timestamp");
    for (const c of valueCols) {
      const type = typeOf(map[c]);
      if (isNumericType(type)) continue;
      const bad = await engine.queryRows(
        `SELECT CAST(${_ident(map[c])} AS VARCHAR) AS v, count(*) OVER () AS n FROM ${_ident(view)} WHERE ${
          _ident(map[c])
        } IS NOT NULL AND TRY_CAST(${_ident(map[c])} AS DOUBLE) IS NULL LIMIT 1`,
      );
      if (bad.length > 0 || !/^VARCHAR$/i.test(type)) {
        throw new CandlelabError(
          `Cannot load ${label}: column ${map[c]} (${c}) has type ${type}` +
            (bad.length > 0 ? ` and holds ${JSON.stringify(bad[0].v)} (${bad[0].n} such values)` : "") +
            `; prices and volumes must be numbers: fix the source or re-import it with deno task data:import`,
        );
      }
    }

    // Range, pushed down on the raw column where possible.
    const start = _ms(options.range?.start), end = _ms(options.range?.end);
    if (start !== undefined && end !== undefined && !(start < end)) {
      throw new CandlelabError(
        `Cannot load ${label}: range start ${isoTime(start)} is not before end ${
          isoTime(end)
        }; fix the range`,
      );
    }
    const where: string[] = [];
    const raw = unit === "text" ? tsExpr : tsCol;
    if (start !== undefined) {
      where.push(`${raw} >= ${unit === "text" ? start : _bound(tsType, start, factor)}`);
    }
    if (end !== undefined) where.push(`${raw} < ${unit === "text" ? end : _bound(tsType, end, factor)}`);
    const select = [
      `${tsExpr} AS timestamp`,
      ...valueCols.map((c) => `CAST(${_ident(map[c])} AS DOUBLE) AS ${c}`),
    ];
    const sql = `SELECT ${select.join(", ")} FROM ${_ident(view)}${
      where.length ? ` WHERE ${where.join(" AND ")}` : ""
    }`;
    let res;
    try {
      res = await engine.queryNumeric(sql);
    } catch (err) {
      throw new CandlelabError(`Cannot load ${label}: the query failed (${(err as Error).message})`, {
        cause: err,
      });
    }
    if (res.rows === 0) {
      const [span] = await engine.queryRows(
        `SELECT CAST(min(${tsExpr}) AS DOUBLE) AS lo, CAST(max(${tsExpr}) AS DOUBLE) AS hi, count(*) AS n FROM ${
          _ident(view)
        }`,
      );
      const inRange = `[${start === undefined ? "-" : isoTime(start)}, ${
        end === undefined ? "-" : isoTime(end)
      })`;
      throw new CandlelabError(
        Number(span.n) === 0
          ? `Cannot load ${label}: the file has no rows; re-import or regenerate it`
          : `Cannot load ${label}: no rows in the range ${inRange}; the data covers ${
            isoTime(Number(span.lo))
          } to ${isoTime(Number(span.hi))}; widen or move the range`,
      );
    }

    const names = res.names;
    const colsRaw: Record<string, Float64Array> = {};
    names.forEach((nm, i) => (colsRaw[nm] = res.columns[i]));
    const fileInfo = parseDatasetFilename(files[0]);
    const intervalText = options.interval ?? fileInfo?.interval;
    const quality = options.quality
      ? computeQuality({
        timestamp: colsRaw.timestamp,
        columns: colsRaw,
        kind,
        intervalMs: intervalText ? parseInterval(intervalText) : undefined,
        file: label,
      })
      : undefined;

    const order = sortOrder(colsRaw.timestamp);
    const sorted: Record<string, Float64Array> = {};
    for (const nm of names) sorted[nm] = _take(colsRaw[nm], order);
    const ts = sorted.timestamp;
    let dups = 0, firstDup = NaN;
    for (let i = 1; i < ts.length; i++) {
      if (ts[i] === ts[i - 1]) {
        if (dups++ === 0) firstDup = ts[i];
      }
    }
    if (Number.isNaN(ts[ts.length - 1])) {
      throw new CandlelabError(
        `Cannot load ${label}: column ${map.timestamp} has null values; remove those rows at the source`,
      );
    }
    if (dups > 0) {
      if (!options.allowDuplicates) {
        throw new CandlelabError(
          `Cannot load ${label}: column ${map.timestamp} has ${dups} duplicate timestamps, the first ${
            isoTime(firstDup)
          }; deduplicate the file, or pass allowDuplicates: true to keep the first row of each`,
        );
      }
      const keep = new Uint32Array(ts.length - dups);
      let k = 0;
      for (let i = 0; i < ts.length; i++) if (i === 0 || ts[i] !== ts[i - 1]) keep[k++] = i;
      for (const nm of names) sorted[nm] = _take(sorted[nm], keep);
    }
    return {
      table: aq.table(sorted),
      files,
      kind,
      schema,
      columnMap: map,
      timestampUnit: unit,
      quality,
    };
  } catch (err) {
    if (err instanceof CandlelabError) throw err;
    // any engine error (e.g. invalid UTF-8 in a damaged file) reaches the user naming the file
    throw new CandlelabError(
      `Cannot load ${label}: DuckDB failed while reading it (${(err as Error).message}); ` +
        `the file is damaged or not what its name says: restore or re-import it with deno task data:import`,
      { cause: err },
    );
  } finally {
    if (ownEngine) await engine.close();
  }
}
