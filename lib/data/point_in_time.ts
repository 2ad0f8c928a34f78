/**
 * The one point-in-time rule for every auxiliary series joined onto candles (mark price, spot, funding,
 * and any future series such as open interest or another venue). ADR-027.
 *
 * Each series carries its interval and the time each value becomes known:
 * - a **bar** series (`kind: "bars"`, stamped with its open time) is known at its close, `open + interval`;
 * - an **event** series (`kind: "events"`, e.g. funding) is known at the event time.
 *
 * The candle row with open time `t` and interval `I` sees only values known at or before its close `t + I`
 * (an as-of join on known-at time):
 * - same interval and aligned: the aux bar with the same open time (it closes with the row) - `rule: "same"`;
 * - coarser (or misaligned): carried forward from the last **closed** aux bar, for at most one aux
 *   interval after its close (a missing aux bar gives NaN, never a stale value) - `rule: "carried"`;
 * - finer: aggregated to the candle interval first (open = first, high = max, low = min, close = last,
 *   volume = sum; buckets on the candle grid; only **complete** buckets, an incomplete one is dropped and
 *   counted), then joined as "same" - `rule: "resampled"`. A candle interval that is not a whole multiple
 *   of the aux interval is refused with a message naming both intervals and the remedy;
 * - events: an event at T goes to the row that opens at T (known at T, before that row's close). An event
 *   strictly inside a candle is refused (the backtest pays funding at bar opens, so candles must open at
 *   every event time); events in a gap of the candles or outside their span join no row.
 *
 * Open columns (`openColumns`, e.g. `mark_open`) are the one exception to "as of the row's close": they
 * hold the aux bar's open price, joined only from an aux bar opening exactly at the row's open, so the
 * value is known at the row's open (earlier than the close, so features may see it too). The backtest uses
 * it as the mark price at the open for funding valuation; `mark_high/low/close` follow the close rule.
 *
 * `checkPointInTime(dataset)` recomputes every join from the series kept in `dataset.joins[k].source`
 * (by binary search, independently of the join loop) and reports each table value that differs from what
 * the rule allows, naming the series, column, row time and, when the value is a later one, how far ahead
 * it is. `assertPointInTime` throws on the first violations.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import type { ColumnTable } from "arquero";
import { float64Column } from "../series/columns.ts";
import { formatInterval, isoTime, parseInterval } from "./interval.ts";

/** An auxiliary series as read from its file, before joining. Timestamps strictly increasing (UTC ms). */
export interface AuxSeries {
  /** Name in messages and in `dataset.joins` ("mark", "spot", "funding", ...). */
  name: string;
  /** "bars": each row is a bar [timestamp, timestamp + interval), known at its close. "events": known at timestamp. */
  kind: "bars" | "events";
  /** Bar interval ("1h", "8h"); for events the schedule they should follow (funding "8h"). */
  interval: string;
  timestamp: Float64Array;
  /** Values by their dataset column name, e.g. `{ mark_close: ..., mark_high: ... }` or `{ spot_close }`. */
  values: Record<string, Float64Array>;
  /** Bars only: columns holding the bar's open price, joined at the row's open (see the module doc). */
  openColumns?: string[];
}

/** The candle side of a join. */
export interface CandleGrid {
  /** Open times (UTC ms), strictly increasing. */
  timestamp: Float64Array;
  intervalMs: number;
}

/** How a series met the candles. */
export type JoinRule = "same" | "carried" | "resampled" | "events";

/**
 * What one join did, kept on the dataset (`dataset.joins`). Counts describe the table as loaded.
 * For bar series, `rowsWithoutValue` = rows whose close-rule columns got no value
 * (`rowsBeforeFirst + rowsInGaps + rowsAfterLast`): feature rows that use them are lost to "missing aux".
 * For event series it counts rows that open on the event schedule but have no event (missing funding).
 */
