import assert from "node:assert/strict";
import * as aq from "arquero";
import { computeQuality } from "../data/quality.ts";
import { describeValues, fundingEvents, gapTable, logReturns, qualityView } from "./exploration.ts";

const H = 3_600_000;

Deno.test("qualityView() shows the gap counts and lists hard findings before warnings", () => {
  const ts = Float64Array.of(0, H, 2 * H, 10 * H, 11 * H);
  const r = computeQuality({
    kind: "ohlcv",
    timestamp: ts,
    columns: { close: Float64Array.of(1, 2, -3, 4, 5) },
  });
  const html = qualityView(r, "BTC spot").html;
  assert.match(html, /gaps \/ missing bars<\/th><td>1 \/ 7/);
  const hard = html.indexOf("<b>hard</b>"), warn = html.indexOf("<b>warning</b>");
  assert.ok(hard >= 0, "a negative price is a hard finding");
  if (warn >= 0) assert.ok(hard < warn);
});

Deno.test("gapTable() lists each gap with its bounds in UTC ms", () => {
  const r = computeQuality({ kind: "ohlcv", timestamp: Float64Array.of(0, H, 5 * H, 6 * H), columns: {} });
  const g = gapTable(r);
  assert.deepEqual(g.objects(), [{ from_time: H, to_time: 5 * H, missing_bars: 3, hours: 4 }]);
});

Deno.test("logReturns() looks only backwards: each value uses the current and the previous close", () => {
  const close = Float64Array.of(100, 101, 99, 120);
  const full = logReturns(close);
  const cut = logReturns(close.subarray(0, 3));
  assert.deepEqual(Array.from(full.subarray(0, 3)), Array.from(cut));
});

Deno.test("describeValues() ignores non-finite values and computes moments", () => {
  const t = describeValues(Float64Array.of(-1, 0, 1, NaN, Infinity));
  const v = Object.fromEntries(
    (t.objects() as { statistic: string; value: number }[]).map((o) => [o.statistic, o.value]),
  );
  assert.equal(v.count, 3);
  assert.equal(v.mean, 0);
  assert.equal(v.std, 1);
  assert.equal(v.skew, 0);
  assert.equal(v.min, -1);
});

Deno.test("fundingEvents() keeps only rows with a funding rate, in order", () => {
  const t = aq.table({
    timestamp: Float64Array.of(0, H, 2 * H, 8 * H),
    funding_rate: Float64Array.of(1e-4, NaN, NaN, -2e-4),
  });
  assert.deepEqual(fundingEvents(t).objects(), [{ timestamp: 0, funding_rate: 1e-4 }, {
    timestamp: 8 * H,
    funding_rate: -2e-4,
  }]);
});
