import assert from "node:assert/strict";
import { HistGradientBoosting } from "./hist_gradient_boosting.ts";
import { plantedSignal, scoreClasses, sliceRows } from "./synthetic.ts";
import { WorkerPool } from "./worker_pool.ts";

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

Deno.test("HistGradientBoosting with 1, 2 and 3 workers grows bit-identical ensembles", async () => {
  using pool = new WorkerPool();
  for (
    const params of [{ nRounds: 4, seed: 8 }, { nRounds: 4, rowFraction: 0.8, featureFraction: 0.7, seed: 8 }]
  ) {
    const one = await new HistGradientBoosting({ ...params, nWorkers: 1 }).fit(train.X, train.y);
    for (const nWorkers of [2, 3]) {
      const many = await new HistGradientBoosting({ ...params, nWorkers }).fit(train.X, train.y, undefined, {
        pool,
      });
      assert.deepEqual(many.toJSON(), { ...one.toJSON(), params: { ...one.toJSON().params, nWorkers } });
      assert.deepEqual(one.predictProba(test.X).data, many.predictProba(test.X).data);
    }
  }
  // borrowed, not owned: the pool is still open and its workers were reused from fit to fit
  assert.ok(!pool.closed && pool.spawned === 3, `spawned ${pool.spawned}`);
});

Deno.test("HistGradientBoosting without a pool starts and stops private workers", async () => {
  const seen: number[] = [];
  const gb = await new HistGradientBoosting({ nRounds: 3, nWorkers: 2 }).fit(train.X, train.y, undefined, {
    onProgress: (d) => seen.push(d),
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(gb.toJSON().trees.length, 9);
});

Deno.test("HistGradientBoosting early stopping holds out the most recent rows and keeps the best rounds", async () => {
  const es = { validationFraction: 0.2, patience: 3 };
  const gb = await new HistGradientBoosting({
    nRounds: 40,
    learningRate: 0.5,
    earlyStopping: es,
    nWorkers: 1,
  })
    .fit(train.X, train.y);
  const j = gb.toJSON();
  const rec = j.earlyStopping!;
  assert.equal(rec.validationRows, 300);
  assert.equal(rec.validationLoss.length, rec.roundsRun + 1);
  assert.ok(rec.roundsKept >= 1 && rec.roundsKept <= rec.roundsRun && rec.roundsRun <= 40);
  const best = Math.min(...rec.validationLoss.slice(1));
  assert.equal(rec.validationLoss[rec.roundsKept], best);
  assert.ok(rec.roundsRun === 40 || rec.roundsRun - rec.roundsKept === es.patience);
  assert.equal(j.trees.length, rec.roundsKept * 3);
  // The kept rounds are exactly a plain fit on the rows before the validation tail.
  const head = sliceRows(train, 0, 1200);
  const plain = await new HistGradientBoosting({ nRounds: rec.roundsKept, learningRate: 0.5, nWorkers: 1 })
    .fit(head.X, head.y);
  assert.deepEqual(j.trees, plain.toJSON().trees);
  assert.deepEqual(j.init, plain.toJSON().init);
  assert.deepEqual(j.importance, plain.toJSON().importance);
  // Same with workers, and through save / load.
  using pool = new WorkerPool();
  const two = await new HistGradientBoosting({
    nRounds: 40,
    learningRate: 0.5,
    earlyStopping: es,
    nWorkers: 2,
  })
    .fit(train.X, train.y, undefined, { pool });
  assert.deepEqual(two.toJSON().trees, j.trees);
  assert.deepEqual(two.toJSON().earlyStopping, rec);
  const back = HistGradientBoosting.load(JSON.parse(JSON.stringify(gb)));
  assert.deepEqual(back.toJSON().earlyStopping, rec);
  assert.deepEqual(back.predictProba(test.X).data, gb.predictProba(test.X).data);
});

Deno.test("HistGradientBoosting early stopping stops soon on labels without signal", async () => {
  const noise = Int32Array.from(train.y, (_, i) => (i * 7919) % 3);
  const gb = await new HistGradientBoosting({
    nRounds: 200,
    learningRate: 0.3,
    minSamplesLeaf: 5,
    earlyStopping: { validationFraction: 0.25, patience: 5 },
    nWorkers: 1,
  }).fit(train.X, noise);
  const rec = gb.toJSON().earlyStopping!;
  // the lowest loss may be the one before any round (the class priors); at least one round is kept
  const loss = rec.validationLoss, argmin = loss.indexOf(Math.min(...loss));
  assert.ok(rec.roundsRun < 200 && rec.roundsRun - argmin === 5, JSON.stringify(rec).slice(0, 300));
  assert.equal(rec.roundsKept, Math.max(1, argmin));
});

Deno.test("HistGradientBoosting without earlyStopping keeps its params (and model ids) as before", () => {
  const p = new HistGradientBoosting({ nRounds: 5 }).params;
  assert.ok(!("earlyStopping" in p));
  assert.throws(
    () => new HistGradientBoosting({ earlyStopping: { validationFraction: 1.5 } }),
    /validationFraction/,
  );
});

Deno.test("HistGradientBoosting refuses a validation tail that leaves no rows", async () => {
  const small = sliceRows(train, 0, 5);
  await assert.rejects(
    () =>
      new HistGradientBoosting({ earlyStopping: { validationFraction: 0.1 }, nWorkers: 1 }).fit(
        small.X,
        small.y,
      ),
    /validationFraction 0.1 of 5 rows leaves 0 validation/,
  );
});
