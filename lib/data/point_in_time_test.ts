import assert from "node:assert/strict";
import * as aq from "arquero";
import { loadBars } from "./load.ts";
import { loadPerpetual } from "./market.ts";
import {
  assertPointInTime,
  checkPointInTime,
  joinPointInTime,
  restrictJoins,
  rowsWithoutAux,
} from "./point_in_time.ts";
import { coarseMarkPaths, fifteenMinutePaths, openTimeJoin } from "./point_in_time_fixtures.ts";
import { float64Column } from "../series/columns.ts";
import type { PerpetualDataset } from "./dataset.ts";

const H = 3_600_000;
const M15 = 15 * 60_000;
const RANGE = { start: "2024-01-01", end: "2024-01-08" };

function col(ds: PerpetualDataset, name: string): Float64Array {
  return float64Column(ds.table, name);
}

for (const interval of ["8h", "4h"]) {
  Deno.test(`an ${interval} mark file on 1h candles: each row sees the last ${interval} bar closed by its close, never the one still open`, async () => {
    const paths = await coarseMarkPaths(interval, RANGE);
    const ds = await loadPerpetual(paths, { range: RANGE });
    const I = parseInt(interval) * H;
    const ts = col(ds, "timestamp"), close = col(ds, "close"), markClose = col(ds, "mark_close");
    const mark = (await loadBars(paths.mark, { kind: "mark" })).table;
    const mts = float64Column(mark, "timestamp"), mclose = float64Column(mark, "close");
    const mopen = float64Column(mark, "open");
    const byOpen = new Map<number, number>();
    mts.forEach((t, j) => byOpen.set(t, j));
    for (let i = 0; i < ts.length; i++) {
      const rowClose = ts[i] + H;
      // the coarse bar that closed last at or before the row's close
      const open = Math.floor(rowClose / I) * I - I;
      const j = byOpen.get(open);
      if (j === undefined) assert.ok(Number.isNaN(markClose[i]), `row ${new Date(ts[i]).toISOString()}`);
      else assert.equal(markClose[i], mclose[j], `row ${new Date(ts[i]).toISOString()}`);
      // mark_open (the backtest's funding mark) only where a coarse bar opens at the row's open
      const k = byOpen.get(ts[i]);
      assert.equal(col(ds, "mark_open")[i], k === undefined ? NaN : mopen[k]);
    }
    // premium = close / mark_close - 1 at 00:00 on 2 Jan uses the bar that closed at 00:00, not 00:00's own
    const i0 = ts.indexOf(Date.UTC(2024, 0, 2));
    const own = mclose[byOpen.get(Date.UTC(2024, 0, 2))!];
    const prev = mclose[byOpen.get(Date.UTC(2024, 0, 2) - I)!];
    assert.equal(close[i0] / markClose[i0] - 1, close[i0] / prev - 1);
    assert.notEqual(markClose[i0], own);
    const join = ds.joins!.find((j) => j.series === "mark")!;
    assert.equal(join.rule, "carried");
    assert.equal(join.interval, interval);
    assert.equal(join.rowsBeforeFirst, I / H - 1); // the first coarse bar closes at 0h + interval
    assert.equal(join.rowsInGaps, 0);
    assert.equal(join.rowsWithoutValue, I / H - 1);
    const missing = rowsWithoutAux(ds)!; // mark_open's NaN between coarse bars is not "missing aux"
    assert.equal(missing.reduce((a, b) => a + b, 0), I / H - 1);
    assert.equal(missing[I / H - 2], 1);
    assert.equal(missing[I / H - 1], 0);
    // cut to the first day (as before a hold-out): the same known-at times, counts of those rows
    const cut = restrictJoins(ds.joins!, { timestamp: ts.subarray(0, 24), intervalMs: H });
    const cutMark = cut.find((j) => j.series === "mark")!;
    assert.deepEqual(cutMark.knownAt, join.knownAt.slice(0, 24));
    assert.equal(cutMark.rows, 24);
    assert.equal(cutMark.rule, "carried");
    assert.equal(cutMark.rowsWithoutValue, I / H - 1);
    assert.equal(checkPointInTime(ds).ok, true);

    // The old join (same open time) is caught, naming how far ahead it looked.
    const leaked = openTimeJoin(ts, mts, mclose);
    const bad = { ...ds, table: ds.table.assign({ mark_close: leaked }) };
    const r = checkPointInTime(bad);
    assert.equal(r.ok, false);
    assert.match(
      r.violations[0].message,
      new RegExp(
        `mark column mark_close on the row at 2024-01-01T00:00:00.000Z .* known ${I / H - 1} h after`,
      ),
    );
    assert.throws(() => assertPointInTime(bad), /Point-in-time check failed: mark column mark_close/);
  });
}

