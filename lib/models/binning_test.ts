import assert from "node:assert/strict";
import { binLookup, binOf, binRows, binValues, computeBinEdges } from "./binning.ts";
import { createRng } from "./rng.ts";

Deno.test("binOf(x) <= t exactly when x <= edges[t], so bin splits equal raw-value splits", () => {
  const rng = createRng(3);
  const col = Float64Array.from({ length: 5000 }, () => Math.round(rng.next() * 1000) / 10);
  const [edges] = computeBinEdges([col], 32, 1000, 1);
  for (let k = 0; k < 2000; k++) {
    const x = col[k];
    const b = binOf(edges, x);
    for (let t = 0; t < edges.length; t++) assert.equal(b <= t, x <= edges[t]);
  }
});

Deno.test("computeBinEdges keeps at most maxBins bins and one bin per distinct value when few", () => {
  const rng = createRng(4);
  const many = Float64Array.from({ length: 10000 }, () => rng.next());
  const few = Float64Array.from({ length: 10000 }, (_, i) => i % 5);
  const [e1, e2] = computeBinEdges([many, few], 255, 10000, 0);
  assert.ok(e1.length <= 254 && e1.length > 200);
  assert.deepEqual(Array.from(e2), [0.5, 1.5, 2.5, 3.5]);
  for (let i = 1; i < e1.length; i++) assert.ok(e1[i] > e1[i - 1]);
});

Deno.test("computeBinEdges samples rows with its seed, not the first rows", () => {
  // The first half is all zeros: a "first rows" sample would see one value only.
  const col = Float64Array.from({ length: 4000 }, (_, i) => (i < 2000 ? 0 : i));
  const [edges] = computeBinEdges([col], 16, 1000, 7);
  assert.ok(edges.length > 5);
});

Deno.test("binRows writes row-major bins with the given stride", () => {
  const out = binRows([Float64Array.of(1, 5), Float64Array.of(9, 0)], [
    Float64Array.of(2),
    Float64Array.of(4),
  ], 4);
  assert.deepEqual(Array.from(out), [0, 1, 0, 0, 1, 0, 0, 0]);
});

Deno.test("binValues with a binLookup table gives binOf's bin for every value", () => {
  const rng = createRng(5);
  // heavy-tailed values (most edges in a narrow centre), exact edges and their neighbours, signed zeros
  const col = Float64Array.from({ length: 20000 }, (_, i) => {
    const u = rng.next();
    return i % 7 === 0 ? (i % 2 ? -0 : 0) : Math.tan((u - 0.5) * 3.1) * (i % 3 ? 1 : 1e-3);
  });
  const edgeSets = [
    ...computeBinEdges([col], 255, 5000, 2),
    ...computeBinEdges([col], 8, 5000, 2),
    new Float64Array([]),
    new Float64Array([0.25]),
    new Float64Array([-1, -1 + 2 ** -52, 3]),
  ];
  for (const edges of edgeSets) {
    const probe = Float64Array.from([
      ...col,
      ...edges,
      ...edges.map((e) => e + 1e-12),
      ...edges.map((e) => e - 1e-12),
      1e308,
      -1e308,
    ]);
    const out = new Uint8Array(probe.length * 2);
    binValues(binLookup(edges), probe, 0, probe.length, out, 1, 2); // strided output
    for (let i = 0; i < probe.length; i++) {
      assert.equal(out[1 + 2 * i], binOf(edges, probe[i]), `edges ${edges.length}, value ${probe[i]}`);
    }
  }
});
