/**
 * The lockbox ledger: one SQLite file (default `experiments/holdout.sqlite`) with a row per opening of a
 * strategy's hold-out — time, run id, what opened it (an experiment or `evaluate`), the lockbox period and
 * the config hash. WAL journal, a busy timeout and one `BEGIN IMMEDIATE` transaction per opening, so
 * concurrent runs (processes) each get their own, consecutive count.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { CandlelabError } from "../util/errors.ts";

/** One recorded opening. */
export interface HoldoutOpening {
  strategy: string;
  run_id: string;
  /** "experiment" (`--open-holdout`) or "evaluate" (a model scored on lockbox rows). */
  kind: "experiment" | "evaluate";
  /** ISO time of the opening. */
  opened_at: string;
  holdout_start: string;
  holdout_end: string;
  config_hash: string;
}

const _SCHEMA = `CREATE TABLE IF NOT EXISTS holdout_openings (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, run_id TEXT NOT NULL, kind TEXT NOT NULL,
  opened_at TEXT NOT NULL, holdout_start TEXT NOT NULL, holdout_end TEXT NOT NULL, config_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS holdout_openings_strategy ON holdout_openings (strategy);`;

function _open(path: string, busyTimeoutMs: number): DatabaseSync {
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    db.exec(_SCHEMA);
    return db;
  } catch (err) {
    throw new CandlelabError(
      `Cannot open the hold-out ledger ${path}: ${
        (err as Error).message
      }; check that its folder is writable ` +
        `(output.holdout_ledger) and that no other process holds it locked for ${busyTimeoutMs} ms`,
      { cause: err },
    );
  }
}

/**
 * Records an opening and returns how many times `entry.strategy`'s lockbox has been opened, this one
 * included. Safe under concurrent processes (the insert and the count are one transaction).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordHoldoutOpening } from "./holdout_ledger.ts";
 * const path = `${await Deno.makeTempDir()}/holdout.sqlite`;
 * const e = { strategy: "s", run_id: "r1", kind: "experiment" as const, opened_at: "2026-01-01T00:00:00Z",
 *   holdout_start: "2024-01-01T00:00:00.000Z", holdout_end: "2025-01-01T00:00:00.000Z", config_hash: "h" };
 * assert.equal(recordHoldoutOpening(path, e), 1);
 * assert.equal(recordHoldoutOpening(path, { ...e, run_id: "r2" }), 2);
 * ```
 */
export function recordHoldoutOpening(path: string, entry: HoldoutOpening, busyTimeoutMs = 30_000): number {
  const db = _open(path, busyTimeoutMs);
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.prepare(
        "INSERT INTO holdout_openings (strategy, run_id, kind, opened_at, holdout_start, holdout_end, config_hash) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).run(
        entry.strategy,
        entry.run_id,
        entry.kind,
        entry.opened_at,
        entry.holdout_start,
        entry.holdout_end,
        entry.config_hash,
      );
      const row = db.prepare("SELECT count(*) AS n FROM holdout_openings WHERE strategy = ?").get(
        entry.strategy,
      ) as {
        n: number;
      };
      db.exec("COMMIT");
      return Number(row.n);
    } catch (err) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw new CandlelabError(
        `Cannot record the hold-out opening of ${entry.strategy} (run ${entry.run_id}) in ${path}: ${
          (err as Error).message
        }; the lockbox was not scored; retry when the other run has finished`,
        { cause: err },
      );
    }
  } finally {
    db.close();
  }
}

/**
 * Every recorded opening of `strategy`'s lockbox, oldest first (none when the ledger does not exist).
 * Opens the file read-only, so read permission is enough.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdoutOpenings } from "./holdout_ledger.ts";
 * assert.deepEqual(holdoutOpenings(`${await Deno.makeTempDir()}/none.sqlite`, "s"), []);
 * ```
 */
export function holdoutOpenings(path: string, strategy: string, busyTimeoutMs = 30_000): HoldoutOpening[] {
  try {
    Deno.statSync(path);
  } catch {
    return [];
  }
  // read-only: a sweep worker (no write permission on experiments/) can read the count
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read the hold-out ledger ${path}: ${(err as Error).message}; check that it is readable`,
      { cause: err },
    );
  }
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'holdout_openings'")
      .get();
    if (!has) return [];
    return db.prepare(
      "SELECT strategy, run_id, kind, opened_at, holdout_start, holdout_end, config_hash FROM holdout_openings " +
        "WHERE strategy = ? ORDER BY seq",
    ).all(strategy) as unknown as HoldoutOpening[];
  } finally {
    db.close();
  }
}
