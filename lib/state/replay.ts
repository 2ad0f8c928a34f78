/**
 * Replay: the engine one bar at a time, persisting after every bar in one transaction (signal,
 * position, closed trades, flags and the whole engine state). Killed at any point, a new replay on the
 * same database resumes from the last committed bar and ends in the same state as an uninterrupted run.
 *
 * @module
 */
import {
  type BacktestInput,
  type EngineState,
  initialState,
  makeContext,
  probaRow,
  stepBar,
  type Trade,
} from "../backtest/engine.ts";
import { canonicalJson } from "../util/hash.ts";
import { CandlelabError } from "../util/errors.ts";
import { type StateDb, transaction } from "./db.ts";

/** Inputs of {@link replay}: a backtest's inputs plus where to persist. */
export interface ReplayInput extends BacktestInput {
  /** Database to persist to and resume from; null replays in memory only. */
  db: StateDb | null;
  runId: string;
  strategy: string;
  /** Stop after this many bars (to process bars as they arrive). @default all */
  maxBars?: number;
}

/** What a replay call did. */
export interface ReplayResult {
  state: EngineState;
  /** Bar index the call started from. */
  startBar: number;
  processed: number;
  /** True when every bar up to the last probability row is processed. */
  done: boolean;
  /** Trades closed during this call (all of them for an in-memory replay). */
  trades: Trade[];
  /** Equity at each processed bar's close (this call only). */
  equity: Float64Array;
}

/**
 * Replays `input` bar by bar, resuming from the database's state for (runId, strategy) if any.
 * The inputs must be the same as the run that wrote the state (their hash is checked).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replay } from "./replay.ts";
 * import { openStateDb, closeStateDb } from "./db.ts";
 * import { randomProba, syntheticBars } from "../backtest/synthetic.ts";
 * import { CostsSchema, MarketSchema } from "../backtest/config.ts";
 * import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
 * const db = openStateDb(":memory:");
 * const input = {
 *   bars: syntheticBars(50, 1), rows: Int32Array.from({ length: 50 }, (_, i) => i), proba: randomProba(50, 2),
 *   intervalMs: 3600000, policy: SignalPolicySchema.parse({}), risk: RiskSchema.parse({}),
 *   costs: CostsSchema.parse({}), market: MarketSchema.parse({ kind: "spot" }), db, runId: "r1", strategy: "s",
 * };
 * const a = replay({ ...input, maxBars: 20 });
 * const b = replay(input); // resumes at bar 20
 * assert.equal(a.processed + b.processed, 50);
 * assert.equal(b.startBar, 20);
 * assert.ok(b.done);
 * closeStateDb(db);
 * ```
 */
export function replay(input: ReplayInput): ReplayResult {
  const ctx = makeContext(input);
  const { db, runId, strategy } = input;
  const fingerprint = _fingerprint(input);
  let s = initialState(input.initialEquity ?? 10_000, ctx.first);
  if (db) {
    const prev = readState(db, runId, strategy);
    if (prev) s = prev;
    else {
      transaction(db, "start a run in", () => {
        db.db.prepare("INSERT OR IGNORE INTO runs VALUES (?, ?, ?, ?)").run(
          runId,
          strategy,
          fingerprint,
          new Date().toISOString(),
        );
      });
    }
    const row = db.db.prepare("SELECT config FROM runs WHERE run_id = ? AND strategy = ?").get(
      runId,
      strategy,
    ) as
      | { config: string }
      | undefined;
    if (row && row.config !== fingerprint) {
      throw new CandlelabError(
        `Cannot resume run "${runId}" strategy "${strategy}" in ${db.path}: its inputs differ from the run that wrote it (fingerprint ${row.config} vs ${fingerprint}); use a new runId`,
      );
    }
  }
  const startBar = s.bar + 1;
  const end = Math.min(ctx.last, input.maxBars === undefined ? ctx.last : s.bar + input.maxBars);
  const n = Math.max(0, end - s.bar);
  const equity = new Float64Array(n);
  const trades: Trade[] = [];
  const stmts = db ? _statements(db) : null;
  const ts = input.bars.timestamp, p = input.proba.data;
  for (let j = 0; j < n; j++) {
    const closedBefore = trades.length;
    const tradesBefore = s.nTrades;
    const ev = stepBar(ctx, s, trades);
    equity[j] = s.equity;
    if (!stmts || !db) continue;
    const i = s.bar, k = probaRow(ctx, i);
    transaction(db, "persist a bar to", () => {
      if (k >= 0) {
        stmts.signal.run(runId, strategy, i, ts[i], p[3 * k], p[3 * k + 1], p[3 * k + 2], s.pending);
      }
      stmts.position.run(runId, strategy, i, ts[i], s.qty, s.equity);
      for (let t = closedBefore; t < trades.length; t++) {
        const tr = trades[t];
        stmts.trade.run(
          runId,
          strategy,
          tradesBefore + (t - closedBefore),
          JSON.stringify(tr),
          tr.net,
          tr.exitReason,
        );
      }
      for (const t of ev.missingFunding) stmts.event.run(runId, strategy, i, "missingFunding", t, null);
      if (ev.gap) stmts.event.run(runId, strategy, i, "gap", ev.gap.from, ev.gap.pnl);
      if (ev.markFallback) stmts.event.run(runId, strategy, i, "markFallback", ts[i], null);
      stmts.state.run(runId, strategy, i, ts[i], JSON.stringify(s));
    });
  }
  return { state: s, startBar, processed: n, done: s.bar >= ctx.last, trades, equity };
}

