import assert from "node:assert/strict";
import { mulberry32 } from "../util/random.ts";
import { computeVerdict, exposureReturns, returnShiftTest } from "./verdict.ts";

function _opens(close: Float64Array): Float64Array {
  return Float64Array.from(close, (_, i) => close[Math.max(0, i - 1)]);
}

function _walk(n: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const close = new Float64Array(n);
  close[0] = 100;
  for (let i = 1; i < n; i++) close[i] = close[i - 1] * Math.exp((rand() - 0.5) * 0.02);
  return close;
}

const _attr = { pricePnl: 0, gapPnl: 0, fees: 1, slippage: 1, funding: 0, net: -2 };

Deno.test("returnShiftTest(): drift alone is not skill (a shifted always-long earns the same)", () => {
  const close = _walk(3000, 1).map((c, i) => c * Math.exp(i * 0.001));
  const weight = new Float64Array(2999).fill(1);
  const ret = Float64Array.from({ length: 2999 }, (_, t) => close[t + 1] / close[t] - 1);
  const r = returnShiftTest(weight, ret, { minShift: 4, draws: 200, seed: 1 });
  assert.ok(r.pValue > 0.5, `p ${r.pValue}`);
});

Deno.test("computeVerdict(): exposure that peeks one bar ahead is economic skill; blind exposure is not", () => {
  // (the position at bar t is filled at t's open, decided at t-1's close: knowing t's return is a leak)
  const n = 3000;
  const close = _walk(n + 1, 2);
  const equity = new Float64Array(n).fill(1000);
  const y = Int32Array.from({ length: n }, (_, i) => (close[i + 1] > close[i] ? 2 : 0));
  // the position filled at bar t's open knows whether bar t closes higher: a leak
  const peek = Float64Array.from({ length: n }, (_, t) => (t > 0 && close[t] > close[t - 1] ? 10 : -10));
  const v = computeVerdict({
    yTrue: y,
    yPred: y,
    exposure: { open: _opens(close), close, firstBar: 0, position: peek, equity },
    attribution: { pricePnl: 500, gapPnl: 0, fees: 10, slippage: 5, funding: 0, net: 485 },
    netReturn: 0.485 / 1,
    horizon: 1,
    seed: 3,
    draws: 300,
  });
  assert.ok(v.economic_skill && v.label_skill && v.p_value < 0.01, v.text);
  assert.ok(v.text.startsWith("evidence of skill (label skill yes, economic skill yes)"));
  const rand = mulberry32(8);
  const blind = Float64Array.from({ length: n }, () => (rand() < 0.5 ? 10 : -10));
  const w = computeVerdict({
    yTrue: y,
    yPred: Int32Array.from(y, () => (rand() < 0.5 ? 2 : 0)),
    exposure: { open: _opens(close), close, firstBar: 0, position: blind, equity },
    attribution: _attr,
    netReturn: -0.002,
    horizon: 1,
    seed: 3,
    draws: 300,
  });
  assert.ok(!w.economic_skill && !w.label_skill && w.p_value > 0.05, w.text);
});

Deno.test("computeVerdict(): a predictable label that does not pay reads 'label skill yes, economic skill no'", () => {
  const n = 2000;
  const close = _walk(n + 1, 4);
  const rand = mulberry32(11);
  // the label is predictable (it is a slow regime), positions are unrelated to the returns
  const y = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 50) % 3);
  const v = computeVerdict({
    yTrue: y,
    yPred: y,
    exposure: {
      open: _opens(close),
      close,
      firstBar: 0,
      position: Float64Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)),
      equity: new Float64Array(n).fill(100),
    },
    attribution: _attr,
    netReturn: -0.02,
    horizon: 4,
    seed: 1,
    draws: 300,
  });
  assert.ok(v.text.startsWith("no evidence of skill (label skill yes, economic skill no)"), v.text);
  assert.ok(v.macro_f1 === 1 && v.macro_f1_prior_random === 1 / 3);
});

Deno.test("computeVerdict(): a significant gross edge eaten by costs is not economic skill", () => {
  const n = 3000;
  const close = _walk(n + 1, 5);
  const peek = Float64Array.from({ length: n }, (_, t) => (t > 0 && close[t] > close[t - 1] ? 1 : -1));
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const v = computeVerdict({
    yTrue: y,
    yPred: y,
    exposure: {
      open: _opens(close),
      close,
      firstBar: 0,
      position: peek,
      equity: new Float64Array(n).fill(100),
    },
    attribution: { pricePnl: 10, gapPnl: 0, fees: 15, slippage: 5, funding: 0, net: -10 },
    netReturn: -0.1,
    horizon: 1,
    seed: 1,
    draws: 200,
  });
  assert.ok(v.p_value < 0.01 && !v.economic_skill, v.text);
  assert.equal(v.costs_share_of_gross, 2);
});

Deno.test("exposureReturns(): the position carried into an open pays that open's funding", () => {
  const e = exposureReturns({
    open: Float64Array.of(100, 100, 100),
    close: Float64Array.of(100, 100, 100),
    fundingRate: Float64Array.of(NaN, 0.001, NaN),
    firstBar: 0,
    position: Float64Array.of(1, 1, 1),
    equity: Float64Array.of(100, 100, 100),
  });
  assert.ok(Math.abs(e.gapReturn[0] + 0.001) < 1e-15 && e.gapReturn[1] === 0 && e.gapWeight[0] === 1);
});
