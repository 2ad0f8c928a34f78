import assert from "node:assert/strict";
import type {
  Estimator,
  FeatureMatrix,
  FitOptions,
  ModelJSON,
  PredictOptions,
  ProbaMatrix,
} from "../models/estimator.ts";
import { HistRandomForest } from "../models/hist_random_forest.ts";
import { plantedSignal } from "../models/synthetic.ts";
import { WorkerPool } from "../models/worker_pool.ts";
import { CandlelabError } from "../util/errors.ts";
import { ClassPrior, NearestCentroid } from "./_test_estimators.ts";
import { purgedKFoldSplits, type Split, walkForwardSplits } from "./splits.ts";
import { walkForward, type WalkForwardProgress } from "./walk_forward.ts";
import { sliceMatrixRows } from "../models/matrix.ts";

/** Records the `row` feature of every training row it sees, to prove what each fold trained on. */
class Spy extends ClassPrior {
  seen: number[] = [];
  override fit(X: FeatureMatrix, y: Int32Array, w?: Float64Array): Promise<this> {
    this.seen = Array.from(X.columns[0]);
    return super.fit(X, y, w);
  }
}

function _data(n: number): { X: FeatureMatrix; y: Int32Array } {
  const row = Float64Array.from({ length: n }, (_, i) => i);
  const signal = Float64Array.from({ length: n }, (_, i) => [-1, 0, 1][(i * 7) % 3]);
  const y = Int32Array.from(signal, (v) => v + 1);
  return { X: { names: ["row", "signal"], columns: [row, signal], nRows: n }, y };
}

Deno.test("walkForward() never predicts a row it trained on, nor within the gap", async () => {
  const { X, y } = _data(300);
  const folds = walkForwardSplits({ n: 300, folds: 4, gap: { before: 7, after: 7 }, maxTrainRows: 100 });
  const spies: Spy[] = [];
  const r = await walkForward({ X, y, folds, makeModel: () => (spies.push(new Spy()), spies.at(-1)!) });
  assert.deepEqual(r.folds.length, 4);
  for (const [i, f] of r.folds.entries()) {
    const maxTrained = Math.max(...spies[i].seen);
    assert.deepEqual(maxTrained < f.testStart - 7, true, `fold ${f.fold} trained on row ${maxTrained}`);
    assert.deepEqual(spies[i].seen.length, f.trainRowsUsed);
  }
  assert.deepEqual(r.folds.map((f) => f.stride), [1, 2, 2, 3]);
  assert.deepEqual(r.rows.length, 240);
  assert.deepEqual([r.rows[0], r.rows[r.rows.length - 1]], [60, 299]);
  assert.deepEqual(r.proba.nRows * r.proba.nClasses, r.proba.data.length);
});

Deno.test("walkForward() aligns out-of-fold probabilities with their rows and folds (purged k-fold)", async () => {
  const { X: X2, y } = _data(90);
  const X = { names: ["signal"], columns: [X2.columns[1]], nRows: 90 }; // no row-number feature
  const folds = purgedKFoldSplits({ n: 90, folds: 3, gap: { before: 2, after: 3 } });
  const r = await walkForward({ X, y, folds, makeModel: () => new NearestCentroid() });
  assert.deepEqual(Array.from(r.rows), Array.from({ length: 90 }, (_, i) => i));
  assert.deepEqual([r.foldOf[0], r.foldOf[30], r.foldOf[89]], [1, 2, 3]);
  // the signal column decides the class: every out-of-fold prediction is right
  assert.deepEqual(r.overall.accuracy, 1);
  assert.deepEqual(r.folds.map((f) => f.metrics.macroF1), [1, 1, 1]);
  assert.deepEqual(r.folds[0].permutationImportance, undefined);
  const p = await walkForward({
    X,
    y,
    folds,
    makeModel: () => new NearestCentroid(),
    permutation: { seed: 1, repeats: 2 },
  });
  assert.deepEqual(p.folds.map((f) => f.permutationImportance![0].feature), ["signal", "signal", "signal"]);
  assert.deepEqual(p.folds.every((f) => f.permutationImportance![0].mean > 0.3), true);
});

Deno.test("walkForward() fits a final model on all rows only when asked, and reports progress", async () => {
  const { X, y } = _data(120);
  const folds = walkForwardSplits({ n: 120, folds: 2, gap: { before: 3, after: 3 } });
  const events: WalkForwardProgress[] = [];
  let last: Spy | undefined;
  const r = await walkForward({
    X,
    y,
    folds,
    makeModel: () => (last = new Spy()),
    finalModel: true,
    maxTrainRows: 50,
    onProgress: (p) => events.push(p),
  });
  assert.deepEqual(r.finalModel === last, true);
  assert.deepEqual(last!.seen.length, 40); // stride ceil(120 / 50) = 3
  assert.deepEqual(last!.seen.at(-1), 117);
  assert.deepEqual(
    events.map((e) => `${e.fold}:${e.stage}`).join(" "),
    "1:fit 1:predict 1:done 2:fit 2:predict 2:done 0:final",
  );
  const r2 = await walkForward({ X, y, folds, makeModel: () => new ClassPrior() });
  assert.deepEqual(r2.finalModel, undefined);
});

