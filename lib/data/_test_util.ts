/**
 * Test helpers for the data layer (not part of the public API).
 *
 * @module
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { sha256File } from "../util/hash.ts";

/**
 * Writes the result of a DuckDB `SELECT` to a Parquet file (for building bad or odd test inputs).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sqlToParquet } from "./_test_util.ts";
 * const dir = await Deno.makeTempDir();
 * await sqlToParquet(`${dir}/a.parquet`, "SELECT 1 AS x");
 * assert((await Deno.stat(`${dir}/a.parquet`)).size > 0);
 * ```
 */
export async function sqlToParquet(path: string, select: string): Promise<void> {
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    await con.run(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

/**
 * SHA-256 and mtime of every file in a folder, to prove a failing call changed nothing on disk.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { snapshotDir } from "./_test_util.ts";
 * const dir = await Deno.makeTempDir();
 * assert(Object.keys(await snapshotDir(dir)).length === 0);
 * ```
 */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile) continue;
    const p = `${dir}/${e.name}`;
    out[e.name] = `${await sha256File(p)}@${(await Deno.stat(p)).mtime?.getTime()}`;
  }
  return out;
}

/**
 * SQL of `n` clean hourly bars from 2024-01-01 (close rising by 1 per bar).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hourlyBarsSql } from "./_test_util.ts";
 * assert(hourlyBarsSql(3).includes("range(3)"));
 * ```
 */
export function hourlyBarsSql(n: number, extra = ""): string {
  return `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i) HOUR AS timestamp, 100.0 + i AS open,
    102.0 + i AS high, 99.0 + i AS low, 101.0 + i AS close, 1.0 + i AS volume ${extra} FROM range(${n}) t(i)`;
}
