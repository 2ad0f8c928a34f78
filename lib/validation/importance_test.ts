import { assertEquals } from "./_assert.ts";
import { impurityImportance, permutationImportance, seededRandom } from "./importance.ts";
import { NearestCentroid } from "./_test_estimators.ts";

function _data(n: number, seed: number) {
  const rand = seededRandom(seed);
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
  assertEquals(a, b);
  assertEquals(a[0].feature, "signal");
  assertEquals(a[0].mean > 0.4, true);
  assertEquals(Math.abs(a[1].mean) < 0.05, true);
  const c = permutationImportance(model, test.X, test.y, { seed: 10, repeats: 3 });
  assertEquals(c[0].drops.join() === a[0].drops.join(), false);
});

Deno.test("impurityImportance() sorts the model's importances", async () => {
  const { X, y } = _data(100, 3);
  const imp = impurityImportance(await new NearestCentroid().fit(X, y));
  assertEquals(imp[0].feature, "signal");
});

Deno.test("seededRandom() gives the same stream for the same seed", () => {
  const a = seededRandom(5), b = seededRandom(5), c = seededRandom(6);
  const sa = [a(), a(), a()], sb = [b(), b(), b()];
  assertEquals(sa, sb);
  assertEquals(sa[0] === c(), false);
});