Deno.test("walkForward() refuses leaky splits before fitting anything", async () => {
  const { X, y } = _data(100);
  const leaky: Split[] = [{
    fold: 1,
    train: [{ start: 0, end: 60 }],
    test: { start: 60, end: 100 },
    stride: 1,
    gap: { before: 5, after: 5 },
  }];
  let fitted = false;
  class Never extends ClassPrior {
    override fit(): Promise<this> {
      fitted = true;
      return Promise.resolve(this);
    }
  }
  await assert.rejects(
    () => walkForward({ X, y, folds: leaky, makeModel: () => new Never() }),
    (e) => e instanceof CandlelabError && e.message.includes("within the gap"),
  );
  assert.deepEqual(fitted, false);
});

Deno.test("walkForward() refuses a model whose predictProba returns the wrong number of rows", async () => {
  const { X, y } = _data(60);
  class Short extends ClassPrior {
    override predictProba(): ProbaMatrix {
      return { nRows: 1, nClasses: 3, data: new Float64Array(3) };
    }
    override toJSON(): ModelJSON {
      return super.toJSON();
    }
  }
  const folds = walkForwardSplits({ n: 60, folds: 2, gap: { before: 1, after: 1 } });
  const m: () => Estimator = () => new Short();
  await assert.rejects(
    () => walkForward({ X, y, folds, makeModel: m }),
    (e) => e instanceof CandlelabError && e.message.includes("returned 1 probability rows for 20 test rows"),
  );
});

/** Records the pool each call borrowed, and predicts through predictProbaAsync. */
class PoolSpy extends ClassPrior {
  static pools: (WorkerPool | undefined)[] = [];
  static asyncCalls = 0;
  override fit(X: FeatureMatrix, y: Int32Array, w?: Float64Array, options?: FitOptions): Promise<this> {
    PoolSpy.pools.push(options?.pool);
    return super.fit(X, y, w);
  }
  predictProbaAsync(X: FeatureMatrix, options?: PredictOptions): Promise<ProbaMatrix> {
    PoolSpy.pools.push(options?.pool);
    PoolSpy.asyncCalls++;
    return Promise.resolve(this.predictProba(X));
  }
}

Deno.test("walkForward() lends one pool to every fit and prediction, and closes the pool it made", async () => {
  const { X, y } = _data(120);
  const folds = walkForwardSplits({ n: 120, folds: 3, gap: { before: 2, after: 2 } });
  PoolSpy.pools = [], PoolSpy.asyncCalls = 0;
  await walkForward({ X, y, folds, makeModel: () => new PoolSpy(), finalModel: true });
  assert.deepEqual(PoolSpy.pools.length, 3 + 3 + 1); // 3 fits, 3 predictions, the final fit
  assert.deepEqual(PoolSpy.asyncCalls, 3);
  const made = PoolSpy.pools[0]!;
  assert.deepEqual(PoolSpy.pools.every((p) => p === made), true);
  assert.deepEqual(made.closed, true);

  PoolSpy.pools = [];
  using mine = new WorkerPool();
  await walkForward({ X, y, folds, makeModel: () => new PoolSpy(), pool: mine });
  assert.deepEqual(PoolSpy.pools.every((p) => p === mine), true);
  assert.deepEqual(mine.closed, false, "a pool passed in belongs to the caller");
});

Deno.test("walkForward() with the forest: out-of-fold probabilities equal each fold model's predictProba", async () => {
  const data = plantedSignal(3000, 6, 2, 0.5);
  const folds = walkForwardSplits({ n: 3000, folds: 2, gap: { before: 5, after: 5 }, maxTrainRows: 700 });
  using pool = new WorkerPool();
  const r = await walkForward({
    ...data,
    folds,
    pool,
    makeModel: () => new HistRandomForest({ nTrees: 6, nWorkers: 2, seed: 1 }),
  });
  assert.deepEqual(pool.spawned, 2, "both folds' fits and predictions used the same two workers");
  let off = 0;
  for (const f of r.folds) {
    const model = HistRandomForest.load(f.model);
    const n = f.testEnd - f.testStart;
    const sync = model.predictProba(sliceMatrixRows(data.X, f.testStart, f.testEnd));
    assert.deepEqual(Array.from(r.proba.data.subarray(off * 3, (off + n) * 3)), Array.from(sync.data));
    off += n;
  }
});
