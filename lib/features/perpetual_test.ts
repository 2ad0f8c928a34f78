import assert from "node:assert/strict";
import { loadPerpetual } from "../data/market.ts";
import { float64Column } from "../series/columns.ts";
import { loadBars } from "../data/load.ts";
import { coarseMarkPaths, fifteenMinutePaths } from "../data/point_in_time_fixtures.ts";
import { computeFeatureSet, resolveFeatureSet } from "./set.ts";

const H = 3_600_000;

Deno.test("premium on 1h candles with an 8h mark file uses the mark bar closed by the row's close (issue #11: 7 h look-ahead)", async () => {
  const range = { start: "2024-01-01", end: "2024-01-04" };
  const paths = await coarseMarkPaths("8h", range);
  const ds = await loadPerpetual(paths, { range });
  const out = computeFeatureSet(
    ds.table,
    resolveFeatureSet({ name: "p", features: [{ feature: "premium" }] }),
  );
  const ts = float64Column(out, "timestamp"), close = float64Column(out, "close");
  const premium = float64Column(out, "premium");
  const mark = (await loadBars(paths.mark, { kind: "mark" })).table;
  const mts = float64Column(mark, "timestamp"), mclose = float64Column(mark, "close");
  for (let i = 0; i < ts.length; i++) {
    const j = mts.indexOf(Math.floor((ts[i] + H) / (8 * H)) * 8 * H - 8 * H); // last 8h bar closed by ts + 1h
    const want = j < 0 ? NaN : close[i] / mclose[j] - 1;
    assert.ok(Object.is(premium[i], want), `${new Date(ts[i]).toISOString()}: ${premium[i]} vs ${want}`);
  }
  // at 00:00 on 2 Jan the 8h bar opening then (closing 08:00) is not visible
  const i0 = ts.indexOf(Date.UTC(2024, 0, 2));
  assert.notEqual(premium[i0], close[i0] / mclose[mts.indexOf(Date.UTC(2024, 0, 2))] - 1);
});

Deno.test("basis and premium on 15m candles with 1h spot and mark see the last closed hour (issue #11: 45 min look-ahead)", async () => {
  const p = await fifteenMinutePaths(4 * 24 * 3, 11);
  const ds = await loadPerpetual(p);
  const set = resolveFeatureSet({ name: "p", features: [{ feature: "premium" }, { feature: "basis" }] });
  const out = computeFeatureSet(ds.table, set, { market: "perpetual" });
  const ts = float64Column(out, "timestamp"), close = float64Column(out, "close");
  const spot = (await loadBars(p.spot)).table, mark = (await loadBars(p.mark)).table;
  const sts = float64Column(spot, "timestamp");
  for (let i = 0; i < ts.length; i++) {
    const j = sts.indexOf(Math.floor((ts[i] + 15 * 60_000) / H) * H - H);
    const b = j < 0 ? NaN : close[i] / spot.get("close", j) - 1;
    const m = j < 0 ? NaN : close[i] / mark.get("close", j) - 1;
    assert.ok(Object.is(out.get("basis", i), b), `basis ${new Date(ts[i]).toISOString()}`);
    assert.ok(Object.is(out.get("premium", i), m), `premium ${new Date(ts[i]).toISOString()}`);
  }
});