Deno.test("15m candles with 1h mark and 1h spot: premium and basis inputs lag to the last closed hour (no 45-min look-ahead)", async () => {
  const p = await fifteenMinutePaths(4 * 24 * 4, 3);
  const ds = await loadPerpetual(p);
  assert.equal(ds.intervalMs, M15);
  const ts = col(ds, "timestamp"), markClose = col(ds, "mark_close"), spotClose = col(ds, "spot_close");
  const mark = (await loadBars(p.mark)).table, spot = (await loadBars(p.spot)).table;
  const mts = float64Column(mark, "timestamp");
  for (let i = 0; i < ts.length; i++) {
    const rowClose = ts[i] + M15;
    const j = mts.indexOf(Math.floor(rowClose / H) * H - H);
    assert.equal(markClose[i], j < 0 ? NaN : mark.get("close", j));
    assert.equal(spotClose[i], j < 0 ? NaN : spot.get("close", j));
  }
  // rows 00:00, 00:15, 00:30 of day 2 see the 23:00 bar; 00:45 (closing 01:00) sees the 00:00 bar
  const d2 = ts.indexOf(Date.UTC(2024, 0, 2));
  const at = (t: number) => mark.get("close", mts.indexOf(t));
  assert.deepEqual(
    Array.from(markClose.slice(d2, d2 + 4)),
    [
      at(Date.UTC(2024, 0, 1, 23)),
      at(Date.UTC(2024, 0, 1, 23)),
      at(Date.UTC(2024, 0, 1, 23)),
      at(Date.UTC(2024, 0, 2)),
    ],
  );
  const joins = Object.fromEntries(ds.joins!.map((j) => [j.series, j]));
  assert.equal(joins.mark.rule, "carried");
  assert.equal(joins.spot.rule, "carried");
  assert.equal(joins.spot.rowsBeforeFirst, 3);
  assert.equal(checkPointInTime(ds).ok, true);
  const leaked = openTimeJoin(ts, float64Column(spot, "timestamp"), float64Column(spot, "close"));
  const r = checkPointInTime({ ...ds, table: ds.table.assign({ spot_close: leaked }) });
  assert.match(
    r.violations[0].message,
    /spot column spot_close on the row at .* known 45 min after the row's close/,
  );
});