export interface JoinInfo {
  series: string;
  kind: "bars" | "events";
  /** Interval of the series as read ("8h", "15m"). */
  interval: string;
  intervalMs: number;
  /** Candle interval it was joined onto. */
  candleInterval: string;
  rule: JoinRule;
  /** Dataset columns this join filled. */
  columns: string[];
  /** Columns joined at the row's open (`openColumns`). */
  openColumns: string[];
  rows: number;
  rowsWithValue: number;
  rowsWithoutValue: number;
  /** Rows before the first value is known (bars) / scheduled rows before the first event (events). */
  rowsBeforeFirst: number;
  /** Rows inside the series' span with no value (a missing or incomplete aux bar; a missing event). */
  rowsInGaps: number;
  /** Rows after the last value stopped being current (bars) / scheduled rows after the last event. */
  rowsAfterLast: number;
  /** Finer series only: buckets dropped because some of their source bars were missing. */
  incompleteBuckets: number;
  /** Per row: UTC ms when the joined value became known; NaN where the row has no value. */
  knownAt: Float64Array;
  /** The series as joined (after aggregation for finer ones): what `checkPointInTime` verifies against. */
  source: {
    timestamp: Float64Array;
    /** Interval of `source` bars in ms (the candle interval when resampled); events: the schedule. */
    intervalMs: number;
    values: Record<string, Float64Array>;
  };
  /** JSON of a join is its summary (no per-row arrays in run.json). */
  toJSON(): JoinSummary;
}

/** `JoinInfo` without its per-row arrays: what run.json and reports keep (`JSON.stringify` of a join gives it). */
export type JoinSummary = Omit<JoinInfo, "knownAt" | "source" | "toJSON">;

/**
 * The JSON-safe part of a join (no per-row arrays). `JSON.stringify(join)` uses it via `toJSON`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinPointInTime, joinSummary } from "./point_in_time.ts";
 * const t = Float64Array.of(0, 3_600_000);
 * const { join } = joinPointInTime({ timestamp: t, intervalMs: 3_600_000 },
 *   { name: "spot", kind: "bars", interval: "1h", timestamp: t, values: { spot_close: Float64Array.of(1, 2) } });
 * assert.equal(joinSummary(join).rowsWithoutValue, 0);
 * assert.equal(JSON.parse(JSON.stringify({ joins: [join] })).joins[0].rule, "same");
 * assert.ok(!("knownAt" in JSON.parse(JSON.stringify(join))));
 * ```
 */
export function joinSummary(j: JoinInfo): JoinSummary {
  return {
    series: j.series,
    kind: j.kind,
    interval: j.interval,
    intervalMs: j.intervalMs,
    candleInterval: j.candleInterval,
    rule: j.rule,
    columns: [...j.columns],
    openColumns: [...j.openColumns],
    rows: j.rows,
    rowsWithValue: j.rowsWithValue,
    rowsWithoutValue: j.rowsWithoutValue,
    rowsBeforeFirst: j.rowsBeforeFirst,
    rowsInGaps: j.rowsInGaps,
    rowsAfterLast: j.rowsAfterLast,
    incompleteBuckets: j.incompleteBuckets,
  };
}

function _withToJSON(j: Omit<JoinInfo, "toJSON">): JoinInfo {
  const out = j as JoinInfo;
  Object.defineProperty(out, "toJSON", { value: () => joinSummary(out), enumerable: false });
  return out;
}

/** Result of `joinPointInTime`: the new columns (one per row of the candles) and the join record. */
export interface JoinResult {
  columns: Record<string, Float64Array>;
  join: JoinInfo;
}

function _assertIncreasing(ts: Float64Array, what: string): void {
  for (let i = 1; i < ts.length; i++) {
    if (!(ts[i] > ts[i - 1])) {
      throw new CandlelabError(
        `Cannot join ${what}: timestamps must be strictly increasing, ${isoTime(ts[i])} follows ${
          isoTime(ts[i - 1])
        }; load it with loadBars (sorted, duplicates refused)`,
      );
    }
  }
}

function _mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

type _Agg = "first" | "max" | "min" | "last" | "sum";

function _aggOf(column: string, series: string): _Agg {
  if (/open$/.test(column)) return "first";
  if (/high$/.test(column)) return "max";
  if (/low$/.test(column)) return "min";
  if (/close$/.test(column)) return "last";
  if (/volume$/.test(column)) return "sum";
  throw new CandlelabError(
    `Cannot aggregate column ${column} of the ${series} series to the candle interval: no rule for it ` +
      `(names ending in open/high/low/close/volume are aggregated); provide the series at the candle interval`,
  );
}

