import assert from "node:assert/strict";
import { z } from "zod";
import { type AnyFeatureDef, defineFeature } from "./feature.ts";
import { FEATURES } from "./registry.ts";
import {
  assertLeakFree,
  checkCausality,
  checkWarmup,
  describeCausalityViolation,
  describeWarmupViolation,
  purgeEmbargo,
} from "./causality.ts";
import { featureSetLookback, resolveFeatureSet } from "./set.ts";
import { ewm, recursiveLookback, rollingMean } from "../series/kernels.ts";
import { CandlelabError } from "../util/errors.ts";
import { _synthPerp } from "./_testdata.ts";

const TABLE = _synthPerp(700);
const ALL = resolveFeatureSet({
  name: "all",
  features: [...FEATURES.keys()].map((feature) => ({ feature })),
});

// Deliberately biased: reads the next bar's close (a negative shift). Lives here, never in the registry.
const peekNext = defineFeature({
  name: "peek_next",
  description: "BIASED: next close / close - 1",
  params: z.strictObject({}),
  requires: "any",
  inputs: ["close"],
  lookback: () => 0,
  columns: () => ["peek_next"],
  compute: (ctx) => {
    const c = ctx.col("close");
    return [c.map((v, i) => (i + 1 < c.length ? c[i + 1] / v - 1 : NaN))];
  },
});

// Under-declared lookbacks: a 20-bar mean declaring 5, and an EMA(50) declaring 10.
const shortMean = defineFeature({
  name: "short_mean",
  description: "20-bar mean of close, lookback wrongly declared as 5",
  params: z.strictObject({}),
  requires: "any",
  inputs: ["close"],
  lookback: () => 5,
  columns: () => ["mean_20"],
  compute: (ctx) => [rollingMean(ctx.col("close"), 20)],
});
const shortEma = defineFeature({
  name: "short_ema",
  description: "EMA(50) of close, lookback wrongly declared as 10",
  params: z.strictObject({}),
  requires: "any",
  inputs: ["close"],
  lookback: () => 10,
  columns: () => ["ema50_bad"],
  compute: (ctx) => [ewm(ctx.col("close"), 2 / 51)],
});

const TEST_REGISTRY = new Map<string, AnyFeatureDef>([
  ...FEATURES,
  ["peek_next", peekNext],
  ["short_mean", shortMean],
  ["short_ema", shortEma],
]);

Deno.test("every registered feature is causal: prefixes give bitwise-identical values", () => {
  const report = checkCausality(TABLE, ALL, { cuts: [300, 451, 699] });
  assert.deepEqual(report.violations, []);
  assert.equal(report.cuts.length, 3);
  assert.equal(report.columns, ALL.columns.length);
});

Deno.test("every registered feature is stable after its declared lookback, whatever history was loaded", () => {
  const report = checkWarmup(TABLE, ALL, { cuts: [1, 37, 200, 400] });
  assert.deepEqual(report.violations, []);
  assert.equal(report.starts.length, 4);
});

Deno.test("long recursive windows are stable after their lookback too (EMA 200, MACD, RSI 30)", () => {
  const set = resolveFeatureSet({
    name: "long",
    features: [
      { feature: "close_ema", params: { span: 200 } },
      { feature: "macd", params: { fast: 50, slow: 100, signal: 20 } },
      { feature: "rsi", params: { period: 30 } },
      { feature: "funding_mean", params: { events: 9 } },
    ],
  });
  const table = _synthPerp(2400);
  assert.deepEqual(checkWarmup(table, set, { cuts: [5, 300] }).violations, []);
  assert.deepEqual(checkCausality(table, set, { cuts: [2000] }).violations, []);
});

Deno.test("the causality check catches a feature that reads the next bar", () => {
  const set = resolveFeatureSet({
    name: "biased",
    features: [{ feature: "log_return" }, { feature: "peek_next" }],
  }, TEST_REGISTRY);
  const report = checkCausality(TABLE, set, { cuts: [100, 500] });
  assert.equal(report.ok, false);
  assert.deepEqual(report.violations.map((v) => [v.column, v.cut, v.row]), [["peek_next", 100, 99], [
    "peek_next",
    500,
    499,
  ]]);
  assert.throws(
    () => assertLeakFree(TABLE, set, { cuts: 2 }),
    (e: Error) => e instanceof CandlelabError && /peek_next/.test(e.message) && /looks ahead/.test(e.message),
  );
});

Deno.test("violations name the feature, the bar's ISO timestamp and both values (not a row number)", () => {
  const set = resolveFeatureSet({ name: "biased", features: [{ feature: "peek_next" }] }, TEST_REGISTRY);
  const v = checkCausality(TABLE, set, { cuts: [100] }).violations[0];
  const ts = TABLE.array("timestamp") as Float64Array;
  assert.equal(v.timestamp, ts[99]);
  const text = describeCausalityViolation(v);
  assert.ok(text.includes(new Date(ts[99]).toISOString()), text);
  assert.ok(text.includes(String(v.full)) && text.includes(String(v.truncated)), text);
  assert.ok(!/row \d/.test(text), text);
  const short = resolveFeatureSet({ name: "short", features: [{ feature: "short_mean" }] }, TEST_REGISTRY);
  const w = checkWarmup(TABLE, short, { cuts: [100] }).violations[0];
  assert.equal(w.timestamp, ts[w.row]);
  const wt = describeWarmupViolation(w);
  assert.ok(wt.includes(new Date(ts[w.row]).toISOString()) && wt.includes(String(w.full)), wt);
});

Deno.test("the warm-up check reports an under-declared lookback and the lookback it needs", () => {
  const set = resolveFeatureSet({
    name: "short",
    features: [{ feature: "short_mean" }, { feature: "short_ema" }],
  }, TEST_REGISTRY);
  const report = checkWarmup(TABLE, set, { cuts: [100] });
  const byCol = Object.fromEntries(report.violations.map((v) => [v.column, v]));
  assert.equal(byCol.mean_20.declaredLookback, 5);
  assert.equal(byCol.mean_20.neededLookback, 19);
  assert.equal(byCol.ema50_bad.declaredLookback, 10);
  assert.ok(byCol.ema50_bad.neededLookback > 10);
  // and a correctly declared EMA(50) passes the same check
  const good = resolveFeatureSet({ name: "good", features: [{ feature: "ema", params: { span: 50 } }] });
  assert.ok(checkWarmup(TABLE, good, { cuts: [100] }).ok);
});

Deno.test("purgeEmbargo() derives purge = horizon and embargo = horizon + lookback", () => {
  const g = purgeEmbargo(ALL, { horizon: 15 });
  const L = featureSetLookback(ALL);
  assert.deepEqual(g, { horizon: 15, lookback: L, purge: 15, embargo: 15 + L });
  assert.equal(L, recursiveLookback(2 / 27) + recursiveLookback(2 / 10)); // MACD(12, 26, 9) is the longest
  assert.throws(() => purgeEmbargo(ALL, { horizon: 0 }), /current value is 0/);
});
