import assert from "node:assert/strict";
import * as aq from "arquero";
import { checkCausality, checkWarmup, resolveFeatureSet } from "../features/mod.ts";
import {
  causalityTable,
  correlationMatrix,
  featureSummary,
  latestModelImportance,
  leakyDemoFeatureSet,
  warmupTable,
} from "./features_views.ts";

const _bars = (n: number) => {
  const close = new Float64Array(n).map((_, i) => 100 + 10 * Math.sin(i / 7) + i * 0.05);
  return aq.table({ timestamp: close.map((_, i) => i * 3_600_000), close });
};

Deno.test("featureSummary() counts warm-up NaNs apart from the finite values", () => {
  const t = featureSummary({ a: Float64Array.of(NaN, NaN, 1, 3), b: Float64Array.of(4, 4, 4, 4) }, [
    "a",
    "b",
  ]);
  assert.deepEqual(t.columnNames(), ["feature", "finite", "nan", "mean", "std", "min", "median", "max"]);
  assert.deepEqual(Array.from(t.array("nan") as Float64Array), [2, 0]);
  assert.equal(t.get("mean", 0), 2);
  assert.equal(t.get("std", 1), 0);
});

Deno.test("correlationMatrix() uses only rows where every column is finite", () => {
  const m = correlationMatrix({
    a: Float64Array.of(1, 2, 3, 4, 1000),
    b: Float64Array.of(-1, -2, -3, -4, NaN),
  }, ["a", "b"]);
  assert.ok(Math.abs(m[0][1] + 1) < 1e-12, `expected -1, got ${m[0][1]}`);
  assert.equal(m[1][1], 1);
});

Deno.test("causalityTable() reports the deliberately biased feature as looking ahead", () => {
  const report = checkCausality(_bars(80), leakyDemoFeatureSet(), { cuts: [20, 50] });
  const t = causalityTable(report);
  assert.equal(t.numRows(), 2);
  assert.deepEqual(t.array("status"), ["LOOKS AHEAD", "LOOKS AHEAD"]);
  assert.deepEqual(t.array("column"), ["next_close", "next_close"]);
  assert.equal(t.get("row", 0), 19);
});

Deno.test("causalityTable() and warmupTable() show one ok row for a causal feature set", () => {
  const set = resolveFeatureSet({ name: "s", features: [{ feature: "rsi" }] });
  const c = causalityTable(checkCausality(_bars(300), set, { cuts: 2 }));
  assert.equal(c.get("status", 0), "ok");
  const w = warmupTable(checkWarmup(_bars(300), set, { cuts: 2 }));
  assert.equal(w.get("status", 0), "ok");
});

Deno.test("latestModelImportance() is undefined for a strategy with no registered model", async () => {
  const root = await Deno.makeTempDir();
  assert.equal(await latestModelImportance(root, "nothing_here"), undefined);
  await Deno.remove(root, { recursive: true });
});
