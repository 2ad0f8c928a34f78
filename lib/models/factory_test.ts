import assert from "node:assert/strict";
import { CandlelabError } from "../util/errors.ts";
import { createModel, loadModel, MODEL_KINDS } from "./factory.ts";
import { ModelConfigSchema } from "./config.ts";
import { plantedSignal } from "./synthetic.ts";

const { X, y } = plantedSignal(200, 4, 41, 0.5);
const small = { nTrees: 2, nRounds: 2 } as const;
const specOf = (kind: (typeof MODEL_KINDS)[number]) =>
  kind === "hist_gradient_boosting"
    ? { kind, nRounds: small.nRounds, nWorkers: 1 }
    : kind === "hist_random_forest"
    ? { kind, nTrees: small.nTrees, nWorkers: 1 }
    : { kind, nTrees: small.nTrees };

for (const kind of MODEL_KINDS) {
  Deno.test(`${kind}: createModel builds it, and loadModel restores identical predictions`, async () => {
    const m = createModel(specOf(kind));
    assert.equal(m.kind, kind);
    await m.fit(X, y);
    const back = loadModel(JSON.parse(JSON.stringify(m.toJSON())));
    assert.equal(back.kind, kind);
    assert.deepEqual(back.predictProba(X).data, m.predictProba(X).data);
  });

  Deno.test(`${kind}: predicting before fit says to call fit first`, () => {
    const m = createModel(specOf(kind));
    assert.throws(
      () => m.predict(X),
      (e: Error) => e instanceof CandlelabError && /call fit\(X, y\) first/.test(e.message),
    );
    assert.throws(() => m.featureImportance(), /not fitted yet/);
    assert.throws(() => m.toJSON(), /not fitted yet/);
  });

  Deno.test(`${kind}: fit refuses labels out of range, length mismatches and NaN`, async () => {
    const m = createModel(specOf(kind));
    await assert.rejects(
      () => m.fit(X, y.map((c, i) => (i === 7 ? 3 : c))),
      /y\[7\] is 3, outside the classes 0\.\.2/,
    );
    await assert.rejects(() => m.fit(X, y.slice(1)), /y has 199 labels but X has 200 rows/);
    const withNaN = {
      ...X,
      columns: X.columns.map((c, j) => (j === 1 ? c.map((v, i) => (i === 5 ? NaN : v)) : c)),
    };
    await assert.rejects(() => m.fit(withNaN, y), /column "f1" row 5 is NaN/);
  });

  Deno.test(`${kind}: load refuses another kind and another format version`, async () => {
    const m = await createModel(specOf(kind)).fit(X, y);
    const json = m.toJSON();
    assert.throws(
      () => loadModel({ ...json, formatVersion: 99 }),
      /formatVersion is 99 but this code reads version 1/,
    );
    const other = MODEL_KINDS.find((k) => k !== kind)!;
    const cls = m.constructor as unknown as { load(j: unknown): unknown };
    assert.throws(() => cls.load({ ...json, kind: other }), new RegExp(`has kind "${other}"`));
  });
}

Deno.test("predict refuses columns that differ from the ones the model was fitted on", async () => {
  const m = await createModel({ kind: "hist_random_forest", nTrees: 2, nWorkers: 1 }).fit(X, y);
  const renamed = { ...X, names: ["a", "b", "c", "d"] };
  assert.throws(() => m.predict(renamed), /pass the same columns in the same order/);
});

Deno.test("createModel lists every bad field and the known kinds", () => {
  assert.throws(() => createModel({ kind: "hist_random_forest", nTrees: 0 } as never), /nTrees/);
  assert.throws(() => createModel({ kind: "hist_random_forest", nTree: 5 } as never), /nTree/);
  assert.throws(
    () => createModel({ kind: "svm" } as never),
    /hist_random_forest, hist_gradient_boosting, ml_random_forest/,
  );
  assert.throws(() => loadModel({ kind: "svm", formatVersion: 1, params: {} }), /unknown kind "svm"/);
});

Deno.test("ModelConfigSchema fills defaults per kind", () => {
  const c = ModelConfigSchema.parse({ kind: "hist_random_forest" });
  assert.equal(c.kind, "hist_random_forest");
  if (c.kind === "hist_random_forest") {
    assert.equal(c.nTrees, 100);
    assert.equal(c.maxFeatures, "sqrt");
  }
});

Deno.test("weights: negative or all-zero weights are refused, rows with weight 0 are ignored", async () => {
  const m = createModel({ kind: "hist_random_forest", nTrees: 3, nWorkers: 1, bootstrap: false });
  await assert.rejects(() => m.fit(X, y, new Float64Array(200).fill(-1)), /weights\[0\] is -1/);
  await assert.rejects(() => m.fit(X, y, new Float64Array(200)), /the weights sum to 0/);
  // Rows with weight 0 do not count: relabelling them all as class 2 changes nothing.
  const w = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const y2 = y.map((c, i) => (i % 2 === 0 ? c : 2));
  const params = { kind: "hist_random_forest", nTrees: 3, nWorkers: 1 } as const;
  const a = await createModel(params).fit(X, y, w);
  const b = await createModel(params).fit(X, y2, w);
  assert.deepEqual(a.predictProba(X).data, b.predictProba(X).data);
});
