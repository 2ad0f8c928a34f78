/**
 * The SQLite index of the registry (models/index.sqlite): derived from the metadata JSON files, which
 * stay the truth. Every query first refreshes it: files added, changed (mtime or size) or removed since
 * the last look are re-read, so a missing, stale or corrupt index rebuilds itself. WAL mode and a busy
 * timeout let several processes save and query at once.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { type ModelMetadata, ModelMetadataSchema } from "./metadata.ts";

/** Schema version of the index; a different one is dropped and rebuilt. */
export const INDEX_VERSION = 1;
/** How long a writer waits for another process's lock (ms). */
export const BUSY_TIMEOUT_MS = 30_000;

/** A metadata file the index could not take, and why. */
export interface IndexProblem {
  file: string;
  reason: string;
}

/** What a refresh did. */
export interface RefreshResult {
  added: number;
  updated: number;
  removed: number;
  total: number;
  problems: IndexProblem[];
}

const _SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  id TEXT PRIMARY KEY, strategy TEXT NOT NULL, asset TEXT NOT NULL, market TEXT NOT NULL,
  interval TEXT NOT NULL, model_kind TEXT NOT NULL, feature_set TEXT, feature_hash TEXT,
  train_start REAL, train_end REAL, created TEXT NOT NULL, parent TEXT, seed INTEGER,
  commit_sha TEXT, artifact_sha256 TEXT NOT NULL, meta_mtime REAL, meta_size INTEGER, meta_json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS models_strategy ON models (strategy, created);
CREATE TABLE IF NOT EXISTS metrics (id TEXT NOT NULL, name TEXT NOT NULL, value REAL, PRIMARY KEY (id, name));
CREATE INDEX IF NOT EXISTS metrics_name ON metrics (name, value);
CREATE TABLE IF NOT EXISTS datasets (id TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT, PRIMARY KEY (id, sha256));
CREATE INDEX IF NOT EXISTS datasets_sha ON datasets (sha256);
CREATE TABLE IF NOT EXISTS problems (file TEXT PRIMARY KEY, reason TEXT, meta_mtime REAL, meta_size INTEGER);
`;

/**
 * Path of the index database under a registry root.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { indexPath } from "./index_db.ts";
 * assert(indexPath("models") === "models/index.sqlite");
 * ```
 */
export function indexPath(root: string): string {
  return join(root, "index.sqlite");
}

function _open(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    const v = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
    _tx(db, () => {
      if (v !== INDEX_VERSION) {
        for (const t of ["models", "metrics", "datasets", "problems"]) db.exec(`DROP TABLE IF EXISTS ${t}`);
      }
      db.exec(_SCHEMA);
      if (v !== INDEX_VERSION) db.exec(`PRAGMA user_version = ${INDEX_VERSION}`);
    });
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function _isCorrupt(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return /not a database|malformed|corrupt/i.test(m);
}

/**
 * Opens (creating if needed) the index of the registry at `root` and refreshes it from the JSON files.
 * A corrupt index file is deleted and rebuilt. The caller closes the handle.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openIndex } from "./index_db.ts";
 * const root = await Deno.makeTempDir();
 * const { db, refresh } = await openIndex(root);
 * assert(refresh.total === 0);
 * db.close();
 * ```
 */
export async function openIndex(root: string): Promise<{ db: DatabaseSync; refresh: RefreshResult }> {
  await Deno.mkdir(root, { recursive: true });
  const path = indexPath(root);
  let db: DatabaseSync;
  try {
    db = _open(path);
  } catch (err) {
    if (!_isCorrupt(err)) throw _wrap(err, path);
    for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(path + suffix).catch(() => {});
    db = _open(path);
  }
  try {
    return { db, refresh: await refreshIndex(db, root) };
  } catch (err) {
    db.close();
    throw _wrap(err, path);
  }
}

function _wrap(err: unknown, path: string): Error {
  if (err instanceof CandlelabError) return err;
  return new CandlelabError(
    `Cannot open the registry index ${path}: ${(err as Error).message}; ` +
      `delete it and run \`deno task registry:reindex\` (the JSON files are the truth)`,
    { cause: err },
  );
}

function _tx<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}

interface _FileState {
  file: string;
  id: string;
  mtime: number;
  size: number;
}

async function _listMetadata(root: string): Promise<_FileState[]> {
  const dir = join(root, "metadata");
  const out: _FileState[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".json") || e.name.startsWith(".")) continue;
      const st = await Deno.stat(join(dir, e.name)).catch(() => null);
      if (!st) continue; // removed meanwhile
      out.push({
        file: join(dir, e.name),
        id: e.name.slice(0, -5),
        mtime: st.mtime?.getTime() ?? 0,
        size: st.size,
      });
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out;
}

/**
 * Parses and validates a metadata file's text; throws a CandlelabError naming the file and the fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseMetadata } from "./index_db.ts";
 * try { parseMetadata("{}", "x.json"); } catch (e) { assert(String(e).includes("x.json")); }
 * ```
 */
