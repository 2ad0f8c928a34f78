import assert from "node:assert/strict";
import { returnMoments } from "./returns.ts";

Deno.test("returnMoments() gives the Sharpe, skew and Pearson kurtosis of per-bar returns", () => {
  // returns: +10 %, -10 %, +10 %, -10 %  -> mean 0 -> Sharpe 0; symmetric -> skew 0; two-point -> kurtosis 1
  const eq = Float64Array.of(100, 110, 99, 108.9, 98.01);
  const m = returnMoments(eq, 24 * 3600_000);
  assert.equal(m.n_periods, 4);
  assert.ok(Math.abs(m.sharpe) < 1e-12);
  assert.ok(Math.abs(m.skew) < 1e-9);
  assert.ok(Math.abs(m.kurtosis - 1) < 1e-9);
  assert.equal(m.periods_per_year, 365);
});

Deno.test("returnMoments() annualises with the square root of bars per year", () => {
  const eq = Float64Array.of(100, 101, 103, 102, 105);
  const m = returnMoments(eq, 3600_000);
  assert.ok(Math.abs(m.sharpe_annualised - m.sharpe * Math.sqrt(8760)) < 1e-12);
  assert.ok(m.sharpe > 0);
});
