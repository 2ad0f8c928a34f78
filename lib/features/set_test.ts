import assert from "node:assert/strict";
import * as aq from "arquero";
import { z } from "zod";
import { type AnyFeatureDef, defineFeature } from "./feature.ts";
import { CandlelabError } from "../util/errors.ts";
import { loadConfig } from "../config/load.ts";
import { FeatureSetSchema } from "./config.ts";
import { applyFeature, computeFeatureColumns, computeFeatureSet, resolveFeatureSet } from "./set.ts";
import { FEATURES } from "./registry.ts";
import { selectValidRows } from "./valid.ts";
import { _synthPerp } from "./_testdata.ts";

const spot = () => {
  const t = _synthPerp(300);
  return t.select("timestamp", "open", "high", "low", "close", "volume");
};
const err = (re: RegExp) => (e: Error) => e instanceof CandlelabError && re.test(e.message);

Deno.test("an unknown feature name is refused, naming it and listing the known ones", () => {
  assert.throws(
    () => resolveFeatureSet({ name: "x", features: [{ feature: "rsl" }] }),
    err(/entry 0 \(feature "rsl"\).*not in the registry.*rsi/),
  );
});

Deno.test("an unknown or invalid parameter is refused, naming the feature and the field", () => {
  assert.throws(
    () => resolveFeatureSet({ name: "x", features: [{ feature: "rsi", params: { perod: 3 } }] }),
    err(/"rsi".*perod/),
  );
  assert.throws(
    () => resolveFeatureSet({ name: "x", features: [{ feature: "rsi", params: { period: 0 } }] }),
    err(/period/),
  );
});

Deno.test("duplicate output columns and bad renames are refused", () => {
  assert.throws(
    () => resolveFeatureSet({ name: "x", features: [{ feature: "rsi" }, { feature: "rsi" }] }),
    err(/rsi_14.*already/),
  );
  assert.throws(
    () => resolveFeatureSet({ name: "x", features: [{ feature: "rsi", rename: { rsi_15: "r" } }] }),
    err(/rename key "rsi_15"/),
  );
});

Deno.test("a window longer than the data is refused with both numbers", () => {
  const set = resolveFeatureSet({
    name: "x",
    features: [{ feature: "volatility", params: { window: 500 } }],
  });
  assert.throws(() => computeFeatureColumns(spot(), set), err(/500 bars but the table has only 300 rows/));
});

Deno.test("a perpetual-only feature on spot data is refused; on a perpetual it works", () => {
  const set = resolveFeatureSet({ name: "x", features: [{ feature: "funding_last" }] });
  assert.throws(
    () => computeFeatureColumns(spot(), set),
    err(/needs a perpetual dataset but the table is spot/),
  );
  const out = computeFeatureColumns(_synthPerp(300), set);
  assert.ok(Number.isFinite(out.funding_last[10]));
});

Deno.test("basis needs spot closes and says how to provide them", () => {
  const set = resolveFeatureSet({ name: "x", features: [{ feature: "basis" }] });
  assert.throws(
    () => computeFeatureColumns(_synthPerp(50).select("timestamp", "close", "funding_rate"), set),
    err(/spot_close/),
  );
});

Deno.test("non-finite inputs are refused with the column, row and value", () => {
  const t = spot();
  const close = Float64Array.from(t.array("close") as number[]);
  close[42] = Infinity;
  const set = resolveFeatureSet({ name: "x", features: [{ feature: "log_return" }] });
  assert.throws(
    () => computeFeatureColumns(t.assign({ close }), set),
    err(/"close" has the invalid value Infinity at row 42/),
  );
  close[42] = NaN;
  assert.throws(() => computeFeatureColumns(t.assign({ close }), set), err(/row 42/));
});

Deno.test("funding_last carries an event forward for one interval and never past a missing event", () => {
  const out = computeFeatureColumns(
    _synthPerp(60),
    resolveFeatureSet({ name: "x", features: [{ feature: "funding_last" }] }),
  );
  const fr = _synthPerp(60).array("funding_rate") as Float64Array;
  assert.equal(out.funding_last[8], fr[8]); // the event at the bar's open is known at its close
  assert.equal(out.funding_last[15], fr[8]);
  assert.ok(Number.isNaN(out.funding_last[40])); // the event at row 40 is missing: no guess
  assert.ok(Number.isNaN(out.funding_last[47]));
  assert.equal(out.funding_last[48], fr[48]);
});

Deno.test("calendar gives UTC hour and Monday = 0", () => {
  const ts = Float64Array.of(Date.UTC(2024, 0, 1, 0), Date.UTC(2024, 0, 7, 23)); // Mon 00:00, Sun 23:00
  const t = applyFeature(aq.table({ timestamp: ts }), "calendar");
  assert.deepEqual([t.get("hour", 0), t.get("dow", 0), t.get("hour", 1), t.get("dow", 1)], [0, 0, 23, 6]);
});

Deno.test("computeFeatureSet() only adds columns and selectValidRows() counts what it drops", () => {
  const t = _synthPerp(400);
  const set = resolveFeatureSet({
    name: "x",
    features: [{ feature: "volatility", params: { window: 60 } }, { feature: "premium" }],
  });
  const out = computeFeatureSet(t, set);
  assert.deepEqual(out.columnNames(), [...t.columnNames(), "vol_60", "premium"]);
  const sel = selectValidRows(set.columns.map((c) => out.array(c) as Float64Array));
  assert.equal(sel.droppedWarmup, 60);
  assert.equal(sel.droppedInvalid, 7); // mark_close missing at rows 67, 117, ..., 367
  assert.equal(sel.kept, 400 - 67);
});

