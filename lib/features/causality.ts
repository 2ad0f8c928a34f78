/**
 * The leakage guard (ADR-014).
 *
 * - `checkCausality`: compute the set on the full series and on prefixes `[0, cut)`; on every overlap
 *   row each value must be identical (bitwise, `Object.is`, so NaN == NaN). A feature that reads a later
 *   bar changes when the later bars are cut away, and is caught.
 * - `checkWarmup`: compute on `[start, n)` and on `[0, n)`; at rows `>= start + lookback` (the entry's
 *   declared lookback) values must agree within `tolerance` x the column's largest magnitude on the
 *   compared rows (recursive indicators forget their seed only up to `WARMUP_TOLERANCE`). A value that
 *   still differs means the declared lookback is too short; the report says how long it needs to be.
 * - `purgeEmbargo`: the gaps evaluation must leave around a test block, derived from the label horizon
 *   and the feature lookback.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";
import {
  computeFeatureColumns,
  type ComputeOptions,
  type FeatureSet,
  featureSetLookback,
  inferTiming,
} from "./set.ts";
import { float64Column, sliceRows } from "../series/columns.ts";
import type { FeatureTiming } from "./feature.ts";

/** A value that changed when later bars were removed. */
export interface CausalityViolation {
  column: string;
  feature: string;
  cut: number;
  /** First row (< cut) where the values differ. */
  row: number;
  /** Timestamp (UTC ms of the bar's open) of `row`, NaN when the table has no timestamps. */
  timestamp: number;
  full: number;
  truncated: number;
}

/** Result of `checkCausality`. */
export interface CausalityReport {
  ok: boolean;
  cuts: number[];
  columns: number;
  /** At most one violation per column and cut (the first row). */
  violations: CausalityViolation[];
}

/** Options of the guard's checks. */
export interface GuardOptions extends ComputeOptions {
  /** Cut points / start rows, or how many evenly spaced ones to use (default 4). */
  cuts?: number[] | number;
}

function _spaced(lo: number, hi: number, k: number): number[] {
  if (hi <= lo) return [];
  const out = new Set<number>();
  for (let j = 1; j <= k; j++) out.add(Math.round(lo + ((hi - lo) * j) / (k + 1)));
  return [...out];
}

function _timing(table: ColumnTable, options: ComputeOptions): FeatureTiming {
  return inferTiming(float64Column(table, "timestamp"), options.timing);
}

/**
 * Computes the set on the full table and on each prefix `[0, cut)`; every overlap value must be
 * bitwise identical. Cuts must leave more rows than the set's lookback (smaller ones are skipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { checkCausality } from "./causality.ts";
 * import { resolveFeatureSet } from "./set.ts";
 * const close = new Float64Array(100).map((_, i) => 100 + Math.sin(i));
 * const t = aq.table({ timestamp: close.map((_, i) => i * 60000), close });
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "volatility", params: { window: 10 } }] });
 * assert(checkCausality(t, set, { cuts: [30, 70] }).ok);
 * ```
 */
export function checkCausality(
  table: ColumnTable,
  set: FeatureSet,
  options: GuardOptions = {},
): CausalityReport {
  const n = table.numRows();
  const timing = _timing(table, options);
  const opts = { ...options, timing };
  const lookback = featureSetLookback(set, timing);
  const requested = typeof options.cuts === "number" || options.cuts === undefined
    ? _spaced(lookback + 1, n - 1, (options.cuts as number | undefined) ?? 4)
    : options.cuts;
  const cuts = requested.filter((c) => c > lookback && c < n);
  const full = computeFeatureColumns(table, set, opts);
  const ts = _timestamps(table);
  const owner = new Map(set.entries.flatMap((e) => e.columns.map((c) => [c, e.def.name] as const)));
  const violations: CausalityViolation[] = [];
  for (const cut of cuts) {
    const part = computeFeatureColumns(sliceRows(table, 0, cut), set, opts);
    for (const column of set.columns) {
      const a = full[column];
      const b = part[column];
      for (let i = 0; i < cut; i++) {
        if (!Object.is(a[i], b[i])) {
          violations.push({
            column,
            feature: owner.get(column)!,
            cut,
            row: i,
            timestamp: ts[i],
            full: a[i],
            truncated: b[i],
          });
          break;
        }
      }
    }
  }
  return { ok: violations.length === 0, cuts, columns: set.columns.length, violations };
}

