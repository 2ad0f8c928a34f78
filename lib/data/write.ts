/**
 * Writing bar columns to Parquet through native DuckDB, atomically (temp file in the same folder, then
 * rename). `timestamp` (UTC ms) is stored as TIMESTAMP WITH TIME ZONE (Parquet TIMESTAMP, UTC-adjusted),
 * other columns as DOUBLE, zstd-compressed; big inputs go through part files so memory stays bounded.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { CandlelabError } from "../util/errors.ts";
import { _ident, _lit } from "./duck_engine.ts";

/** Columns of one chunk: `timestamp` (UTC ms) plus DOUBLE columns, all the same length. */
export type ColumnChunk = Record<string, Float64Array>;

/**
 * Writes chunks of columns (an array or async iterable) to one Parquet file atomically; returns rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeParquet } from "./write.ts";
 * import { loadBars } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * const ts = Float64Array.from([0, 60_000]).map((x) => x + Date.UTC(2024, 0, 1));
 * const one = new Float64Array([1, 1]);
 * await writeParquet(`${dir}/x.parquet`, [{ timestamp: ts, open: one, high: one, low: one, close: one, volume: one }]);
 * assert((await loadBars(`${dir}/x.parquet`)).table.get("timestamp", 1) === ts[1]);
 * ```
 */
export async function writeParquet(
  path: string,
  chunks: Iterable<ColumnChunk> | AsyncIterable<ColumnChunk>,
): Promise<number> {
  await Deno.mkdir(dirname(path) || ".", { recursive: true });
  const rand = crypto.randomUUID().slice(0, 8);
  const tmp = join(dirname(path), `.${rand}.parquet.tmp`);
  const partDir = await Deno.makeTempDir({ dir: dirname(path) || ".", prefix: `.${rand}.parts.` });
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  let rows = 0;
  const parts: string[] = [];
  let names: string[] | undefined;
  try {
    await con.run("SET TimeZone = 'UTC'").catch(() => {});
    for await (const chunk of chunks as AsyncIterable<ColumnChunk>) {
      const cols = Object.keys(chunk);
      if (!names) {
        names = cols;
        if (names[0] !== "timestamp") {
          throw new CandlelabError(
            `Cannot write ${path}: the first column must be timestamp, current columns are [${
              cols.join(", ")
            }]`,
          );
        }
      } else if (cols.join() !== names.join()) {
        throw new CandlelabError(
          `Cannot write ${path}: chunk columns [${cols.join(", ")}] differ from the first chunk's [${
            names.join(", ")
          }]`,
        );
      }
      const n = chunk.timestamp.length;
      await con.run(`CREATE OR REPLACE TABLE chunk (${names.map((c) => `${_ident(c)} DOUBLE`).join(", ")})`);
      const app = await con.createAppender("chunk");
      const arrays = names.map((c) => chunk[c]);
      for (const a of arrays) {
        if (a.length !== n) {
          throw new CandlelabError(
            `Cannot write ${path}: columns have different lengths (${a.length} vs ${n})`,
          );
        }
      }
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < arrays.length; c++) {
          const v = arrays[c][i];
          if (Number.isNaN(v)) app.appendNull();
          else app.appendDouble(v);
        }
        app.endRow();
      }
      app.flushSync();
      app.closeSync();
      const part = join(partDir, `part-${String(parts.length).padStart(5, "0")}.parquet`);
      const select = names.map((c) =>
        c === "timestamp"
          ? `CAST(make_timestamp(CAST(timestamp AS BIGINT) * 1000) AS TIMESTAMPTZ) AS timestamp`
          : _ident(c)
      );
      await con.run(
        `COPY (SELECT ${select.join(", ")} FROM chunk) TO ${_lit(part)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await con.run("DROP TABLE chunk");
      parts.push(part);
      rows += n;
    }
    if (parts.length === 0) throw new CandlelabError(`Cannot write ${path}: no rows given`);
    await con.run(
      `COPY (SELECT * FROM read_parquet([${parts.map(_lit).join(", ")}])) TO ${
        _lit(tmp)
      } (FORMAT parquet, COMPRESSION zstd)`,
    );
    await Deno.rename(tmp, path);
    return rows;
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  } finally {
    con.closeSync();
    instance.closeSync();
    await Deno.remove(partDir, { recursive: true }).catch(() => {});
  }
}
