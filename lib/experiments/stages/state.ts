/**
 * The state stage: the backtest replayed bar by bar into the SQLite state file, as a live run would persist
 * it (resumable; see lib/state).
 *
 * @module
 */
import type { BacktestInput } from "../../backtest/mod.ts";
import { closeStateDb, openStateDb, replay, type ReplayResult } from "../../state/mod.ts";

/**
 * Replays the backtest into the state file at `path` under this run's id.
 *
 * @example
 * ```ts ignore
 * const r = stateStage("experiments/state.sqlite", input, run.id, cfg.name);
 * console.log(r.processed, r.done);
 * ```
 */
export function stateStage(
  path: string,
  input: BacktestInput,
  runId: string,
  strategy: string,
): ReplayResult {
  const db = openStateDb(path, { busyTimeoutMs: 30_000 });
  try {
    return replay({ ...input, db, runId, strategy });
  } finally {
    closeStateDb(db);
  }
}
