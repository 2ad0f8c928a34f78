import assert from "node:assert/strict";
import { classBalance, classWeights, sampleWeights } from "./balance.ts";

Deno.test("classBalance() counts each split separately and skips unlabelled rows", () => {
  const y = Int32Array.of(0, 0, 1, -1, 2, 2, 2, 1);
  const [a, b] = classBalance(y, [{ start: 0, end: 4, name: "train" }, { start: 4, end: 8, name: "test" }]);
  assert.deepEqual([a.name, a.total, a.counts], ["train", 3, [2, 1, 0]]);
  assert.deepEqual([b.name, b.total, b.counts], ["test", 4, [0, 1, 3]]);
  assert.equal(b.fractions[2], 0.75);
});

Deno.test("balanced sample weights give every class the same total weight", () => {
  const y = Int32Array.of(0, 1, 1, 1, 2, 2, -1);
  const w = sampleWeights(y, classWeights(y));
  const per = [0, 0, 0];
  y.forEach((c, i) => c >= 0 && (per[c] += w[i]));
  assert.ok(Math.abs(per[0] - per[1]) < 1e-12 && Math.abs(per[1] - per[2]) < 1e-12);
  assert.equal(w[6], 0);
});