/** Finer bars -> complete buckets on the candle grid. */
function _aggregate(s: AuxSeries, I: number, J: number, offset: number) {
  const ts = s.timestamp;
  const per = I / J;
  const names = Object.keys(s.values);
  const aggs = names.map((c) => _aggOf(c, s.name));
  const outT: number[] = [];
  const outV: number[][] = names.map(() => []);
  let incomplete = 0;
  let lo = 0;
  while (lo < ts.length) {
    const b = Math.floor((ts[lo] - offset) / I) * I + offset;
    let hi = lo;
    while (hi < ts.length && ts[hi] < b + I) hi++;
    const complete = hi - lo === per && ts[lo] === b && ts[hi - 1] === b + I - J;
    if (!complete) incomplete++;
    else {
      outT.push(b);
      names.forEach((c, k) => {
        const src = s.values[c];
        let v: number;
        switch (aggs[k]) {
          case "first":
            v = src[lo];
            break;
          case "last":
            v = src[hi - 1];
            break;
          case "max":
            v = -Infinity;
            for (let i = lo; i < hi; i++) v = src[i] > v ? src[i] : v;
            break;
          case "min":
            v = Infinity;
            for (let i = lo; i < hi; i++) v = src[i] < v ? src[i] : v;
            break;
          default:
            v = 0;
            for (let i = lo; i < hi; i++) v += src[i];
        }
        outV[k].push(v);
      });
    }
    lo = hi;
  }
  const values: Record<string, Float64Array> = {};
  names.forEach((c, k) => (values[c] = Float64Array.from(outV[k])));
  return { timestamp: Float64Array.from(outT), values, incomplete };
}

/**
 * Joins one auxiliary series onto candles by the point-in-time rule (module doc). Throws a CandlelabError
 * for unsorted series, a finer series whose interval does not divide the candle interval, and an event
 * strictly inside a candle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinPointInTime } from "./point_in_time.ts";
 * const H = 3_600_000;
 * const candles = { timestamp: Float64Array.from({ length: 16 }, (_, i) => i * H), intervalMs: H };
 * // 8h mark bars: the one opening at 00:00 closes at 08:00
 * const mark = { name: "mark", kind: "bars" as const, interval: "8h", timestamp: Float64Array.of(0, 8 * H),
 *   values: { mark_close: Float64Array.of(100, 200) } };
 * const { columns, join } = joinPointInTime(candles, mark);
 * assert.ok(Number.isNaN(columns.mark_close[0])); // 00:00 row closes 01:00: no 8h bar closed yet
 * assert.equal(columns.mark_close[7], 100); // 07:00 row closes 08:00, when the first 8h bar closes
 * assert.equal(join.rule, "carried");
 * assert.equal(join.rowsBeforeFirst, 7);
 * ```
 */
