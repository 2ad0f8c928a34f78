import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ewm,
  recursiveLookback,
  rollingExtremeDistances,
  rollingMax,
  rollingMean,
  rollingMeanStd,
  rollingMin,
  rollingStd,
  rollingZScore,
} from "./kernels.ts";

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

const bits = (x: Float64Array) => [...new BigUint64Array(x.buffer, x.byteOffset, x.length)];

// series with NaN gaps, flat stretches and level shifts: every branch of the rolling kernels
const gappy = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
    { weight: 1, arbitrary: fc.constant(NaN) },
    { weight: 2, arbitrary: fc.constant(5) },
  ),
  { minLength: 1, maxLength: 200 },
);

Deno.test("rollingMeanStd() gives the bits of rollingMean() and rollingStd(), rollingZScore() their quotient", () => {
  fc.assert(
    fc.property(gappy, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 }), (xs, w, ddof) => {
      const x = Float64Array.from(xs);
      const mean = new Float64Array(x.length);
      const std = new Float64Array(x.length);
      rollingMeanStd(x, w, ddof, mean, std);
      const m = rollingMean(x, w);
      const s = rollingStd(x, w, ddof);
      const z = m.map((mi, i) => {
        const v = (x[i] - mi) / s[i];
        return Number.isNaN(v) ? NaN : v;
      });
      assert.deepEqual(bits(mean), bits(m));
      assert.deepEqual(bits(std), bits(s));
      assert.deepEqual(bits(rollingZScore(x, w, ddof)), bits(z));
    }),
    { numRuns: 300, seed: 2 },
  );
});

Deno.test("the EMA normaliser (1 - a) + a is exactly 1, so skipping the division keeps every bit", () => {
  fc.assert(
    fc.property(
      fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      (a, y, v) => {
        const old = 1 - a;
        assert.equal(old + a, 1);
        const step = old * y + a * v;
        assert.ok(Object.is(step / (old + a), step));
      },
    ),
    { numRuns: 2000, seed: 3 },
  );
  for (const span of [1, 2, 9, 12, 14, 26, 50, 200, 1000, 999_999]) {
    for (const a of [2 / (span + 1), 1 / span]) assert.equal((1 - a) + a, 1, `alpha ${a}`);
  }
});

Deno.test("rollingExtremeDistances() gives the bits of c / rollingMax(hi) - 1 and c / rollingMin(lo) - 1", () => {
  // c is positive here; hi and lo take any value, including zeros of both signs, ties and NaN gaps
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
    { weight: 3, arbitrary: fc.constantFrom(-3, 7) }, // ties
    { weight: 4, arbitrary: fc.constantFrom(0, -0) }, // signed zeros tell which of tied rows won
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 150 }).chain((n) =>
        fc.tuple(...[0, 1, 2].map(() => fc.array(value, { minLength: n, maxLength: n })))
      ),
      fc.integer({ min: 1, max: 30 }),
      ([cs, hs, ls], w) => {
        const [c, hi, lo] = [cs, hs, ls].map((a) => Float64Array.from(a));
        c.forEach((v, i) => (c[i] = Number.isNaN(v) || v <= 0 ? 5 : v));
        const toMax = new Float64Array(c.length);
        const toMin = new Float64Array(c.length);
        rollingExtremeDistances(c, hi, lo, w, toMax, toMin);
        const mx = rollingMax(hi, w);
        const mn = rollingMin(lo, w);
        const canon = (v: number) => (Number.isNaN(v) ? NaN : v);
        assert.deepEqual(bits(toMax), bits(Float64Array.from(c, (ci, i) => canon(ci / mx[i] - 1))));
        assert.deepEqual(bits(toMin), bits(Float64Array.from(c, (ci, i) => canon(ci / mn[i] - 1))));
      },
    ),
    { numRuns: 1000, seed: 4 },
  );
});
