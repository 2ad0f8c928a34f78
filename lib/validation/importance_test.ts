import assert from "node:assert/strict";
import { impurityImportance, permutationImportance } from "./importance.ts";
import { mulberry32 } from "../util/random.ts";
import { NearestCentroid } from "./_test_estimators.ts";

function _data(n: number, seed: number) {
  const rand = mulberry32(seed);
  const signal = Float64Array.from({ length: n }, () => Math.floor(rand() * 3) - 1);
  const noise = Float64Array.from({ length: n }, () => (rand() - 0.5) * 0.1);
  const y = Int32Array.from(signal, (v) => v + 1);
  return { X: { names: ["noise", "signal"], columns: [noise, signal], nRows: n }, y };
}

Deno.test("permutationImportance() ranks the informative feature first and is reproducible by seed", async () => {
  const train = _data(200, 1), test = _data(200, 2);
  const model = await new NearestCentroid().fit(train.X, train.y);
  const a = permutationImportance(model, test.X, test.y, { seed: 9, repeats: 3 });
  const b = permutationImportance(model, test.X, test.y, { seed: 9, repeats: 3 });
  assert.deepEqual(a, b);
  assert.deepEqual(a[0].feature, "signal");
  assert.deepEqual(a[0].mean > 0.4, true);
  assert.deepEqual(Math.abs(a[1].mean) < 0.05, true);
  const c = permutationImportance(model, test.X, test.y, { seed: 10, repeats: 3 });
  assert.deepEqual(c[0].drops.join() === a[0].drops.join(), false);
});

Deno.test("impurityImportance() sorts the model's importances", async () => {
  const { X, y } = _data(100, 3);
  const imp = impurityImportance(await new NearestCentroid().fit(X, y));
  assert.deepEqual(imp[0].feature, "signal");
});