export function joinPointInTime(candles: CandleGrid, series: AuxSeries): JoinResult {
  const ct = candles.timestamp;
  const n = ct.length;
  const I = candles.intervalMs;
  const J = parseInterval(series.interval);
  _assertIncreasing(ct, `${series.name} onto the candles`);
  _assertIncreasing(series.timestamp, `the ${series.name} series`);
  for (const [c, v] of Object.entries(series.values)) {
    if (v.length !== series.timestamp.length) {
      throw new CandlelabError(
        `Cannot join the ${series.name} series: column ${c} has ${v.length} values for ${series.timestamp.length} timestamps; pass columns of one table`,
      );
    }
  }
  if (series.kind === "events") return _joinEvents(candles, series, J);

  const offset = n > 0 ? _mod(ct[0], I) : 0;
  let src = { timestamp: series.timestamp, values: series.values };
  let srcMs = J;
  let rule: JoinRule;
  let incompleteBuckets = 0;
  if (J < I) {
    if (I % J !== 0) {
      throw new CandlelabError(
        `Cannot join the ${series.name} series (${series.interval}) onto ${
          formatInterval(I)
        } candles: it is finer and ${formatInterval(I)} is not a whole multiple of ${series.interval}, ` +
          `so its bars cannot be aggregated to the candle interval; resample the ${series.name} file to ${
            formatInterval(I)
          } (or a coarser interval) or use candles whose interval is a multiple of ${series.interval}`,
      );
    }
    const agg = _aggregate(series, I, J, offset);
    src = { timestamp: agg.timestamp, values: agg.values };
    incompleteBuckets = agg.incomplete;
    srcMs = I;
    rule = "resampled";
  } else {
    let aligned = J === I;
    for (let j = 0; aligned && j < src.timestamp.length; j++) {
      aligned = _mod(src.timestamp[j] - offset, I) === 0;
    }
    rule = aligned ? "same" : "carried";
  }

  const openCols = series.openColumns ?? [];
  const closeCols = Object.keys(src.values).filter((c) => !openCols.includes(c));
  const out: Record<string, Float64Array> = {};
  for (const c of Object.keys(src.values)) out[c] = new Float64Array(n).fill(NaN);
  const knownAt = new Float64Array(n).fill(NaN);
  const st = src.timestamp;
  const m = st.length;
  let before = 0, gaps = 0, after = 0, withValue = 0;
  let j = -1; // last source bar closed at or before the row's close
  let k = 0; // source bar opening at or after the row's open
  for (let i = 0; i < n; i++) {
    const close = ct[i] + I;
    while (j + 1 < m && st[j + 1] + srcMs <= close) j++;
    if (j >= 0 && close < st[j] + srcMs + srcMs) {
      knownAt[i] = st[j] + srcMs;
      for (const c of closeCols) out[c][i] = src.values[c][j];
      withValue++;
    } else if (j < 0) before++;
    else if (j === m - 1) after++;
    else gaps++;
    if (openCols.length) {
      while (k < m && st[k] < ct[i]) k++;
      if (k < m && st[k] === ct[i]) { for (const c of openCols) out[c][i] = src.values[c][k]; }
    }
  }
  return {
    columns: out,
    join: _withToJSON({
      series: series.name,
      kind: "bars",
      interval: series.interval,
      intervalMs: J,
      candleInterval: formatInterval(I),
      rule,
      columns: Object.keys(src.values),
      openColumns: [...openCols],
      rows: n,
      rowsWithValue: withValue,
      rowsWithoutValue: n - withValue,
      rowsBeforeFirst: before,
      rowsInGaps: gaps,
      rowsAfterLast: after,
      incompleteBuckets,
      knownAt,
      source: { timestamp: src.timestamp, intervalMs: srcMs, values: src.values },
    }),
  };
}

function _joinEvents(candles: CandleGrid, s: AuxSeries, F: number): JoinResult {
  const ct = candles.timestamp;
  const n = ct.length;
  const I = candles.intervalMs;
  const et = s.timestamp;
  const out: Record<string, Float64Array> = {};
  for (const c of Object.keys(s.values)) out[c] = new Float64Array(n).fill(NaN);
  const knownAt = new Float64Array(n).fill(NaN);
  let i = 0;
  let withValue = 0;
  for (let e = 0; e < et.length; e++) {
    const t = et[e];
    while (i < n && ct[i] + I <= t) i++; // rows that closed before the event
    if (i >= n) break;
    if (ct[i] > t) continue; // before the first row or inside a gap of the candles
    if (ct[i] !== t) {
      throw new CandlelabError(
        `Cannot join the ${s.name} series: the event at ${isoTime(t)} falls inside the ${
          formatInterval(I)
        } candle that opens at ${
          isoTime(ct[i])
        }; the backtest books ${s.name} at bar opens with the position ` +
          `carried into the open, so candles must open at every event time: use candles whose interval divides ${s.interval} ` +
          `(e.g. 1h, 4h, 8h for 8h funding), or round event times to the bar open if they are off by jitter`,
      );
    }
    for (const c of Object.keys(s.values)) out[c][i] = s.values[c][e];
    knownAt[i] = t;
    withValue++;
  }
  // Scheduled rows (open on the event grid) without an event.
  let before = 0, gaps = 0, after = 0;
  const first = et.length ? et[0] : Infinity, last = et.length ? et[et.length - 1] : -Infinity;
  for (let r = 0; r < n; r++) {
    if (_mod(ct[r], F) !== 0 || knownAt[r] === knownAt[r]) continue;
    if (ct[r] < first) before++;
    else if (ct[r] > last) after++;
    else gaps++;
  }
  return {
    columns: out,
    join: _withToJSON({
      series: s.name,
      kind: "events",
      interval: s.interval,
      intervalMs: F,
      candleInterval: formatInterval(I),
      rule: "events",
      columns: Object.keys(s.values),
      openColumns: [],
      rows: n,
      rowsWithValue: withValue,
      rowsWithoutValue: before + gaps + after,
      rowsBeforeFirst: before,
      rowsInGaps: gaps,
      rowsAfterLast: after,
      incompleteBuckets: 0,
      knownAt,
      source: { timestamp: et, intervalMs: F, values: s.values },
    }),
  };
}

