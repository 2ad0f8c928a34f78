/**
 * The feature cache (ADR-006, ADR-014): computed feature columns stored under
 * `data/cache/features/<key>.arrow` (Arrow IPC file: `timestamp` + the set's columns, float64) with a
 * sidecar `<key>.json` holding the content SHA-256, byte size and provenance.
 *
 * Key = SHA-256 of canonical JSON of { dataset hashes, resolved feature-set spec (params with defaults),
 * feature code version, explicit market/timing options }. The code version is a hash of the lib/features source files (not a constant to
 * bump): any edit to a feature invalidates its cached tables. Files are written atomically (temp + rename);
 * a cache file whose size, hash or decoded shape does not match its sidecar is logged as corrupt, deleted
 * and recomputed, never trusted.
 *
 * @module
 */
import { tableFromArrays, tableFromIPC, tableToIPC } from "@uwdata/flechette";
import type { ColumnTable } from "arquero";
import { canonicalJson, sha256 } from "../util/hash.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { CandlelabError } from "../util/errors.ts";
import { computeFeatureColumns, type ComputeOptions, type FeatureSet } from "./set.ts";
import { float64Column } from "../series/columns.ts";

/** Default cache folder, relative to the repository root. */
export const FEATURE_CACHE_DIR = "data/cache/features";
/** Version of the sidecar format. */
export const CACHE_FORMAT_VERSION = 1;

/** One cache event, passed to the caller's logger. */
export interface CacheEvent {
  event: "hit" | "miss" | "corrupt" | "write";
  key: string;
  path: string;
  reason?: string;
}

/** Sidecar of a cache entry. */
export interface CacheSidecar {
  formatVersion: number;
  key: string;
  sha256: string;
  bytes: number;
  rows: number;
  columns: string[];
  datasetHashes: string[];
  featureSet: unknown;
  codeVersion: string;
  createdAt: string;
}

/**
 * Hash of the feature code: SHA-256 over the names and contents of the `.ts` files of lib/features
 * (tests and test helpers excluded), sorted by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { featureCodeVersion } from "./cache.ts";
 * assert((await featureCodeVersion()).length === 64);
 * ```
 */
export async function featureCodeVersion(dir: URL = new URL("./", import.meta.url)): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.endsWith("_test.ts") && e.name !== "_testdata.ts") {
      names.push(e.name);
    }
  }
  names.sort();
  const parts: string[] = [];
  for (const n of names) parts.push(n, await Deno.readTextFile(new URL(n, dir)));
  return sha256(parts.join("\u0000"));
}

/**
 * The content key of a feature table (64 hex digits).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { featureCacheKey } from "./cache.ts";
 * import { resolveFeatureSet } from "./set.ts";
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "rsi" }] });
 * const k = featureCacheKey({ datasetHashes: ["ab"], set, codeVersion: "v" });
 * assert(k.length === 64 && k !== featureCacheKey({ datasetHashes: ["cd"], set, codeVersion: "v" }));
 * ```
 */
export function featureCacheKey(
  args: { datasetHashes: string[]; set: FeatureSet; codeVersion: string; options?: ComputeOptions },
): string {
  return sha256(canonicalJson({
    datasetHashes: args.datasetHashes,
    featureSet: args.set.spec.features,
    codeVersion: args.codeVersion,
    options: { market: args.options?.market, timing: args.options?.timing },
  }));
}

function _encode(columns: Record<string, Float64Array>): Uint8Array {
  const bytes = tableToIPC(tableFromArrays(columns), { format: "file" });
  if (!bytes) throw new CandlelabError("Cannot write feature cache: Arrow encoder returned no bytes");
  return bytes;
}

function _decode(bytes: Uint8Array, side: CacheSidecar): Record<string, Float64Array> {
  const t = tableFromIPC(bytes);
  const out: Record<string, Float64Array> = {};
  for (const name of side.columns) {
    const col = t.getChild(name);
    const arr = col.toArray();
    if (!(arr instanceof Float64Array) || arr.length !== side.rows) {
      throw new Error(`column ${name} decoded as ${arr?.constructor?.name} of length ${arr?.length}`);
    }
    out[name] = arr;
  }
  return out;
}

async function _tryRead(
  arrowPath: string,
  sidePath: string,
  key: string,
): Promise<{ columns?: Record<string, Float64Array>; reason?: string; corrupt: boolean }> {
  let side: CacheSidecar;
  try {
    side = JSON.parse(await Deno.readTextFile(sidePath));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { corrupt: false, reason: "not cached" };
    return { corrupt: true, reason: `sidecar unreadable: ${(err as Error).message}` };
  }
  if (side.formatVersion !== CACHE_FORMAT_VERSION || side.key !== key) {
    return { corrupt: true, reason: `sidecar format ${side.formatVersion} / key ${side.key} do not match` };
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(arrowPath);
  } catch (err) {
    return { corrupt: true, reason: `data file unreadable: ${(err as Error).message}` };
  }
  if (bytes.length !== side.bytes) {
    return { corrupt: true, reason: `size ${bytes.length} bytes, sidecar says ${side.bytes} (truncated?)` };
  }
  const digest = sha256(bytes);
  if (digest !== side.sha256) {
    return { corrupt: true, reason: `SHA-256 ${digest.slice(0, 12)} != ${side.sha256.slice(0, 12)}` };
  }
  try {
    return { corrupt: false, columns: _decode(bytes, side) };
  } catch (err) {
    return { corrupt: true, reason: `cannot decode: ${(err as Error).message}` };
  }
}

