import assert from "node:assert/strict";
import { normalCdf, normalInv } from "./normal.ts";

// Reference values: Python statistics.NormalDist / published tables.
const CDF_REFERENCE: [number, number][] = [
  [0, 0.5],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145707],
  [1.645, 0.9500150944608786],
  [1.96, 0.9750021048517796],
  [2.5, 0.9937903346742238],
  [-3, 0.0013498980316301035],
  [-5, 2.8665157186802404e-7],
];

Deno.test("normalCdf() matches reference values to 1e-14", () => {
  for (const [x, p] of CDF_REFERENCE) {
    assert.ok(Math.abs(normalCdf(x) - p) < 1e-14, `Phi(${x}) = ${normalCdf(x)}, expected ${p}`);
  }
  assert.equal(Number(normalCdf(1.96).toFixed(7)), 0.9750021);
});

Deno.test("normalCdf() keeps relative precision deep in the lower tail", () => {
  // Phi(-8) = 6.22096057427178e-16 (erfc(8/sqrt 2)/2)
  assert.ok(Math.abs(normalCdf(-8) / 6.22096057427178e-16 - 1) < 1e-7);
  assert.equal(normalCdf(-40), 0);
  assert.equal(normalCdf(40), 1);
  assert.ok(Number.isNaN(normalCdf(NaN)));
});

Deno.test("normalCdf() is symmetric: Phi(x) + Phi(-x) = 1", () => {
  for (let x = -6; x <= 6; x += 0.37) assert.ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-15);
});

Deno.test("normalInv() matches reference quantiles", () => {
  assert.equal(Number(normalInv(0.975).toFixed(6)), 1.959964);
  const ref: [number, number][] = [[0.5, 0], [0.975, 1.959963984540054], [0.99, 2.3263478740408408], [
    0.001,
    -3.090232306167813,
  ], [0.1, -1.2815515655446008]];
  for (const [p, x] of ref) {
    assert.ok(Math.abs(normalInv(p) - x) < 1e-12, `inv(${p}) = ${normalInv(p)}, expected ${x}`);
  }
});

Deno.test("normalInv() inverts normalCdf() across the range, including the tails", () => {
  for (const p of [1e-10, 1e-6, 0.01, 0.02425, 0.2, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-7]) {
    assert.ok(Math.abs(normalCdf(normalInv(p)) / p - 1) < 1e-9, `p = ${p}`);
  }
});

Deno.test("normalInv() returns infinities at 0 and 1 and refuses p outside [0, 1]", () => {
  assert.equal(normalInv(0), -Infinity);
  assert.equal(normalInv(1), Infinity);
  assert.throws(() => normalInv(1.5), {
    name: "RangeError",
    message: /p must be in \[0, 1\], current value is 1.5/,
  });
  assert.throws(() => normalInv(NaN), RangeError);
});
