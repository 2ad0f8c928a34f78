/**
 * The lockbox: a final period of the data (`holdout: { start: "2024-01-01" }` or `{ last: "90d" }` in a
 * strategy config) that development never sees. Rows from its start on are cut before feature checks,
 * walk-forward, sweeps and model selection; the embargo before it is the split gap's `before` side (the
 * label horizon, or a larger `validation.embargo`), so no development label reads a lockbox bar. The
 * final model is trained on the development rows; the lockbox is scored only when a run opens it
 * explicitly, and every opening is written to the ledger (`holdout_ledger.ts`).
 *
 * @module
 */
import { z } from "zod";
import * as aq from "arquero";
import type { Dataset } from "../data/dataset.ts";
import { float64Column } from "../series/columns.ts";
import { restrictJoins } from "../data/point_in_time.ts";
import { CandlelabError } from "../util/errors.ts";
import { parseInterval, parseTime } from "../data/interval.ts";

const _ISO_DAY = /^\d{4}-\d{2}-\d{2}/;

/** The `holdout` section of a strategy config. */
export const HoldoutConfigSchema = z.strictObject({
  start: z.string().regex(_ISO_DAY, "an ISO date or date-time (UTC), e.g. 2024-01-01").optional()
    .describe("bars from this time on (UTC, inclusive) are the lockbox"),
  last: z.string().regex(/^\d+[smhdw]$/, "a duration such as 90d, 12w or 720h").optional()
    .describe("the lockbox is this much at the end of the loaded data (its end = last bar close)"),
}).refine((h) => (h.start === undefined) !== (h.last === undefined), {
  message: "give exactly one of holdout.start (a date) or holdout.last (a duration such as 90d)",
});

/** Parsed holdout config. */
export type HoldoutConfig = z.output<typeof HoldoutConfigSchema>;

/** The lockbox resolved on a dataset's bars. */
export interface Lockbox {
  /** First lockbox bar time (UTC ms, inclusive). */
  startMs: number;
  /** End of the data: last bar open + one interval (exclusive). */
  endMs: number;
  /** Index of the first bar at or after `startMs` (= number of bars when the data ends before it). */
  startBar: number;
  /** Development rows are bar indices `< devEndBar` (= startBar - embargo, or all bars without a lockbox). */
  devEndBar: number;
  /** Bars between the last development row and the lockbox (the label horizon or the embargo). */
  embargo: number;
  /** Number of bars inside the lockbox. */
  bars: number;
}

/**
 * The lockbox period on bars `timestamps`: `[start, end of data)` (UTC ms), with no checks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockboxPeriod } from "./holdout.ts";
 * const p = lockboxPeriod({ last: "1d" }, Float64Array.of(0, 86_400_000), 86_400_000);
 * assert.deepEqual(p, { startMs: 86_400_000, endMs: 2 * 86_400_000 });
 * ```
 */
export function lockboxPeriod(
  cfg: HoldoutConfig,
  timestamps: Float64Array,
  intervalMs: number,
): { startMs: number; endMs: number } {
  const endMs = timestamps.length > 0 ? timestamps[timestamps.length - 1] + intervalMs : NaN;
  const startMs = cfg.start !== undefined ? parseTime(cfg.start) : endMs - parseInterval(cfg.last!);
  return { startMs, endMs };
}

/**
 * Resolves the lockbox on `timestamps` (bar open times, increasing). `embargo` is the gap before it in
 * bars (`deriveGap(...).before`): development rows end `embargo` bars before the first lockbox bar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLockbox } from "./holdout.ts";
 * const h = 3_600_000;
 * const ts = Float64Array.from({ length: 48 }, (_, i) => Date.UTC(2024, 0, 1) + i * h);
 * const a = resolveLockbox({ start: "2024-01-02" }, ts, h, 4);
 * assert.deepEqual([a.startBar, a.devEndBar, a.bars], [24, 20, 24]);
 * const b = resolveLockbox({ last: "12h" }, ts, h, 4);
 * assert.deepEqual([b.startBar, b.devEndBar, b.bars], [36, 32, 12]);
 * ```
 */