/** A value after the declared lookback that still depends on earlier history. */
export interface WarmupViolation {
  column: string;
  feature: string;
  declaredLookback: number;
  start: number;
  /** Largest |full - truncated| / scale seen at rows >= start + declaredLookback. */
  maxRelDiff: number;
  /** Smallest lookback for which this start would have passed. */
  neededLookback: number;
  /** The last differing row (>= start + declaredLookback), its timestamp and both values there. */
  row: number;
  timestamp: number;
  full: number;
  truncated: number;
}

/** Result of `checkWarmup`. */
export interface WarmupReport {
  ok: boolean;
  starts: number[];
  tolerance: number;
  violations: WarmupViolation[];
}

/**
 * Checks that values after each entry's declared lookback do not depend on how much earlier history was
 * loaded: compares the set computed on `[start, n)` with the full computation at rows
 * `>= start + lookback`, within `tolerance` (default 1e-4) x the column's largest |value| there.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { checkWarmup } from "./causality.ts";
 * import { resolveFeatureSet } from "./set.ts";
 * const close = new Float64Array(400).map((_, i) => 100 + Math.sin(i / 5));
 * const t = aq.table({ timestamp: close.map((_, i) => i * 60000), close });
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "close_ema", params: { span: 5 } }] });
 * assert(checkWarmup(t, set, { cuts: [50, 150] }).ok);
 * ```
 */
export function checkWarmup(
  table: ColumnTable,
  set: FeatureSet,
  options: GuardOptions & { tolerance?: number } = {},
): WarmupReport {
  const n = table.numRows();
  const tolerance = options.tolerance ?? 1e-4;
  const timing = _timing(table, options);
  const opts = { ...options, timing };
  const lookback = featureSetLookback(set, timing);
  const requested = typeof options.cuts === "number" || options.cuts === undefined
    ? _spaced(1, n - lookback - 2, (options.cuts as number | undefined) ?? 4)
    : options.cuts;
  const starts = requested.filter((s) => s > 0 && n - s > lookback);
  const full = computeFeatureColumns(table, set, opts);
  const ts = _timestamps(table);
  const violations: WarmupViolation[] = [];
  for (const s of starts) {
    const part = computeFeatureColumns(sliceRows(table, s), set, opts);
    for (const e of set.entries) {
      const L = e.def.lookback(e.params, timing);
      for (const column of e.columns) {
        const a = full[column];
        const b = part[column];
        let scale = 0;
        for (let i = s; i < n; i++) if (Number.isFinite(a[i])) scale = Math.max(scale, Math.abs(a[i]));
        scale = scale || 1;
        let maxRel = 0;
        let lastBad = -1;
        for (let i = s; i < n; i++) {
          const x = a[i];
          const y = b[i - s];
          const rel = Object.is(x, y) ? 0 : (x !== x || y !== y) ? Infinity : Math.abs(x - y) / scale;
          if (rel > tolerance) {
            lastBad = i;
            if (i >= s + L) maxRel = Math.max(maxRel, rel);
          }
        }
        if (lastBad >= s + L) {
          violations.push({
            column,
            feature: e.def.name,
            declaredLookback: L,
            start: s,
            maxRelDiff: maxRel,
            neededLookback: lastBad - s + 1,
            row: lastBad,
            timestamp: ts[lastBad],
            full: a[lastBad],
            truncated: b[lastBad - s],
          });
        }
      }
    }
  }
  return { ok: violations.length === 0, starts, tolerance, violations };
}

function _timestamps(table: ColumnTable): Float64Array {
  return table.columnNames().includes("timestamp")
    ? float64Column(table, "timestamp")
    : new Float64Array(table.numRows()).fill(NaN);
}

function _iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "(no timestamp)";
}

/**
 * One causality violation as a sentence: feature, the bar's time (ISO, UTC) and both values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeCausalityViolation } from "./causality.ts";
 * const s = describeCausalityViolation({
 *   column: "next_ret", feature: "peek", cut: 100, row: 99, timestamp: Date.UTC(2024, 0, 1, 3), full: 0.5, truncated: NaN,
 * });
 * assert.ok(s.includes("2024-01-01T03:00:00.000Z") && s.includes("0.5") && s.includes("NaN"));
 * ```
 */
