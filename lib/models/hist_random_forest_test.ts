import assert from "node:assert/strict";
import { HistRandomForest } from "./hist_random_forest.ts";
import { plantedSignal, scoreClasses, sliceRows } from "./synthetic.ts";
import { WorkerPool } from "./worker_pool.ts";

const data = plantedSignal(2000, 8, 11, 0.5);
const train = sliceRows(data, 0, 1500);
const test = sliceRows(data, 1500, 2000);

Deno.test("HistRandomForest learns a planted signal on later held-out rows", async () => {
  const rf = await new HistRandomForest({ nTrees: 30, maxDepth: 8, nWorkers: 1, seed: 3 }).fit(
    train.X,
    train.y,
  );
  const s = scoreClasses(test.y, rf.predict(test.X), 3);
  assert.ok(s.accuracy > s.majority + 0.2, `accuracy ${s.accuracy} vs majority ${s.majority}`);
});

Deno.test("HistRandomForest predictProba rows are distributions over all classes", async () => {
  const rf = await new HistRandomForest({ nTrees: 5, nWorkers: 1 }).fit(train.X, train.y);
  const p = rf.predictProba(test.X);
  assert.equal(p.nClasses, 3);
  assert.equal(p.data.length, test.X.nRows * 3);
  for (let i = 0; i < p.nRows; i++) {
    const s = p.data[i * 3] + p.data[i * 3 + 1] + p.data[i * 3 + 2];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
});

Deno.test("HistRandomForest is deterministic: same data, params and seed give the same JSON and bits", async () => {
  const a = await new HistRandomForest({ nTrees: 8, nWorkers: 1, seed: 5 }).fit(train.X, train.y);
  const b = await new HistRandomForest({ nTrees: 8, nWorkers: 1, seed: 5 }).fit(train.X, train.y);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.deepEqual(a.predictProba(test.X).data, b.predictProba(test.X).data);
  const c = await new HistRandomForest({ nTrees: 8, nWorkers: 1, seed: 6 }).fit(train.X, train.y);
  assert.notEqual(JSON.stringify(a.toJSON().trees), JSON.stringify(c.toJSON().trees));
});

Deno.test("HistRandomForest with 1 and 2 workers grows bit-identical forests and reports each tree", async () => {
  const one = await new HistRandomForest({ nTrees: 6, nWorkers: 1, seed: 9 }).fit(train.X, train.y);
  const seen: number[] = [];
  const two = await new HistRandomForest({ nTrees: 6, nWorkers: 2, seed: 9 }).fit(
    train.X,
    train.y,
    undefined,
    {
      onProgress: (done, total) => {
        assert.equal(total, 6);
        seen.push(done);
      },
    },
  );
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(one.toJSON().trees, two.toJSON().trees);
  assert.deepEqual(one.featureImportance(), two.featureImportance());
  assert.deepEqual(one.predictProba(test.X).data, two.predictProba(test.X).data);
});

Deno.test("HistRandomForest predicts the same after a save/load round trip", async () => {
  const rf = await new HistRandomForest({ nTrees: 5, nWorkers: 1 }).fit(train.X, train.y);
  const back = HistRandomForest.load(JSON.parse(JSON.stringify(rf.toJSON())));
  assert.deepEqual(back.predictProba(test.X).data, rf.predictProba(test.X).data);
  assert.deepEqual(back.params, rf.params);
});

Deno.test("HistRandomForest featureImportance sums to 1 and ranks the signal features first", async () => {
  const rf = await new HistRandomForest({ nTrees: 20, nWorkers: 1 }).fit(train.X, train.y);
  const imp = rf.featureImportance();
  const total = Object.values(imp).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  const top2 = Object.entries(imp).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([k]) => k).sort();
  assert.deepEqual(top2, ["f0", "f1"]);
});

Deno.test("HistRandomForest class weights raise the recall of a rare class", async () => {
  // Make class 0 rare by relabelling most of it neutral.
  const y = train.y.map((c, i) => (c === 0 && i % 4 !== 0 ? 1 : c));
  const recall0 = async (classWeight: "balanced" | null) => {
    const rf = await new HistRandomForest({ nTrees: 15, nWorkers: 1, classWeight, minSamplesLeaf: 5 }).fit(
      train.X,
      y,
    );
    const p = rf.predict(test.X);
    let hit = 0, n = 0;
    for (let i = 0; i < p.length; i++) if (test.y[i] === 0) n++, hit += p[i] === 0 ? 1 : 0;
    return hit / n;
  };
  assert.ok((await recall0("balanced")) > (await recall0(null)));
});