Deno.test("a finer mark (15m) on 1h candles is aggregated to complete hours; an incomplete hour is NaN and counted", async () => {
  const p = await fifteenMinutePaths(4 * 48, 5);
  const ds = await loadPerpetual({
    candles: p.candles1h,
    funding: p.funding,
    mark: p.mark15m,
    spot: p.spot15m,
  });
  const mark1h = (await loadBars(p.mark)).table; // the same 15m bars resampled by lib/data/resample.ts
  for (const k of ["open", "high", "low", "close"]) {
    assert.deepEqual(col(ds, `mark_${k}`), float64Column(mark1h, k), k);
  }
  assert.deepEqual(col(ds, "spot_close"), float64Column((await loadBars(p.spot)).table, "close"));
  assert.equal(ds.joins!.find((j) => j.series === "mark")!.rule, "resampled");
  assert.equal(checkPointInTime(ds).ok, true);

  // one 15m bar missing: its hour has no value (never a close taken 15 min early)
  const m15 = (await loadBars(p.mark15m)).table;
  const keep = (t: number) => t !== Date.UTC(2024, 0, 1, 5, 45);
  const mts = float64Column(m15, "timestamp");
  const idx = Array.from(mts.keys()).filter((i) => keep(mts[i]));
  const { columns, join } = joinPointInTime({ timestamp: col(ds, "timestamp"), intervalMs: H }, {
    name: "mark",
    kind: "bars",
    interval: "15m",
    timestamp: Float64Array.from(idx, (i) => mts[i]),
    values: { mark_close: Float64Array.from(idx, (i) => float64Column(m15, "close")[i]) },
  });
  assert.ok(Number.isNaN(columns.mark_close[5]));
  assert.equal(columns.mark_close[6], col(ds, "mark_close")[6]);
  assert.equal(join.incompleteBuckets, 1);
  assert.equal(join.rowsInGaps, 1);
  assert.equal(join.rowsWithoutValue, 1);
});

Deno.test("joinPointInTime() refuses a finer series that does not divide the candle interval, and events inside a candle", () => {
  const ts = Float64Array.from({ length: 4 }, (_, i) => i * H);
  assert.throws(
    () =>
      joinPointInTime({ timestamp: ts, intervalMs: H }, {
        name: "mark",
        kind: "bars",
        interval: "25m",
        timestamp: Float64Array.of(0),
        values: { mark_close: Float64Array.of(1) },
      }),
    /mark series \(25m\) onto 1h candles: it is finer and 1h is not a whole multiple of 25m.*resample the mark file to 1h/,
  );
  const days = Float64Array.from({ length: 3 }, (_, i) => i * 24 * H);
  assert.throws(
    () =>
      joinPointInTime({ timestamp: days, intervalMs: 24 * H }, {
        name: "funding",
        kind: "events",
        interval: "8h",
        timestamp: Float64Array.of(0, 8 * H),
        values: { funding_rate: Float64Array.of(1e-4, 2e-4) },
      }),
    /event at 1970-01-01T08:00:00.000Z falls inside the 1d candle that opens at 1970-01-01T00:00:00.000Z.*divides 8h/,
  );
  assert.throws(
    () =>
      joinPointInTime({ timestamp: ts, intervalMs: H }, {
        name: "spot",
        kind: "bars",
        interval: "1h",
        timestamp: Float64Array.of(H, 0),
        values: { spot_close: Float64Array.of(1, 2) },
      }),
    /spot series: timestamps must be strictly increasing/,
  );
});

Deno.test("the bundled 1h data joins exactly as before (same open time), rule 'same', and passes the check", async () => {
  const d = "data/raw/binance_BTC_USDT";
  const ds = await loadPerpetual({
    candles: `${d}_perp_1h.parquet`,
    funding: `${d}_perp_8h_funding.parquet`,
    mark: `${d}_perp_1h_mark.parquet`,
    spot: `${d}_spot_1h.parquet`,
  });
  const ts = col(ds, "timestamp");
  const mark = (await loadBars(`${d}_perp_1h_mark.parquet`)).table;
  const spot = (await loadBars(`${d}_spot_1h.parquet`)).table;
  const same = (a: Float64Array, b: Float64Array) => a.every((x, i) => Object.is(x, b[i]));
  for (const k of ["open", "high", "low", "close"]) {
    const want = openTimeJoin(ts, float64Column(mark, "timestamp"), float64Column(mark, k));
    assert.ok(same(col(ds, `mark_${k}`), want), k);
  }
  const wantSpot = openTimeJoin(ts, float64Column(spot, "timestamp"), float64Column(spot, "close"));
  assert.ok(same(col(ds, "spot_close"), wantSpot));
  assert.deepEqual(ds.joins!.map((j) => [j.series, j.rule]), [["funding", "events"], ["mark", "same"], [
    "spot",
    "same",
  ]]);
  const report = checkPointInTime(ds);
  assert.equal(report.ok, true, JSON.stringify(report.violations.slice(0, 2)));
  assert.deepEqual(report.unverified, []);
  const markJoin = ds.joins!.find((j) => j.series === "mark")!;
  assert.equal(markJoin.rowsWithoutValue, ts.filter((_, i) => Number.isNaN(col(ds, "mark_close")[i])).length);
});