export function describeCausalityViolation(v: CausalityViolation): string {
  return `${v.column} (${v.feature}) looks ahead: at the bar of ${
    _iso(v.timestamp)
  } it is ${v.full} on the ` +
    `full series but ${v.truncated} when the data stops ${v.cut - v.row} bar(s) later`;
}

/**
 * One warm-up violation as a sentence: feature, declared and needed lookback, the bar's time and both values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeWarmupViolation } from "./causality.ts";
 * const s = describeWarmupViolation({
 *   column: "m", feature: "mean", declaredLookback: 5, start: 10, maxRelDiff: 0.1, neededLookback: 500,
 *   row: 60, timestamp: 0, full: 1, truncated: 2,
 * });
 * assert.ok(s.includes("1970-01-01T00:00:00.000Z") && s.includes("at least 500"));
 * ```
 */
export function describeWarmupViolation(v: WarmupViolation): string {
  return `${v.column} (${v.feature}) declares lookback ${v.declaredLookback} but depends on older history: ` +
    `at the bar of ${_iso(v.timestamp)} it is ${v.full} with all history but ${v.truncated} when the data ` +
    `starts ${v.row - v.start} bars earlier (relative difference ${
      v.maxRelDiff.toExponential(2)
    }); it needs a lookback of at least ${v.neededLookback}`;
}

/**
 * Runs both checks on a few cut points and throws a CandlelabError describing every violation.
 * Call it before a training run (it costs about `2 * cuts + 2` computations of the set).
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { assertLeakFree } from "./causality.ts";
 * import { resolveFeatureSet } from "./set.ts";
 * const close = new Float64Array(200).map((_, i) => 100 + Math.sin(i));
 * const t = aq.table({ timestamp: close.map((_, i) => i * 60000), close });
 * assertLeakFree(t, resolveFeatureSet({ name: "s", features: [{ feature: "rsi" }] }), { cuts: 2 });
 * ```
 */
export function assertLeakFree(table: ColumnTable, set: FeatureSet, options: GuardOptions = {}): void {
  const c = checkCausality(table, set, options);
  const w = checkWarmup(table, set, options);
  const lines = [
    ...c.violations.map(describeCausalityViolation),
    ...w.violations.map(describeWarmupViolation),
  ];
  if (lines.length) {
    throw new CandlelabError(
      `Leakage guard failed for feature set "${set.name}":\n  ${lines.join("\n  ")}\n` +
        `Fix the feature (no negative shifts, no centred windows, no full-column statistics) or its declared lookback.`,
    );
  }
}

/** Gaps evaluation must leave around a test block, in bars. */
export interface PurgeEmbargo {
  horizon: number;
  lookback: number;
  /** Training rows removed right before a test block: `horizon`. */
  purge: number;
  /** Training rows removed right after a test block: `horizon + lookback`. */
  embargo: number;
}

/**
 * Derives purge and embargo from the label horizon `h` and the set's lookback `L`:
 *
 * - purge = h: a training row t before a test block starting at s keeps its label window
 *   `[t, t + h]` strictly before s only if `t <= s - h - 1`, so the h rows before s are removed.
 * - embargo = h + L: the test block's labels read bars up to `e - 1 + h` (e = end of the block); a training
 *   row t after it reads bars `[t - L, t]` for its features and must not see any of them, so
 *   `t >= e + h + L`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { purgeEmbargo } from "./causality.ts";
 * import { resolveFeatureSet } from "./set.ts";
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "volatility", params: { window: 60 } }] });
 * const g = purgeEmbargo(set, { horizon: 15 }); // a label spec: only its horizon is read
 * assert(g.purge === 15 && g.embargo === 75);
 * ```
 */
export function purgeEmbargo(
  set: FeatureSet,
  labelSpec: { horizon?: number },
  timing: Partial<FeatureTiming> = {},
): PurgeEmbargo {
  const horizon = labelSpec.horizon ?? 15;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new CandlelabError(
      `Cannot derive purge/embargo: label horizon must be a positive integer, current value is ${horizon}`,
    );
  }
  const lookback = featureSetLookback(set, timing);
  return { horizon, lookback, purge: horizon, embargo: horizon + lookback };
}
