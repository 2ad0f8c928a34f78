import assert from "node:assert/strict";
import * as aq from "arquero";
import { CandlelabError } from "../util/errors.ts";
import { computeLabels, labelColumn, NO_LABEL, parseLabelSpec } from "./labels.ts";
import { loadLabelSpec } from "./config.ts";
import { LONG, NEUTRAL, SHORT } from "./classes.ts";
import { loadFeatureSetSpec } from "../features/config.ts";
import { computeFeatureColumns, resolveFeatureSet } from "../features/set.ts";
import { selectValidRows } from "../features/valid.ts";
import { _synthPerp } from "../features/_testdata.ts";
import { _peerExpected, _peerInput } from "../features/_testdata.ts";

const CONFIGS = new URL("../../configs/", import.meta.url).pathname;

Deno.test("the peer label preset reproduces the peer's labels and kept rows exactly", async () => {
  const table = await _peerInput();
  const set = resolveFeatureSet(await loadFeatureSetSpec("peer30", `${CONFIGS}features`));
  const cols = computeFeatureColumns(table, set);
  const labels = computeLabels(table, await loadLabelSpec("peer", `${CONFIGS}labels`));
  const fwd = labels.fwd;
  const sel = selectValidRows([...Object.values(cols), fwd]);
  assert.equal(sel.droppedWarmup, 240);
  assert.equal(sel.kept, 1245);
  const { columns, rowIndex } = await _peerExpected();
  for (let k = 0; k < rowIndex.length; k++) {
    const i = rowIndex[k];
    assert.equal(sel.mask[i], 1);
    assert.equal(labels.y[i], columns.label[k] + 1, `row ${i}`);
  }
  const counts = [0, 0, 0];
  for (const i of sel.index) counts[labels.y[i]]++;
  assert.deepEqual(counts, [361, 512, 372]); // the peer's class_counts on the same rows
});

Deno.test("computeLabels() marks the last horizon rows invalid instead of guessing", () => {
  const close = new Float64Array(50).map((_, i) => 100 + Math.sin(i));
  const l = computeLabels(aq.table({ close }), { kind: "fixed", horizon: 5, threshold: 0 });
  assert.equal(l.horizon, 5);
  for (let i = 45; i < 50; i++) {
    assert.equal(l.valid[i], 0);
    assert.equal(l.y[i], NO_LABEL);
    assert.ok(Number.isNaN(labelColumn(l)[i]));
  }
  assert.equal(l.validCount, 45);
});

Deno.test("a label at row t depends only on rows up to t + horizon", () => {
  const n = 300;
  const close = new Float64Array(n).map((_, i) => 100 * Math.exp(0.01 * Math.sin(i * 0.7) + 0.002 * i));
  const high = close.map((c) => c * 1.002);
  const low = close.map((c) => c * 0.998);
  for (const spec of [{ kind: "vol_scaled" as const }, { kind: "triple_barrier" as const, horizon: 10 }]) {
    const full = computeLabels(aq.table({ close, high, low }), spec);
    const cut = 200;
    const part = computeLabels(
      aq.table({ close: close.slice(0, cut), high: high.slice(0, cut), low: low.slice(0, cut) }),
      spec,
    );
    for (let t = 0; t + full.horizon < cut; t++) assert.equal(part.y[t], full.y[t], `${spec.kind} row ${t}`);
  }
});

Deno.test("triple barrier labels the first barrier touched, and a same-bar double touch as neutral", () => {
  // vol of constant +-1% alternating returns is ~0.01; barriers at c * exp(+-0.01 * sqrt(3))
  const n = 40;
  const close = new Float64Array(n).map((_, i) => 100 * Math.exp(i % 2 ? 0.01 : 0));
  const high = close.slice();
  const low = close.slice();
  const t = 30;
  high[t + 2] = close[t] * 1.05; // upper touched at t+2
  low[t + 3] = close[t] * 0.95; // lower touched later
  const spec = { kind: "triple_barrier" as const, horizon: 3, volWindow: 10 };
  let l = computeLabels(aq.table({ close, high, low }), spec);
  assert.equal(l.y[t], LONG);
  low[t + 1] = close[t] * 0.95; // lower touched first
  l = computeLabels(aq.table({ close, high, low }), spec);
  assert.equal(l.y[t], SHORT);
  high[t + 1] = close[t] * 1.05; // both in the same bar
  l = computeLabels(aq.table({ close, high, low }), spec);
  assert.equal(l.y[t], NEUTRAL);
  l = computeLabels(aq.table({ close, high, low }), { ...spec, onTimeout: "sign" });
  assert.equal(l.y[t - 10], close[t - 7] > close[t - 10] ? LONG : SHORT); // no touch: sign of return
});