function _statements(db: StateDb) {
  const d = db.db;
  return {
    signal: d.prepare("INSERT INTO signals VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    position: d.prepare("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)"),
    trade: d.prepare("INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?)"),
    event: d.prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)"),
    state: d.prepare("INSERT OR REPLACE INTO state VALUES (?, ?, ?, ?, ?)"),
  };
}

function _fingerprint(input: ReplayInput): string {
  const b = input.bars;
  const n = b.timestamp.length;
  // cheap identity of the inputs: sizes, ends, and the configs
  return canonicalJson({
    n,
    first: [b.timestamp[0], b.close[0]],
    last: [b.timestamp[n - 1], b.close[n - 1]],
    rows: [input.rows.length, input.rows[0], input.rows[input.rows.length - 1]],
    p: Array.from(input.proba.data.subarray(0, 3)),
    intervalMs: input.intervalMs,
    policy: input.policy,
    risk: input.risk,
    costs: input.costs,
    market: input.market,
    initialEquity: input.initialEquity ?? 10_000,
  });
}

/**
 * The last committed engine state of (runId, strategy), or null if the run has not started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStateDb } from "./db.ts";
 * import { readState } from "./replay.ts";
 * assert.equal(readState(openStateDb(":memory:"), "r", "s"), null);
 * ```
 */
export function readState(db: StateDb, runId: string, strategy: string): EngineState | null {
  const row = db.db.prepare("SELECT json FROM state WHERE run_id = ? AND strategy = ?").get(
    runId,
    strategy,
  ) as
    | { json: string }
    | undefined;
  return row ? JSON.parse(row.json) as EngineState : null;
}

/**
 * All closed trades of (runId, strategy), in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStateDb } from "./db.ts";
 * import { readTrades } from "./replay.ts";
 * assert.deepEqual(readTrades(openStateDb(":memory:"), "r", "s"), []);
 * ```
 */
export function readTrades(db: StateDb, runId: string, strategy: string): Trade[] {
  const rows = db.db.prepare("SELECT json FROM trades WHERE run_id = ? AND strategy = ? ORDER BY seq").all(
    runId,
    strategy,
  ) as { json: string }[];
  return rows.map((r) => JSON.parse(r.json) as Trade);
}

/**
 * Equity at each persisted bar's close of (runId, strategy), in bar order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStateDb } from "./db.ts";
 * import { readEquity } from "./replay.ts";
 * assert.equal(readEquity(openStateDb(":memory:"), "r", "s").length, 0);
 * ```
 */
export function readEquity(db: StateDb, runId: string, strategy: string): Float64Array {
  const rows = db.db.prepare("SELECT equity FROM positions WHERE run_id = ? AND strategy = ? ORDER BY bar")
    .all(
      runId,
      strategy,
    ) as { equity: number }[];
  return Float64Array.from(rows, (r) => r.equity);
}
