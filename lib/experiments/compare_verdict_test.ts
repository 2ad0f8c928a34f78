import assert from "node:assert/strict";
import { compareRecords, formatComparison } from "./compare.ts";
import type { RunRecord } from "./run_record.ts";
import { fakeRunRecord } from "./testing.ts";

function _verdict(p: number, economic: boolean): RunRecord["verdict"] {
  return {
    text: economic ? "evidence of skill" : "no evidence of skill",
    label_skill: economic,
    economic_skill: economic,
    macro_f1: 0.4,
    macro_f1_majority: 0.2,
    macro_f1_prior_random: 0.333,
    accuracy: 0.45,
    accuracy_majority: 0.5,
    accuracy_prior_random: 0.34,
    p_value: p,
    permutation_draws: 1000,
    min_shift_bars: 4,
    net_return: 0.1,
    gross_return: 0.12,
    costs_share_of_gross: 0.2,
  };
}

Deno.test("compareRecords(): a one-trial strategy is not ranked above a deflated one for having no trials to deflate", () => {
  // strategy "many": 3 trials, the best one with skill; strategy "once": one trial with a higher raw Sharpe
  const many = [0.01, 0.012, 0.03].map((s, i) => ({
    ...fakeRunRecord({ strategy: "many", sharpe: s, suffix: `m${i}aaaa`, config: { i } }),
    verdict: _verdict(i === 2 ? 0.001 : 0.4, i === 2),
  }));
  const once = {
    ...fakeRunRecord({ strategy: "once", sharpe: 0.05, suffix: "onceaa" }),
    verdict: _verdict(0.002, true),
  };
  const c = compareRecords([many[2], once], [...many, once]);
  const [m, o] = c.deflated;
  assert.ok(o.dsr! > m.dsr!, "the undeflated one-trial DSR is higher: the trap");
  assert.equal(m.rank, 1);
  assert.equal(o.rank, null);
  assert.match(o.reason!, /1 trial: nothing to deflate/);
  assert.equal(o.p_value, 0.002);
  const text = formatComparison(c);
  assert.match(text, /returns p/);
  assert.match(text, /economic skill/);
});

Deno.test("compareRecords(): runs without economic skill are not ranked, old runs show no verdict", () => {
  const runs = [0.01, 0.02].map((s, i) => ({
    ...fakeRunRecord({ strategy: "x", sharpe: s, suffix: `x${i}aaaa`, config: { i } }),
    verdict: _verdict(0.3, false),
  }));
  const old = fakeRunRecord({ strategy: "x", sharpe: 0.015, suffix: "oldaaa", config: { i: 9 } });
  const c = compareRecords([...runs, old], [...runs, old]);
  assert.deepEqual(c.deflated.map((d) => d.rank), [null, null, null]);
  assert.deepEqual(c.deflated.map((d) => d.economic_skill), [false, false, null]);
  assert.match(formatComparison(c), /\(no verdict\)/);
});