Deno.test("parseLabelSpec() rejects an unknown kind and a non-integer horizon, naming the field", () => {
  assert.throws(
    () => parseLabelSpec({ kind: "nope" } as never),
    (e: Error) => e instanceof CandlelabError && /kind/.test(e.message),
  );
  assert.throws(
    () => parseLabelSpec({ kind: "fixed", horizon: 1.5 }),
    (e: Error) => e instanceof CandlelabError && /horizon/.test(e.message),
  );
});

Deno.test("computeLabels() refuses a non-positive close with the row", () => {
  assert.throws(
    () => computeLabels(aq.table({ close: Float64Array.of(1, 0, 2) }), { kind: "fixed", horizon: 1 }),
    /row 1 has 0/,
  );
});

Deno.test("computeLabels() gives the same bits with the features' volatility and log return passed in and a caller's allocator", () => {
  const table = _synthPerp(140_000); // columns of >= 512 KiB come from the arena
  const set = resolveFeatureSet({
    name: "v",
    features: [
      { feature: "volatility", params: { window: 30 } },
      ...[3, 5, 7].map((lag) => ({ feature: "log_return", params: { lag } })),
    ],
  });
  const feats = computeFeatureColumns(table, set);
  for (
    const spec of [
      { kind: "vol_scaled" as const, horizon: 7, k: 0.3, volWindow: 30 },
      { kind: "triple_barrier" as const, horizon: 5, volWindow: 30, onTimeout: "sign" as const },
      { kind: "fixed" as const, horizon: 3 },
    ]
  ) {
    const plain = computeLabels(table, spec);
    let calls = 0;
    const reused = computeLabels(table, spec, {
      vol: feats.vol_30,
      logReturn: feats[`ret_${spec.horizon}`],
      alloc: (n) => (calls++, new Float64Array(n)),
    });
    assert.ok(calls > 0, spec.kind);
    assert.deepEqual(reused.y, plain.y, spec.kind);
    assert.deepEqual(reused.valid, plain.valid, spec.kind);
    assert.equal(reused.validCount, plain.validCount);
    const bits = (x: Float64Array) => new BigUint64Array(x.buffer, x.byteOffset, x.length);
    assert.deepEqual(bits(reused.fwd), bits(plain.fwd), spec.kind);
  }
});

Deno.test("computeLabels() refuses a volatility or log return that does not belong to the table and spec", () => {
  const table = _synthPerp(2_000);
  const set = resolveFeatureSet({
    name: "v",
    features: [{ feature: "volatility", params: { window: 15 } }, {
      feature: "volatility",
      params: { window: 60 },
    }],
  });
  const cols = computeFeatureColumns(table, set);
  const spec = { kind: "vol_scaled" as const, volWindow: 60 };
  assert.doesNotThrow(() => computeLabels(table, spec, { vol: cols.vol_60 }));
  assert.throws(
    () => computeLabels(table, spec, { vol: cols.vol_15 }),
    (e: Error) =>
      e instanceof CandlelabError &&
      /options\.vol is not the rolling std .* volWindow = 60.*vol_60/.test(e.message),
  );
  assert.throws(
    () => computeLabels(table, spec, { vol: cols.vol_60.subarray(1) }),
    (e: Error) => e instanceof CandlelabError && /1999 rows but the table has 2000/.test(e.message),
  );
  const rets = computeFeatureColumns(
    table,
    resolveFeatureSet({ name: "r", features: [{ feature: "log_return", params: { lag: 14 } }] }),
  );
  assert.throws(
    () => computeLabels(table, { kind: "fixed", horizon: 15 }, { logReturn: rets.ret_14 }),
    (e: Error) =>
      e instanceof CandlelabError &&
      /options\.logReturn is not log\(c_t \/ c_\{t-15\}\).*ret_15/.test(e.message),
  );
  const shifted = new Float64Array(2_000);
  shifted.set(cols.vol_60.subarray(0, 1_999), 1); // one row late: NaN where it must be defined
  assert.throws(() => computeLabels(table, spec, { vol: shifted }), /row 60/);
});