/** Arguments of `cachedFeatureColumns`. */
export interface CachedFeatureArgs extends ComputeOptions {
  table: ColumnTable;
  /** SHA-256 of every source file of the table (Dataset.sources[].sha256). */
  datasetHashes: string[];
  set: FeatureSet;
  /** Cache folder (default `data/cache/features`). */
  dir?: string;
  /** Receives hit / miss / corrupt / write events (no global logger). */
  log?: (e: CacheEvent) => void;
  /** Override of the code version (default: `featureCodeVersion()`). */
  codeVersion?: string;
}

/**
 * Feature columns (`timestamp` first, then the set's columns) from the cache, or computed and stored.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { cachedFeatureColumns } from "./cache.ts";
 * import { resolveFeatureSet } from "./set.ts";
 * const close = new Float64Array(50).map((_, i) => 100 + i);
 * const table = aq.table({ timestamp: close.map((_, i) => i * 60000), close });
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "log_return" }] });
 * const dir = await Deno.makeTempDir();
 * const a = await cachedFeatureColumns({ table, set, datasetHashes: ["x"], dir });
 * const b = await cachedFeatureColumns({ table, set, datasetHashes: ["x"], dir });
 * assert(!a.hit && b.hit && b.columns.ret_1[3] === a.columns.ret_1[3]);
 * ```
 */
export async function cachedFeatureColumns(
  args: CachedFeatureArgs,
): Promise<{ columns: Record<string, Float64Array>; key: string; hit: boolean; path: string }> {
  const dir = args.dir ?? FEATURE_CACHE_DIR;
  const log = args.log ?? (() => {});
  const codeVersion = args.codeVersion ?? await featureCodeVersion();
  const key = featureCacheKey({
    datasetHashes: args.datasetHashes,
    set: args.set,
    codeVersion,
    options: { market: args.market, timing: args.timing },
  });
  const path = `${dir}/${key}.arrow`;
  const sidePath = `${dir}/${key}.json`;
  const got = await _tryRead(path, sidePath, key);
  const ts = float64Column(args.table, "timestamp");
  if (got.columns) {
    const c = got.columns.timestamp;
    if (c.length === ts.length && c[0] === ts[0] && c[c.length - 1] === ts[ts.length - 1]) {
      log({ event: "hit", key, path });
      return { columns: got.columns, key, hit: true, path };
    }
    got.corrupt = true;
    got.reason = `cached rows (${c.length}) do not match the table (${ts.length})`;
  }
  if (got.corrupt) {
    log({ event: "corrupt", key, path, reason: got.reason });
    await Deno.remove(path).catch(() => {});
    await Deno.remove(sidePath).catch(() => {});
  } else {
    log({ event: "miss", key, path, reason: got.reason });
  }
  const columns: Record<string, Float64Array> = {
    timestamp: ts,
    ...computeFeatureColumns(args.table, args.set, args),
  };
  const bytes = _encode(columns);
  const side: CacheSidecar = {
    formatVersion: CACHE_FORMAT_VERSION,
    key,
    sha256: sha256(bytes),
    bytes: bytes.length,
    rows: ts.length,
    columns: Object.keys(columns),
    datasetHashes: args.datasetHashes,
    featureSet: args.set.spec,
    codeVersion,
    createdAt: new Date().toISOString(),
  };
  await writeFileAtomic(path, bytes);
  await writeJsonAtomic(sidePath, side);
  log({ event: "write", key, path });
  return { columns, key, hit: false, path };
}

/** Which cache entries `clearFeatureCache` removes (all when both are absent). */
export interface ClearOptions {
  dir?: string;
  /** Only entries created more than this many ms before `now`. */
  olderThanMs?: number;
  /** Only entries built from a dataset whose SHA-256 starts with this prefix. */
  datasetPrefix?: string;
  now?: number;
}

/**
 * Deletes cache entries (data file and sidecar; orphans and temp files too when no dataset filter is given).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { clearFeatureCache } from "./cache.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/k.json`, JSON.stringify({ datasetHashes: ["ab12"], createdAt: "2020-01-01T00:00:00Z" }));
 * await Deno.writeTextFile(`${dir}/k.arrow`, "x");
 * assert((await clearFeatureCache({ dir, datasetPrefix: "ab" })).length === 2);
 * ```
 */
export async function clearFeatureCache(options: ClearOptions = {}): Promise<string[]> {
  const dir = options.dir ?? FEATURE_CACHE_DIR;
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  const files: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isFile) files.push(e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return removed;
    throw err;
  }
  const keys = new Set(files.filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)));
  const remove = async (name: string) => {
    await Deno.remove(`${dir}/${name}`).catch(() => {});
    removed.push(`${dir}/${name}`);
  };
  for (const key of keys) {
    let side: Partial<CacheSidecar> = {};
    try {
      side = JSON.parse(await Deno.readTextFile(`${dir}/${key}.json`));
    } catch { /* unreadable sidecar: only removed when not filtering by dataset */ }
    let created = Date.parse(side.createdAt ?? "");
    if (!Number.isFinite(created)) created = (await Deno.stat(`${dir}/${key}.json`)).mtime?.getTime() ?? now;
    if (options.olderThanMs !== undefined && now - created <= options.olderThanMs) continue;
    if (
      options.datasetPrefix !== undefined &&
      !(side.datasetHashes ?? []).some((h) => h.startsWith(options.datasetPrefix!))
    ) continue;
    for (const name of [`${key}.arrow`, `${key}.json`]) if (files.includes(name)) await remove(name);
  }
  if (options.datasetPrefix === undefined) {
    for (const name of files) {
      const base = name.replace(/\.(arrow|json)$/, "");
      if (keys.has(base) || removed.includes(`${dir}/${name}`)) continue;
      const mtime = (await Deno.stat(`${dir}/${name}`)).mtime?.getTime() ?? now;
      if (options.olderThanMs === undefined || now - mtime > options.olderThanMs) await remove(name);
    }
  }
  return removed;
}