/** One value in the table that the point-in-time rule does not allow. */
export interface PointInTimeViolation {
  series: string;
  column: string;
  /** ISO open time of the row. */
  at: string;
  /** ISO time the row's values are known (its close); for open columns, its open. */
  rowKnownAt: string;
  value: number;
  /** What the rule allows there (NaN: nothing yet). */
  expected: number;
  /** When the value in the table became known, if it is a value of the series; null if it is not one. */
  valueKnownAt: string | null;
  message: string;
}

/** Result of `checkPointInTime`. */
export interface PointInTimeReport {
  /** No violations and no unverified auxiliary columns. */
  ok: boolean;
  violations: PointInTimeViolation[];
  /** Violations beyond the listed ones. */
  moreViolations: number;
  /** Table columns that are not candle columns and come from no recorded join (cannot be verified). */
  unverified: string[];
  /** Columns checked, with the series they came from. */
  checked: { series: string; column: string; rows: number }[];
}

/** Candle columns that need no join. */
export const CANDLE_COLUMNS: readonly string[] = ["timestamp", "open", "high", "low", "close", "volume"];

/** Last index with `a[idx] <= x` (-1 if none). */
function _lastAtOrBefore(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function _fmtAhead(ms: number): string {
  const h = ms / 3_600_000;
  return Number.isInteger(h) ? `${h} h` : `${Math.round(ms / 60_000)} min`;
}

/**
 * Verifies every joined column of a dataset against the point-in-time rule, recomputing each join from
 * `dataset.joins[k].source` by binary search. A value that differs from the allowed one is a violation
 * (with how far ahead it is when it is a later value of the series); an allowed value replaced by NaN is
 * not (it leaks nothing). Columns outside `CANDLE_COLUMNS` with no join record are listed as unverified.
 * Also checks each join's `knownAt` against the row closes when it still matches the table's rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { checkPointInTime, joinPointInTime } from "./point_in_time.ts";
 * const H = 3_600_000;
 * const timestamp = Float64Array.of(0, H, 2 * H);
 * const spot = { name: "spot", kind: "bars" as const, interval: "1h", timestamp,
 *   values: { spot_close: Float64Array.of(10, 11, 12) } };
 * const { columns, join } = joinPointInTime({ timestamp, intervalMs: H }, spot);
 * const c = new Float64Array(3).fill(1);
 * const ok = { intervalMs: H, joins: [join],
 *   table: aq.table({ timestamp, open: c, high: c, low: c, close: c, volume: c, ...columns }) };
 * assert.equal(checkPointInTime(ok).ok, true);
 * // mis-joined: each row sees the next bar's close
 * const bad = { ...ok, table: ok.table.assign({ spot_close: Float64Array.of(11, 12, NaN) }) };
 * const r = checkPointInTime(bad);
 * assert.equal(r.ok, false);
 * assert.match(r.violations[0].message, /spot_close .* known 1 h after the row's close/);
 * ```
 */
export function checkPointInTime(
  dataset: { table: ColumnTable; intervalMs: number; joins?: JoinInfo[] },
  options: { maxListed?: number } = {},
): PointInTimeReport {
  const maxListed = options.maxListed ?? 20;
  const table = dataset.table;
  const I = dataset.intervalMs;
  const ts = float64Column(table, "timestamp");
  const n = ts.length;
  const names = table.columnNames();
  const joins = dataset.joins ?? [];
  const covered = new Set<string>(CANDLE_COLUMNS);
  const violations: PointInTimeViolation[] = [];
  let more = 0;
  const checked: PointInTimeReport["checked"] = [];
  const add = (v: Omit<PointInTimeViolation, "message">, why: string) => {
    if (violations.length >= maxListed) {
      more++;
      return;
    }
    violations.push({
      ...v,
      message:
        `${v.series} column ${v.column} on the row at ${v.at} holds ${v.value}${why}; the rule allows ${
          Number.isNaN(v.expected) ? "no value yet" : v.expected
        } (values known by ${v.rowKnownAt}); join it with joinPointInTime (lib/data/point_in_time.ts)`,
    });
  };
  for (const jn of joins) {
    const src = jn.source;
    const st = src.timestamp;
    const S = src.intervalMs;
    const known = jn.kind === "events" ? st : st.map((t) => t + S);
    for (const col of jn.columns) {
      covered.add(col);
      if (!names.includes(col)) {
        add({
          series: jn.series,
          column: col,
          at: isoTime(ts[0] ?? NaN) ?? "-",
          rowKnownAt: "-",
          value: NaN,
          expected: NaN,
          valueKnownAt: null,
        }, " nothing: the column is missing from the table");
        continue;
      }
      const vals = float64Column(table, col);
      const sv = src.values[col];
      const atOpen = jn.openColumns.includes(col);
      let byValue: Map<number, number> | undefined;
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        if (v !== v) continue;
        const rowKnown = atOpen ? ts[i] : ts[i] + I;
        let expected = NaN;
        if (jn.kind === "events" || atOpen) {
          const j = _lastAtOrBefore(st, ts[i]);
          if (j >= 0 && st[j] === ts[i]) expected = sv[j];
        } else {
          const j = _lastAtOrBefore(known, rowKnown);
          if (j >= 0 && rowKnown < known[j] + S) expected = sv[j];
        }
        if (v === expected) continue;
        if (!byValue) {
          byValue = new Map();
          for (let j = sv.length - 1; j >= 0; j--) byValue.set(sv[j], atOpen ? st[j] : known[j]);
        }
        const vk = byValue.get(v);
        const why = vk === undefined
          ? ", which is no value of the series"
          : vk > rowKnown
          ? `, a value known ${_fmtAhead(vk - rowKnown)} after the row's ${atOpen ? "open" : "close"} (${
            isoTime(vk)
          })`
          : `, a stale value known at ${isoTime(vk)}`;
        add({
          series: jn.series,
          column: col,
          at: isoTime(ts[i])!,
          rowKnownAt: isoTime(rowKnown)!,
          value: v,
          expected,
          valueKnownAt: vk === undefined ? null : isoTime(vk),
        }, why);
      }
      checked.push({ series: jn.series, column: col, rows: n });
    }
    if (jn.knownAt.length === n) {
      for (let i = 0; i < n; i++) {
        const k = jn.knownAt[i];
        if (k > ts[i] + I) {
          add({
            series: jn.series,
            column: "(knownAt)",
            at: isoTime(ts[i])!,
            rowKnownAt: isoTime(ts[i] + I)!,
            value: k,
            expected: NaN,
            valueKnownAt: isoTime(k),
          }, ` (${_fmtAhead(k - ts[i] - I)} after the row's close)`);
        }
      }
    }
  }
  const unverified = names.filter((c) => !covered.has(c));
  return {
    ok: violations.length === 0 && unverified.length === 0,
    violations,
    moreViolations: more,
    unverified,
    checked,
  };
}