export function parseMetadata(text: string, file: string): ModelMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read model metadata ${file}: not valid JSON (${
        (err as Error).message
      }); restore it or delete the model`,
    );
  }
  const r = ModelMetadataSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new CandlelabError(
      `Cannot read model metadata ${file}: ${issues}; restore the file or delete the model`,
    );
  }
  return r.data;
}

/**
 * Brings the index in line with the metadata files: (re)reads new or changed files, drops removed ones.
 * Invalid files are listed in `problems`, not indexed.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openIndex, refreshIndex } from "./index_db.ts";
 * const root = await Deno.makeTempDir();
 * const { db } = await openIndex(root);
 * assert((await refreshIndex(db, root)).added === 0);
 * db.close();
 * ```
 */
export async function refreshIndex(db: DatabaseSync, root: string, full = false): Promise<RefreshResult> {
  const files = await _listMetadata(root);
  const known = new Map<string, { mtime: number; size: number }>();
  for (const r of db.prepare("SELECT id, meta_mtime AS mtime, meta_size AS size FROM models").all()) {
    known.set(String(r.id), { mtime: Number(r.mtime), size: Number(r.size) });
  }
  const knownProblems = new Map<string, { mtime: number; size: number }>();
  for (const r of db.prepare("SELECT file, meta_mtime AS mtime, meta_size AS size FROM problems").all()) {
    knownProblems.set(String(r.file), { mtime: Number(r.mtime), size: Number(r.size) });
  }
  const changed = files.filter((f) => {
    const k = known.get(f.id) ?? knownProblems.get(f.file);
    return full || !k || k.mtime !== f.mtime || k.size !== f.size;
  });
  const present = new Set(files.map((f) => f.id));
  const removed = [...known.keys()].filter((id) => !present.has(id));
  const presentFiles = new Set(files.map((f) => f.file));
  const goneProblems = [...knownProblems.keys()].filter((f) => !presentFiles.has(f));
  // Read the files before taking the write lock.
  const parsed: { f: _FileState; meta?: ModelMetadata; reason?: string }[] = [];
  for (const f of changed) {
    try {
      const meta = parseMetadata(await Deno.readTextFile(f.file), f.file);
      if (meta.id !== f.id) throw new CandlelabError(`id "${meta.id}" inside does not match the file name`);
      parsed.push({ f, meta });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      parsed.push({ f, reason: (err as Error).message });
    }
  }
  let added = 0, updated = 0;
  if (full || parsed.length || removed.length || goneProblems.length) {
    _tx(db, () => {
      if (full) {
        for (const t of ["models", "metrics", "datasets", "problems"]) db.exec(`DELETE FROM ${t}`);
      }
      for (const id of removed) _delete(db, id);
      for (const f of goneProblems) db.prepare("DELETE FROM problems WHERE file = ?").run(f);
      for (const p of parsed) {
        if (p.meta) {
          if (known.has(p.f.id)) updated++;
          else added++;
          upsertMetadata(db, p.meta, p.f.mtime, p.f.size);
          db.prepare("DELETE FROM problems WHERE file = ?").run(p.f.file);
        } else {
          _delete(db, p.f.id);
          db.prepare("INSERT OR REPLACE INTO problems VALUES (?, ?, ?, ?)").run(
            p.f.file,
            p.reason!,
            p.f.mtime,
            p.f.size,
          );
        }
      }
    });
  }
  const problems = db.prepare("SELECT file, reason FROM problems ORDER BY file").all()
    .map((r) => ({ file: String(r.file), reason: String(r.reason) }));
  const total = Number((db.prepare("SELECT count(*) AS n FROM models").get() as { n: number }).n);
  return { added, updated, removed: removed.length, total, problems };
}

function _delete(db: DatabaseSync, id: string): void {
  for (const t of ["models", "metrics", "datasets"]) db.prepare(`DELETE FROM ${t} WHERE id = ?`).run(id);
}

/**
 * Writes one model's row (and its metrics and datasets) into the index, replacing any old one.
 * `mtime`/`size` are those of its metadata file (what the next refresh compares).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { upsertMetadata } from "./index_db.ts";
 * assert(typeof upsertMetadata === "function");
 * ```
 */
export function upsertMetadata(db: DatabaseSync, m: ModelMetadata, mtime: number, size: number): void {
  _delete(db, m.id);
  db.prepare(
    `INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.id,
    m.strategy,
    m.asset,
    m.market,
    m.interval,
    m.model.kind,
    m.features.set,
    m.features.hash,
    m.training.start,
    m.training.end,
    m.created,
    m.parent,
    m.seed,
    m.code.commit,
    m.artifact.sha256,
    mtime,
    size,
    JSON.stringify(m),
  );
  const metric = db.prepare("INSERT INTO metrics VALUES (?, ?, ?)");
  for (const [name, value] of Object.entries(m.metrics)) metric.run(m.id, name, value);
  const ds = db.prepare("INSERT OR IGNORE INTO datasets VALUES (?, ?, ?)");
  for (const d of m.datasets) ds.run(m.id, d.sha256, d.path);
}

/**
 * Rebuilds the index from scratch from the JSON files in one transaction (readers never see it empty);
 * what `deno task registry:reindex` runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { reindex } from "./index_db.ts";
 * const root = await Deno.makeTempDir();
 * assert((await reindex(root)).total === 0);
 * ```
 */
export async function reindex(root: string): Promise<RefreshResult> {
  const { db } = await openIndex(root);
  try {
    return await refreshIndex(db, root, true);
  } finally {
    db.close();
  }
}
