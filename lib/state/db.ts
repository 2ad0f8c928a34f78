/**
 * The state database (ADR-005): SQLite through `node:sqlite`, WAL journal, a busy timeout, one
 * transaction per write. Stores runs, signals, positions, trades, events and the engine state per
 * (run, strategy).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { CandlelabError } from "../util/errors.ts";

/** An open state database. */
export interface StateDb {
  readonly path: string;
  readonly db: DatabaseSync;
  readonly busyTimeoutMs: number;
}

const _SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (run_id TEXT NOT NULL, strategy TEXT NOT NULL, config TEXT NOT NULL,
  created_at TEXT NOT NULL, PRIMARY KEY (run_id, strategy));
CREATE TABLE IF NOT EXISTS state (run_id TEXT NOT NULL, strategy TEXT NOT NULL, last_bar INTEGER NOT NULL,
  last_time REAL NOT NULL, json TEXT NOT NULL, PRIMARY KEY (run_id, strategy));
CREATE TABLE IF NOT EXISTS signals (run_id TEXT NOT NULL, strategy TEXT NOT NULL, bar INTEGER NOT NULL,
  time REAL NOT NULL, p_short REAL, p_neutral REAL, p_long REAL, target REAL NOT NULL,
  PRIMARY KEY (run_id, strategy, bar));
CREATE TABLE IF NOT EXISTS positions (run_id TEXT NOT NULL, strategy TEXT NOT NULL, bar INTEGER NOT NULL,
  time REAL NOT NULL, qty REAL NOT NULL, equity REAL NOT NULL, PRIMARY KEY (run_id, strategy, bar));
CREATE TABLE IF NOT EXISTS trades (run_id TEXT NOT NULL, strategy TEXT NOT NULL, seq INTEGER NOT NULL,
  json TEXT NOT NULL, net REAL NOT NULL, exit_reason TEXT NOT NULL, PRIMARY KEY (run_id, strategy, seq));
CREATE TABLE IF NOT EXISTS events (run_id TEXT NOT NULL, strategy TEXT NOT NULL, bar INTEGER NOT NULL,
  kind TEXT NOT NULL, time REAL NOT NULL, value REAL);
`;

/**
 * Opens (creating if needed) a state database. A writer that finds the file locked by another
 * connection waits up to `busyTimeoutMs`, then fails with an error naming the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeStateDb, openStateDb } from "./db.ts";
 * const dir = await Deno.makeTempDir();
 * const s = openStateDb(`${dir}/state.db`);
 * assert.equal((s.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode, "wal");
 * closeStateDb(s);
 * ```
 */
export function openStateDb(path: string, options: { busyTimeoutMs?: number } = {}): StateDb {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new CandlelabError(
      `Cannot open state database ${path}: ${
        (err as Error).message
      }; check the folder exists and is writable`,
    );
  }
  const s: StateDb = { path, db, busyTimeoutMs };
  _guard(s, "open", () => {
    db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    db.exec(_SCHEMA);
  });
  return s;
}

/**
 * Closes the database.
 *
 * @example
 * ```ts
 * import { closeStateDb, openStateDb } from "./db.ts";
 * closeStateDb(openStateDb(":memory:"));
 * ```
 */
export function closeStateDb(s: StateDb): void {
  if (s.db.isOpen) s.db.close();
}

/**
 * Runs `fn` inside one `BEGIN IMMEDIATE` transaction: all of it is committed, or none of it.
 * A lock held too long by another process becomes a CandlelabError naming the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStateDb, transaction } from "./db.ts";
 * const s = openStateDb(":memory:");
 * assert.throws(() => transaction(s, "demo", () => {
 *   s.db.exec("INSERT INTO events VALUES ('r', 's', 0, 'x', 0, 1)");
 *   throw new Error("boom");
 * }));
 * assert.equal((s.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n, 0);
 * ```
 */
export function transaction<T>(s: StateDb, what: string, fn: () => T): T {
  return _guard(s, what, () => {
    s.db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      s.db.exec("COMMIT");
      return out;
    } catch (err) {
      if (s.db.isTransaction) s.db.exec("ROLLBACK");
      throw err;
    }
  });
}

function _guard<T>(s: StateDb, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/locked|busy/i.test(msg)) {
      throw new CandlelabError(
        `Cannot ${what} state database ${s.path}: it is locked by another connection or process (waited busy_timeout ${s.busyTimeoutMs} ms: ${msg}); wait for the other run to finish, raise busyTimeoutMs, or use another database file`,
        { cause: err },
      );
    }
    throw err;
  }
}
