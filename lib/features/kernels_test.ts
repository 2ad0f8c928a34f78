import assert from "node:assert/strict";
import fc from "fast-check";
import { ewm, recursiveLookback, rollingMax, rollingMean, rollingMin, rollingStd } from "./kernels.ts";

function naive(x: number[], w: number, f: (win: number[]) => number): number[] {
  return x.map((_, i) => (i + 1 >= w ? f(x.slice(i + 1 - w, i + 1)) : NaN));
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};
function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): boolean {
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return false;
    if (!Number.isNaN(a[i]) && Math.abs(a[i] - b[i]) > tol * Math.max(1, Math.abs(b[i]))) return false;
  }
  return true;
}

Deno.test("rolling kernels agree with a naive window over random series", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 120 }),
      fc.integer({ min: 2, max: 30 }),
      (xs, w) => {
        const x = Float64Array.from(xs);
        return close(rollingMean(x, w), naive(xs, w, mean), 1e-9) &&
          close(rollingStd(x, w), naive(xs, w, std), 1e-7) &&
          close(rollingMax(x, w), naive(xs, w, (a) => Math.max(...a)), 0) &&
          close(rollingMin(x, w), naive(xs, w, (a) => Math.min(...a)), 0);
      },
    ),
    { numRuns: 200, seed: 1 },
  );
});

Deno.test("a NaN input restarts the rolling window instead of poisoning it forever", () => {
  const x = Float64Array.of(1, 2, NaN, 3, 4, 5);
  assert.deepEqual([...rollingMean(x, 2)].map((v) => (Number.isNaN(v) ? null : v)), [
    null,
    1.5,
    null,
    null,
    3.5,
    4.5,
  ]);
});

Deno.test("rollingStd() does not drift over a long series with a level shift", () => {
  const n = 20_000;
  const x = new Float64Array(n).map((_, i) => (i < 10_000 ? 1e6 : 0) + Math.sin(i));
  const s = rollingStd(x, 50);
  const exact = std([...x.subarray(n - 50)]);
  assert.ok(Math.abs(s[n - 1] - exact) < 1e-9 * exact);
});

Deno.test("ewm() seeds with the first value and recursiveLookback() bounds the seed's weight", () => {
  const y = ewm(Float64Array.of(NaN, 2, 4), 0.5);
  assert.ok(Number.isNaN(y[0]));
  assert.deepEqual([y[1], y[2]], [2, 3]);
  const a = 2 / 201;
  const L = recursiveLookback(a);
  assert.ok((1 - a) ** L <= 1e-6 && (1 - a) ** (L - 1) > 1e-6);
});