export function resolveLockbox(
  cfg: HoldoutConfig,
  timestamps: Float64Array,
  intervalMs: number,
  embargo: number,
): Lockbox {
  const n = timestamps.length;
  if (n === 0) throw new CandlelabError("Cannot place the hold-out: the dataset has no bars");
  const { startMs, endMs } = lockboxPeriod(cfg, timestamps, intervalMs);
  let startBar = 0;
  while (startBar < n && timestamps[startBar] < startMs) startBar++;
  const what = cfg.start !== undefined ? `holdout.start ${cfg.start}` : `holdout.last ${cfg.last}`;
  if (startBar - embargo < 1) {
    throw new CandlelabError(
      `Cannot place the hold-out: ${what} begins at ${
        new Date(startMs).toISOString()
      }, at or before the first ` +
        `bar ${new Date(timestamps[0]).toISOString()} (+ ${embargo} embargo bars), which leaves nothing to ` +
        `develop on; move the start later or load earlier data`,
    );
  }
  const devEndBar = startBar < n ? startBar - embargo : n;
  return { startMs, endMs, startBar, devEndBar, embargo: startBar < n ? embargo : 0, bars: n - startBar };
}

/**
 * The columns of a table cut to the bars before the lockbox (views, no copy): what development sees.
 * `columns` itself when no column is longer than `startBar` (nothing to cut).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { beforeLockbox } from "./holdout.ts";
 * const all = { close: Float64Array.of(1, 2, 3, 4) };
 * const cols = beforeLockbox(all, 3);
 * assert.deepEqual([...cols.close], [1, 2, 3]);
 * assert.equal(cols.close.buffer, all.close.buffer); // a view
 * assert.equal(beforeLockbox(all, 4), all); // nothing cut
 * ```
 */
export function beforeLockbox(
  columns: Record<string, Float64Array>,
  startBar: number,
): Record<string, Float64Array> {
  if (Object.values(columns).every((c) => c.length <= startBar)) return columns;
  const out: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(columns)) out[k] = v.subarray(0, Math.min(startBar, v.length));
  return out;
}

/**
 * The dataset development sees: bars before `devEndBar + horizon`, so the last development row's label
 * (bars up to `t + horizon`) never reads the embargo's end or the lockbox. Sources and metadata are kept;
 * point-in-time join records are re-made for the cut rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { datasetBeforeLockbox } from "./holdout.ts";
 * const ts = Float64Array.from({ length: 10 }, (_, i) => i * 3_600_000);
 * const ds = { market: "spot" as const, asset: "BTC", quote: "USDT", exchange: "x", interval: "1h",
 *   intervalMs: 3_600_000, sources: [], table: aq.table({ timestamp: ts, close: ts.map((t) => t + 1) }) };
 * const dev = datasetBeforeLockbox(ds, { startMs: 8 * 3_600_000, endMs: 10 * 3_600_000, startBar: 8, devEndBar: 6,
 *   embargo: 2, bars: 2 }, 2);
 * assert.equal(dev.table.numRows(), 8);
 * ```
 */
export function datasetBeforeLockbox<D extends Dataset>(ds: D, lockbox: Lockbox, horizon: number): D {
  const end = Math.min(lockbox.devEndBar + horizon, lockbox.startBar);
  const n = ds.table.numRows();
  if (end >= n) return ds;
  const cols: Record<string, Float64Array> = {};
  for (const name of ds.table.columnNames()) cols[name] = float64Column(ds.table, name).subarray(0, end);
  const out = { ...ds, table: aq.table(cols) };
  // point-in-time join records (counts, knownAt) re-made for the cut rows
  if (ds.joins) out.joins = restrictJoins(ds.joins, { timestamp: cols.timestamp, intervalMs: ds.intervalMs });
  if ("fundingGaps" in ds) {
    const endMs = cols.timestamp[end - 1];
    (out as { fundingGaps: typeof ds.fundingGaps }).fundingGaps = ds.fundingGaps.filter((g) =>
      g.from <= endMs
    );
  }
  return out;
}

/**
 * One line for the terminal and run.json: `hold-out 2024-01-01 .. 2025-01-01 closed (opened 0 times)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdoutText } from "./holdout.ts";
 * assert.equal(holdoutText("2024-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z", true, 2),
 *   "hold-out 2024-01-01 00:00 .. 2025-01-01 00:00 opened by this run (opened 2 times in all)");
 * ```
 */
export function holdoutText(start: string, end: string, opened: boolean, opens: number): string {
  const d = (s: string) => s.slice(0, 16).replace("T", " ");
  const times = `${opens} time${opens === 1 ? "" : "s"}`;
  return `hold-out ${d(start)} .. ${d(end)} ${
    opened ? `opened by this run (opened ${times} in all)` : `closed (opened ${times})`
  }`;
}