Deno.test("checkPointInTime() flags unverified columns and a join whose known-at is after the row's close", () => {
  const ts = Float64Array.of(0, H, 2 * H);
  const spot = {
    name: "spot",
    kind: "bars" as const,
    interval: "1h",
    timestamp: ts,
    values: { spot_close: Float64Array.of(10, 11, 12) },
  };
  const { columns, join } = joinPointInTime({ timestamp: ts, intervalMs: H }, spot);
  assert.deepEqual(Array.from(join.knownAt), [H, 2 * H, 3 * H]);
  const c = Float64Array.of(1, 1, 1);
  const table = joinTable(ts, c, { ...columns, open_interest: c });
  const r = checkPointInTime({ intervalMs: H, joins: [join], table });
  assert.deepEqual(r.unverified, ["open_interest"]);
  assert.equal(r.ok, false);
  const late = { ...join, knownAt: Float64Array.of(H, 2 * H, 4 * H) };
  const r2 = checkPointInTime({ intervalMs: H, joins: [late], table: joinTable(ts, c, columns) });
  assert.match(
    r2.violations[0].message,
    /spot column \(knownAt\) on the row at 1970-01-01T02:00:00.000Z .*1 h after/,
  );
});

function joinTable(ts: Float64Array, c: Float64Array, extra: Record<string, Float64Array>) {
  return aq.table({ timestamp: ts, open: c, high: c, low: c, close: c, volume: c, ...extra });
}

Deno.test("loadPerpetual() refuses candles or a mark file whose bars do not match the interval their name says", async () => {
  const p = await fifteenMinutePaths(4 * 24, 9);
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(p.candles, `${dir}/binance_BTC_USDT_perp_1h.parquet`);
  await assert.rejects(
    () =>
      loadPerpetual({ candles: `${dir}/binance_BTC_USDT_perp_1h.parquet`, funding: p.funding, mark: p.mark }),
    /candles are declared 1h .* but their bars are 15m apart/,
  );
  await Deno.copyFile(p.mark15m, `${dir}/binance_BTC_USDT_perp_1h_mark.parquet`);
  await assert.rejects(
    () =>
      loadPerpetual({
        candles: p.candles1h,
        funding: p.funding,
        mark: `${dir}/binance_BTC_USDT_perp_1h_mark.parquet`,
      }),
    /mark file .*perp_1h_mark\.parquet: its name or metadata says 1h but its bars are 15m apart/,
  );
});

Deno.test("loadPerpetual() reads a coarser mark file from one aux interval before the range, so the first rows have the bar closed at the start", async () => {
  const paths = await coarseMarkPaths("8h", { start: "2023-12-31", end: "2024-01-03" });
  const ds = await loadPerpetual(paths, { range: { start: "2024-01-01", end: "2024-01-02" } });
  const join = ds.joins!.find((j) => j.series === "mark")!;
  assert.equal(join.rowsBeforeFirst, 0);
  assert.equal(join.rowsWithoutValue, 0);
  const mark = (await loadBars(paths.mark, { kind: "mark" })).table;
  const j = float64Column(mark, "timestamp").indexOf(Date.UTC(2023, 11, 31, 16));
  assert.equal(col(ds, "mark_close")[0], mark.get("close", j));
  assert.equal(col(ds, "timestamp")[0], Date.UTC(2024, 0, 1));
  assert.equal(checkPointInTime(ds).ok, true);
});
