import assert from "node:assert/strict";
import { HistGradientBoosting } from "./hist_gradient_boosting.ts";
import { plantedSignal, scoreClasses, sliceRows } from "./synthetic.ts";

const data = plantedSignal(2000, 8, 21, 0.5);
const train = sliceRows(data, 0, 1500);
const test = sliceRows(data, 1500, 2000);

Deno.test("HistGradientBoosting learns a planted signal on later held-out rows", async () => {
  const gb = await new HistGradientBoosting({ nRounds: 60, maxLeaves: 15, seed: 1, nWorkers: 1 }).fit(
    train.X,
    train.y,
  );
  const s = scoreClasses(test.y, gb.predict(test.X), 3);
  assert.ok(s.accuracy > s.majority + 0.2, `accuracy ${s.accuracy} vs majority ${s.majority}`);
});

Deno.test("HistGradientBoosting probabilities are softmax rows summing to 1", async () => {
  const gb = await new HistGradientBoosting({ nRounds: 5, nWorkers: 1 }).fit(train.X, train.y);
  const p = gb.predictProba(test.X);
  for (let i = 0; i < p.nRows; i++) {
    const s = p.data[i * 3] + p.data[i * 3 + 1] + p.data[i * 3 + 2];
    assert.ok(Math.abs(s - 1) < 1e-12 && p.data[i * 3] > 0);
  }
});

Deno.test("HistGradientBoosting with subsampling is deterministic for a seed and changes with it", async () => {
  const params = { nRounds: 10, rowFraction: 0.7, featureFraction: 0.6, seed: 4, nWorkers: 1 };
  const a = await new HistGradientBoosting(params).fit(train.X, train.y);
  const b = await new HistGradientBoosting(params).fit(train.X, train.y);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.deepEqual(a.predictProba(test.X).data, b.predictProba(test.X).data);
  const c = await new HistGradientBoosting({ ...params, seed: 5 }).fit(train.X, train.y);
  assert.notDeepEqual(a.predictProba(test.X).data, c.predictProba(test.X).data);
});

Deno.test("HistGradientBoosting predicts the same after a save/load round trip", async () => {
  const gb = await new HistGradientBoosting({ nRounds: 8, nWorkers: 1 }).fit(train.X, train.y);
  const back = HistGradientBoosting.load(JSON.parse(JSON.stringify(gb)));
  assert.deepEqual(back.predictProba(test.X).data, gb.predictProba(test.X).data);
});

Deno.test("HistGradientBoosting trees keep to maxLeaves and report one progress step per round", async () => {
  const seen: number[] = [];
  const gb = await new HistGradientBoosting({ nRounds: 3, maxLeaves: 4, minSamplesLeaf: 5, nWorkers: 1 }).fit(
    train.X,
    train.y,
    undefined,
    { onProgress: (d) => seen.push(d) },
  );
  assert.deepEqual(seen, [1, 2, 3]);
  const trees = gb.toJSON().trees;
  assert.equal(trees.length, 9);
  for (const t of trees) assert.ok(t.feature.filter((f) => f < 0).length <= 4);
  const imp = Object.values(gb.featureImportance());
  assert.ok(Math.abs(imp.reduce((x, y) => x + y, 0) - 1) < 1e-9);
});

Deno.test("HistGradientBoosting with 1 and 2 workers grows bit-identical ensembles", async () => {
  const params = { nRounds: 4, rowFraction: 0.8, featureFraction: 0.7, seed: 8 };
  const one = await new HistGradientBoosting({ ...params, nWorkers: 1 }).fit(train.X, train.y);
  const two = await new HistGradientBoosting({ ...params, nWorkers: 2 }).fit(train.X, train.y);
  assert.deepEqual(one.toJSON().trees, two.toJSON().trees);
  assert.deepEqual(one.featureImportance(), two.featureImportance());
  assert.deepEqual(one.predictProba(test.X).data, two.predictProba(test.X).data);
});