/**
 * Throws a CandlelabError listing the first violations (and the unverified columns) when
 * `checkPointInTime` finds any; returns the report otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { assertPointInTime } from "./point_in_time.ts";
 * const x = Float64Array.of(1, 2);
 * const ds = { intervalMs: 1, joins: [], table: aq.table({ timestamp: Float64Array.of(0, 1), close: x, mark_close: x }) };
 * assert.throws(() => assertPointInTime(ds), /mark_close .*no point-in-time join record/);
 * ```
 */
export function assertPointInTime(
  dataset: { table: ColumnTable; intervalMs: number; joins?: JoinInfo[] },
): PointInTimeReport {
  const r = checkPointInTime(dataset, { maxListed: 5 });
  if (r.ok) return r;
  const parts = r.violations.map((v) => v.message);
  if (r.moreViolations) parts.push(`... and ${r.moreViolations} more`);
  if (r.unverified.length) {
    parts.push(
      `columns ${
        r.unverified.join(", ")
      } have no point-in-time join record, so nothing shows when their values became known; load them through lib/data (loadPerpetual / joinPointInTime)`,
    );
  }
  throw new CandlelabError(`Point-in-time check failed: ${parts.join("; ")}`);
}

/**
 * Per row, 1 where some auxiliary **bar** series (mark, spot, ...) has no value yet or no current one
 * (`knownAt` NaN), else 0: what a "missing aux" drop count should blame. Event series (funding) and open
 * columns (`mark_open`, NaN between coarse bars by design) are not counted. Undefined when the dataset has no
 * join records or they no longer match its rows (table sliced after loading).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinPointInTime, rowsWithoutAux } from "./point_in_time.ts";
 * const H = 3_600_000;
 * const t = Float64Array.of(0, H, 2 * H);
 * const { join } = joinPointInTime({ timestamp: t, intervalMs: H }, { name: "mark", kind: "bars", interval: "1h",
 *   timestamp: Float64Array.of(H, 2 * H), values: { mark_close: Float64Array.of(5, 6) } });
 * assert.deepEqual(Array.from(rowsWithoutAux({ table: { numRows: () => 3 }, joins: [join] })!), [1, 0, 0]);
 * ```
 */