Deno.test("HistRandomForest respects maxDepth and minSamplesLeaf", async () => {
  const rf = await new HistRandomForest({
    nTrees: 3,
    nWorkers: 1,
    maxDepth: 2,
    bootstrap: false,
    minSamplesLeaf: 400,
  })
    .fit(train.X, train.y);
  for (const t of rf.toJSON().trees) {
    assert.ok(t.feature.length <= 7, `a depth-2 tree has at most 7 nodes, got ${t.feature.length}`);
  }
});

Deno.test("HistRandomForest predictProbaAsync with a pool gives predictProba's exact bits", async () => {
  const big = plantedSignal(9000, 8, 12, 0.5);
  const tr = sliceRows(big, 0, 3000), te = sliceRows(big, 3000, 9000); // 6,000 rows: several worker tasks
  using pool = new WorkerPool();
  const rf = await new HistRandomForest({ nTrees: 12, nWorkers: 2, seed: 4 }).fit(tr.X, tr.y, undefined, {
    pool,
  });
  const sync = rf.predictProba(te.X);
  const par = await rf.predictProbaAsync(te.X, { pool });
  assert.deepEqual(par.data, sync.data);
  assert.equal(par.nRows, te.X.nRows);
  assert.deepEqual((await rf.predictProbaAsync(te.X)).data, sync.data, "without a pool: the same numbers");
  // Rows not multiple of the prediction block or the 4-row interleave.
  const odd = sliceRows(big, 3001, 3001 + 2 * 2048 + 7);
  assert.deepEqual((await rf.predictProbaAsync(odd.X, { pool })).data, rf.predictProba(odd.X).data);
  const loaded = HistRandomForest.load(JSON.parse(JSON.stringify(rf)));
  assert.deepEqual((await loaded.predictProbaAsync(te.X, { pool })).data, sync.data);
});

Deno.test("HistRandomForest fits borrow a pool: its workers serve every fit, and it stays open", async () => {
  const pool = new WorkerPool();
  try {
    const a = await new HistRandomForest({ nTrees: 6, nWorkers: 2, seed: 9 }).fit(
      train.X,
      train.y,
      undefined,
      {
        pool,
      },
    );
    const b = await new HistRandomForest({ nTrees: 6, nWorkers: 2, seed: 9 }).fit(
      train.X,
      train.y,
      undefined,
      {
        pool,
      },
    );
    const three = await new HistRandomForest({ nTrees: 6, nWorkers: 3, seed: 9 }).fit(
      train.X,
      train.y,
      undefined,
      {
        pool,
      },
    );
    const one = await new HistRandomForest({ nTrees: 6, nWorkers: 1, seed: 9 }).fit(train.X, train.y);
    assert.equal(pool.spawned, 3, "two workers started for the first fit, one more for the 3-worker fit");
    assert.equal(pool.closed, false);
    for (const m of [b, three, one]) {
      assert.deepEqual(m.toJSON().trees, a.toJSON().trees);
      assert.deepEqual(m.featureImportance(), a.featureImportance());
    }
  } finally {
    pool.close();
  }
});

Deno.test("HistRandomForest fit refuses a closed pool with a sentence saying what to do", async () => {
  const pool = new WorkerPool();
  pool.close();
  await assert.rejects(
    () => new HistRandomForest({ nTrees: 2, nWorkers: 2 }).fit(train.X, train.y, undefined, { pool }),
    /Cannot run a job on the worker pool: it is closed; create a new WorkerPool/,
  );
});

Deno.test("HistRandomForest with a small pool scratch budget bins in the calling thread and predicts in batches, same bits", async () => {
  const big = plantedSignal(9000, 8, 12, 0.5);
  const tr = sliceRows(big, 0, 3000), te = sliceRows(big, 3000, 9000);
  using roomy = new WorkerPool();
  using tight = new WorkerPool({ maxScratchBytes: 2500 * 8 * 8 }); // 2,500 rows of 8 features
  const a = await new HistRandomForest({ nTrees: 8, nWorkers: 2, seed: 2 }).fit(tr.X, tr.y, undefined, {
    pool: roomy,
  });
  const b = await new HistRandomForest({ nTrees: 8, nWorkers: 2, seed: 2 }).fit(tr.X, tr.y, undefined, {
    pool: tight,
  });
  assert.deepEqual(b.toJSON(), a.toJSON());
  const expected = a.predictProba(te.X).data;
  assert.deepEqual((await b.predictProbaAsync(te.X, { pool: tight })).data, expected); // 3 batches
  assert.deepEqual((await a.predictProbaAsync(te.X, { pool: roomy })).data, expected);
});
