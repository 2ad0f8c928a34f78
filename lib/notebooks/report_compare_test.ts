import assert from "node:assert/strict";
import { comparisonTrialTables } from "./report_compare.ts";

Deno.test("comparisonTrialTables() formats trials per strategy and raw against deflated Sharpe per run", () => {
  const [trials, deflated] = comparisonTrialTables({
    trials: [
      { strategy: "btc_spot", n_trials: 3, sharpe_variance: 0.000125 } as never,
      { strategy: "btc_perp", n_trials: 1, sharpe_variance: 0 } as never,
    ],
    deflated: [
      {
        run_id: "20261124T102328Z-cda244af-vonq7n",
        sharpe: 0.01,
        sharpe_annualised: 1.234,
        n_trials: 3,
        sr0: 0.005,
        sr0_annualised: 0.8,
        dsr: 0.71,
        reason: null,
      } as never,
      {
        run_id: "20261124T112328Z-cda244af-abcdef",
        sharpe: null,
        sharpe_annualised: null,
        n_trials: 1,
        sr0: null,
        sr0_annualised: null,
        dsr: null,
        reason: "no backtest",
      } as never,
    ],
  });
  assert.match(trials.html, /trials per strategy/);
  assert.match(trials.html, /btc_spot/);
  assert.match(trials.html, /<td class="txt">btc_perp<\/td><td class="num">1<\/td>/);
  assert.match(deflated.html, /raw and deflated Sharpe/);
  assert.match(deflated.html, />Sharpe \(ann\.\)</);
  assert.match(deflated.html, />sr0 \(ann\.\)</);
  assert.match(deflated.html, /1\.23/);
  assert.match(deflated.html, /0\.71/);
  assert.match(deflated.html, /no backtest/);
  assert.doesNotMatch(deflated.html, /NaN/);
});