export function rowsWithoutAux(
  dataset: { table: { numRows(): number }; joins?: JoinInfo[] },
): Uint8Array | undefined {
  const n = dataset.table.numRows();
  const joins = dataset.joins;
  if (!joins || joins.some((j) => j.knownAt.length !== n)) return undefined;
  const out = new Uint8Array(n);
  for (const j of joins) {
    if (j.kind !== "bars") continue;
    for (let i = 0; i < n; i++) if (j.knownAt[i] !== j.knownAt[i]) out[i] = 1;
  }
  return out;
}

/**
 * The join records re-made for other rows of the same candles (e.g. the table cut before a hold-out):
 * each join is re-run from its kept source onto `grid`, so counts and `knownAt` match the new rows; the
 * series' own interval, rule and `incompleteBuckets` are kept from the original.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinPointInTime, restrictJoins } from "./point_in_time.ts";
 * const H = 3_600_000;
 * const t = Float64Array.of(0, H, 2 * H, 3 * H);
 * const { join } = joinPointInTime({ timestamp: t, intervalMs: H }, { name: "mark", kind: "bars", interval: "1h",
 *   timestamp: Float64Array.of(0, H), values: { mark_close: Float64Array.of(5, 6) } });
 * assert.equal(join.rowsAfterLast, 2);
 * const [cut] = restrictJoins([join], { timestamp: t.subarray(0, 2), intervalMs: H });
 * assert.equal(cut.rows, 2);
 * assert.equal(cut.rowsWithoutValue, 0);
 * ```
 */
export function restrictJoins(joins: readonly JoinInfo[], grid: CandleGrid): JoinInfo[] {
  return joins.map((j) => {
    const { join } = joinPointInTime(grid, {
      name: j.series,
      kind: j.kind,
      interval: formatInterval(j.source.intervalMs),
      timestamp: j.source.timestamp,
      values: j.source.values,
      openColumns: j.openColumns,
    });
    return Object.assign(join, {
      interval: j.interval,
      intervalMs: j.intervalMs,
      rule: j.rule,
      incompleteBuckets: j.incompleteBuckets,
    });
  });
}
