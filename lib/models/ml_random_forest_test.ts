import assert from "node:assert/strict";
import { MlRandomForest } from "./ml_random_forest.ts";
import { HistRandomForest } from "./hist_random_forest.ts";
import { plantedSignal, scoreClasses, sliceRows } from "./synthetic.ts";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { LabelledMatrix } from "./synthetic.ts";

const REAL_FILE = new URL("../../../shared/data/binance_BTC_USDT_spot_1h.parquet", import.meta.url);

/** The last `n` usable hourly BTC bars: 6 causal features, label = 4h forward return vs 0.5 x vol band. */
async function readRealCase(n: number): Promise<LabelledMatrix> {
  const bytes = await Deno.readFile(REAL_FILE);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const total = 61246, warm = 30, horizon = 4;
  const rows = await parquetReadObjects({
    file,
    compressors,
    columns: ["high", "low", "close", "volume"],
    rowStart: total - n - warm - horizon,
    rowEnd: total,
  });
  const c = rows.map((r) => Number(r.close)), h = rows.map((r) => Number(r.high));
  const l = rows.map((r) => Number(r.low)), v = rows.map((r) => Number(r.volume));
  const names = ["ret_1", "ret_4", "ret_24", "vol_24", "hl_range", "vol_ratio"];
  const columns = names.map(() => new Float64Array(n));
  const y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const t = warm + k;
    let s = 0, s2 = 0, vm = 0;
    for (let j = t - 23; j <= t; j++) {
      const r = Math.log(c[j] / c[j - 1]);
      s += r, s2 += r * r, vm += v[j] / 24;
    }
    const vol = Math.sqrt(Math.max(s2 / 24 - (s / 24) ** 2, 1e-12));
    const feats = [
      Math.log(c[t] / c[t - 1]),
      Math.log(c[t] / c[t - 4]),
      Math.log(c[t] / c[t - 24]),
      vol,
      (h[t] - l[t]) / c[t],
      v[t] / vm,
    ];
    feats.forEach((x, f) => (columns[f][k] = x));
    const fwd = Math.log(c[t + horizon] / c[t]), band = 0.5 * vol * Math.sqrt(horizon);
    y[k] = fwd < -band ? 0 : fwd > band ? 2 : 1;
  }
  return { X: { names, columns, nRows: n }, y };
}

// ml-random-forest's fit time grows ~n^1.7: keep these small (a few hundred rows, few trees).
const data = plantedSignal(650, 6, 31, 0.5);
const train = sliceRows(data, 0, 400);
const test = sliceRows(data, 400, 650);

// Tolerance for the comparison: 250 held-out rows give a standard error of ~0.031 on an accuracy near
// 0.6, and the two forests differ by design (mljs samples features per tree, Candlelab per split; mljs
// splits at means, Candlelab at quantile bins), so they must agree within 0.08 (~2.6 SE), not exactly.
Deno.test("MlRandomForest learns a planted signal and matches HistRandomForest's accuracy within 0.08", async () => {
  const ml = await new MlRandomForest({ nTrees: 8, maxDepth: 8 }).fit(train.X, train.y);
  const hist = await new HistRandomForest({ nTrees: 50, maxDepth: 8, nWorkers: 1 }).fit(train.X, train.y);
  const a = scoreClasses(test.y, ml.predict(test.X), 3);
  const b = scoreClasses(test.y, hist.predict(test.X), 3);
  assert.ok(a.accuracy > a.majority + 0.15, `accuracy ${a.accuracy} vs majority ${a.majority}`);
  assert.ok(
    Math.abs(a.accuracy - b.accuracy) <= 0.08,
    `ml-random-forest ${a.accuracy} vs hist ${b.accuracy}`,
  );
});

// Real BTC 1h bars (2024): hardly predictable, so the check is agreement, with a wider tolerance for the
// 326 held-out rows (SE ~0.028 per model) and the design differences above.
Deno.test("HistRandomForest and MlRandomForest agree within 0.1 on real BTC hourly bars", async () => {
  const real = await readRealCase(800);
  const tr = sliceRows(real, 0, 450), te = sliceRows(real, 474, 800); // gap >= label horizon
  const ml = await new MlRandomForest({ nTrees: 6, maxDepth: 6 }).fit(tr.X, tr.y);
  const hist = await new HistRandomForest({ nTrees: 50, maxDepth: 6, nWorkers: 1 }).fit(tr.X, tr.y);
  const a = scoreClasses(te.y, ml.predict(te.X), 3), b = scoreClasses(te.y, hist.predict(te.X), 3);
  assert.ok(Math.abs(a.accuracy - b.accuracy) <= 0.1, `ml-random-forest ${a.accuracy} vs hist ${b.accuracy}`);
  assert.ok(b.accuracy > 0.25, `hist accuracy ${b.accuracy} should not be below chance`);
});

Deno.test("MlRandomForest is deterministic and survives a save/load round trip", async () => {
  const small = sliceRows(train, 200, 400);
  const a = await new MlRandomForest({ nTrees: 3, seed: 2 }).fit(small.X, small.y);
  const b = await new MlRandomForest({ nTrees: 3, seed: 2 }).fit(small.X, small.y);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  const back = MlRandomForest.load(JSON.parse(JSON.stringify(a)));
  assert.deepEqual(back.predictProba(test.X).data, a.predictProba(test.X).data);
});

Deno.test("MlRandomForest probabilities count every tree's vote, for all classes at once", async () => {
  const small = sliceRows(train, 200, 400);
  const rf = await new MlRandomForest({ nTrees: 4 }).fit(small.X, small.y);
  const p = rf.predictProba(test.X);
  for (let i = 0; i < p.nRows; i++) {
    const row = [p.data[i * 3], p.data[i * 3 + 1], p.data[i * 3 + 2]];
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-12);
    for (const v of row) {
      assert.ok(Number.isInteger(Math.round(v * 4 * 1e9) / 1e9), `vote share ${v} of 4 trees`);
    }
  }
});

Deno.test("MlRandomForest trains on a seeded subset that keeps late rows, and refuses unequal weights", async () => {
  // Rows 0..399 are class 0 and rows 400..499 class 2: "the first 100 rows" would never see class 2.
  const x = Float64Array.from({ length: 500 }, (_, i) => i);
  const y = Int32Array.from(x, (v) => (v < 400 ? 0 : 2));
  const rf = await new MlRandomForest({ nTrees: 3, maxRows: 100, maxDepth: 3 }).fit({
    names: ["t"],
    columns: [x],
    nRows: 500,
  }, y);
  assert.equal(rf.predict({ names: ["t"], columns: [Float64Array.of(480)], nRows: 1 })[0], 2);
  await assert.rejects(
    () =>
      new MlRandomForest({ nTrees: 2 }).fit(
        train.X,
        train.y,
        Float64Array.from({ length: 400 }, (_, i) => 1 + (i % 2)),
      ),
    /does not support unequal sample weights/,
  );
});