Deno.test("every committed feature-set config validates and resolves", async () => {
  const dir = new URL("../../configs/features/", import.meta.url);
  for await (const f of Deno.readDir(dir)) {
    if (!f.name.endsWith(".yaml")) continue;
    const spec = await loadConfig(new URL(f.name, dir).pathname, FeatureSetSchema);
    assert.equal(`${spec.name}.yaml`, f.name);
    assert.ok(resolveFeatureSet(spec).columns.length > 0);
  }
});

// the huge-page arena is bench/alloc.ts now; bench/alloc_test.ts checks every feature on it (ADR-036)
Deno.test("a caller-supplied allocator gives bitwise-identical features", () => {
  const t = _synthPerp(300);
  const set = resolveFeatureSet({
    name: "x",
    features: [{ feature: "macd" }, { feature: "bollinger" }, { feature: "dist_extremes" }, {
      feature: "funding_mean",
    }],
  });
  const plain = computeFeatureColumns(t, set);
  let calls = 0;
  const counted = computeFeatureColumns(t, set, { alloc: (n) => (calls++, new Float64Array(n)) });
  assert.ok(calls >= set.columns.length);
  for (const c of set.columns) assert.deepEqual(counted[c], plain[c]);
});

Deno.test("every NaN a feature writes comes out as the one canonical NaN, whatever its bits were", () => {
  const negNaN = new Float64Array(1);
  new BigUint64Array(negNaN.buffer)[0] = 0xfff8000000000000n; // x86 0/0 at run time
  const payloadNaN = new Float64Array(1);
  new BigUint64Array(payloadNaN.buffer)[0] = 0x7ff0000000000123n; // a signalling-style payload
  const fake = defineFeature({
    name: "nan_bits",
    description: "test: NaNs with unusual bit patterns",
    params: z.strictObject({}),
    requires: "any",
    inputs: ["close"],
    lookback: () => 0,
    columns: () => ["nan_bits"],
    compute: (ctx) => {
      const out = ctx.alloc();
      out[0] = negNaN[0];
      out[1] = payloadNaN[0];
      out[2] = 1.5;
      return [out];
    },
  });
  const set = resolveFeatureSet(
    { name: "x", features: [{ feature: "nan_bits" }] },
    new Map<string, AnyFeatureDef>([["nan_bits", fake]]),
  );
  const col = computeFeatureColumns(spot(), set).nan_bits;
  const bits = new BigUint64Array(col.buffer, col.byteOffset, 3);
  assert.deepEqual([...bits].map((b) => b.toString(16)), [
    "7ff8000000000000",
    "7ff8000000000000",
    "3ff8000000000000",
  ]);
});

Deno.test("built-in features that vouch for their NaNs (canonicalNaN) store only the canonical NaN", () => {
  // adversarial bars: a flat stretch (0/0 in %B, vol ratio, RSI), constant volume (0/0 z-score), a zero
  // volume (log -Infinity), and missing mark/spot/funding values whose NaNs carry unusual bits
  const n = 20_000;
  const t = _synthPerp(n);
  const col = (name: string) => Float64Array.from(t.array(name) as ArrayLike<number>);
  const [open, high, low, close, volume] = ["open", "high", "low", "close", "volume"].map(col);
  const [mark, spot, funding] = ["mark_close", "spot_close", "funding_rate"].map(col);
  for (let i = 0; i < 60; i++) {
    open[i] =
      high[i] =
      low[i] =
      close[i] =
        40_000; // flat from row 0
  }
  for (let i = 5_000; i < 5_100; i++) {
    open[i] =
      high[i] =
      low[i] =
      close[i] =
        close[4_999];
  }
  for (let i = 7_000; i < 7_200; i++) volume[i] = 5;
  volume[9_000] = 0;
  const odd = new Float64Array(2);
  new BigUint64Array(odd.buffer).set([0xfff8000000000000n, 0x7ff0000000000123n]);
  for (let i = 11; i < n; i += 97) {
    mark[i] = odd[i % 2];
    spot[i + 1] = odd[(i + 1) % 2];
    funding[i + 2] = odd[i % 2];
  }
  const table = t.assign({
    open,
    high,
    low,
    close,
    volume,
    mark_close: mark,
    spot_close: spot,
    funding_rate: funding,
  });
  const variants: Record<string, Record<string, unknown>[]> = {
    bollinger: [{}, { window: 2 }],
    volume_z: [{}, { window: 2 }],
    rsi: [{}, { period: 3 }],
    vol_ratio: [{}, { short: 3, long: 9 }],
  };
  const flagged = [...FEATURES.values()].filter((d) => d.canonicalNaN);
  assert.equal(flagged.length, FEATURES.size, "every built-in feature vouches for its NaNs");
  const canonical = 0x7ff8000000000000n;
  for (let rep = 0; rep < 3; rep++) { // later repetitions run optimized code
    for (const def of flagged) {
      for (const params of variants[def.name] ?? [{}]) {
        const set = resolveFeatureSet({ name: "x", features: [{ feature: def.name, params }] });
        const out = computeFeatureColumns(table, set);
        for (const c of set.columns) {
          const x = out[c];
          const b = new BigUint64Array(x.buffer, x.byteOffset, x.length);
          let nans = 0;
          for (let i = 0; i < x.length; i++) {
            if (x[i] !== x[i]) {
              nans++;
              if (b[i] !== canonical) {
                assert.fail(`${c} ${JSON.stringify(params)} row ${i}: ${b[i].toString(16)}`);
              }
            }
          }
          if (c === "bb_pctb_20_2") assert.ok(nans > 19, "the flat start gives 0/0 in %B after the warm-up");
        }
      }
    }
  }
});
