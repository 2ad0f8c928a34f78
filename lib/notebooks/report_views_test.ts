import assert from "node:assert/strict";
import { runVerdict } from "./report_verdict.ts";
import { provenanceView } from "./report_provenance.ts";
import { comparisonSharpeChart } from "./report_compare.ts";
import { foldResultsView } from "./report_folds.ts";
import { monthlyReturns, tradeListView } from "./report_returns.ts";
import { TOP_BLOCK } from "./html_report.ts";

const BASE = {
  run_id: "20261206T223848Z-98930ef2-0h3sdv",
  strategy: "btc_spot_ema_cross_rsi",
  status: "ok" as const,
  started_at: "2026-12-06T22:38:48.000Z",
  config: { costs: { makerBps: 10, takerBps: 10, slippage: { kind: "fixed", bps: 2 } } },
  config_hash: "98930ef2c0f125aa",
  datasets: [{ path: "data/raw/x.parquet", sha256: "ab".repeat(32), kind: "ohlcv" }],
  model_id: "b323993a8a51e834",
  metrics: { folds: [{ fold: 1, accuracy: 0.41 }], overall: { macro_f1: 0.41 } },
  backtest: null,
  code: { commit: "14d2f45c13", dirty: false },
};
const BT = {
  attribution: { pricePnl: -198.8, gapPnl: 0, fees: 332.4, slippage: 66.5, funding: 0, net: -597.7 },
  metrics: { totalReturn: -0.0598, nTrades: 65, maxDrawdown: -0.0627 },
  buyAndHold: { totalReturn: 3.86465 },
};

Deno.test("runVerdict() of a record without the new fields says 'not available' instead of guessing", () => {
  const v = runVerdict(BASE);
  const byName = Object.fromEntries(v.items.map((i) => [i.name, i]));
  assert.match(v.headline, /verdict not available/);
  assert.equal(byName["label skill (out of sample)"].tone, "na");
  assert.match(byName["label skill (out of sample)"].detail!, /macro-F1 0.41, no null recorded/);
  assert.equal(byName["economic skill"].value, "not available");
  assert.equal(byName["deflated Sharpe"].value, "not available");
  assert.match(byName["hold-out"].value, /not available/);
  assert.equal(byName["net return"].value, "—");
  assert.ok(v.html.startsWith(TOP_BLOCK.start) && v.html.endsWith(TOP_BLOCK.end));
});

Deno.test("runVerdict() shows skill, p-value, deflated Sharpe with trials, hold-out, costs and warnings", () => {
  const record = {
    ...BASE,
    verdict: {
      text: "no evidence of skill: ...",
      label_skill: true,
      economic_skill: false,
      macro_f1: 0.41,
      macro_f1_majority: 0.223,
      macro_f1_prior_random: 0.333,
      p_value: 0.826,
      permutation_draws: 1000,
      min_shift_bars: 4,
      costs_share_of_gross: 2.006,
    },
    holdout: { start: "2024-07-01T00:00:00.000Z", end: "2025-01-01T00:00:00.000Z", opened: true, opens: 3 },
    warnings: ["2 funding events missing"],
    guard: { causality: false, warmup: true, reason: "vendor features are trusted" },
  };
  const deflated = {
    run_id: BASE.run_id,
    sharpe: -0.02,
    sharpe_annualised: -1.81,
    n_trials: 11,
    sr0: 0.01,
    sr0_annualised: 1.02,
    dsr: 0.004,
    reason: null,
  };
  const v = runVerdict(record, deflated as never, BT);
  const byName = Object.fromEntries(v.items.map((i) => [i.name, i]));
  assert.equal(v.headline, "no evidence of skill: ...");
  assert.equal(byName["economic skill"].value, "no (p 0.826)");
  assert.equal(byName["deflated Sharpe"].value, "0.00");
  assert.match(byName["deflated Sharpe"].detail!, /after 11 trials/);
  assert.equal(byName["hold-out"].value, "opened");
  assert.equal(byName["hold-out"].tone, "bad", "a lockbox opened 3 times is flagged");
  assert.equal(byName["costs / gross PnL"].value, "201 % of a losing gross");
  assert.equal(byName.trades.value, "65");
  assert.equal(byName["net return"].value, "-5.98 %");
  assert.match(byName["net return"].detail!, /buy-and-hold \+386 %/);
  assert.deepEqual(v.warnings, [
    "2 funding events missing",
    "leakage guard off (causality): vendor features are trusted",
  ]);
});

Deno.test("provenanceView() names data files with hashes, costs, capital and the commit", () => {
  const v = provenanceView({ ...BASE, code: { commit: "14d2f45c13aa", dirty: true } }, {
    timestamp: [Date.UTC(2022, 8, 23, 5), Date.UTC(2024, 11, 31, 19)],
    equity: [10_000, 9402],
  });
  const row = (n: string) => v.rows.find((r) => r.name === n)?.value;
  assert.equal(row("data: ohlcv"), `data/raw/x.parquet · sha256 ${"ab".repeat(6)}…`);
  assert.equal(v.rows.find((r) => r.name === "data: ohlcv")?.full, "ab".repeat(32));
  assert.equal(row("costs"), "maker 10 bps · taker 10 bps · slippage fixed 2 bps");
  assert.equal(row("starting capital"), "10,000 (quote)");
  assert.equal(row("code"), "commit 14d2f45c13 with uncommitted changes");
  assert.equal(row("backtested bars"), "2022-09-23 05:00 → 2024-12-31 19:00 UTC · 2 bars");
});

Deno.test("comparisonSharpeChart() puts a one-trial losing run left of zero in red, not on top", () => {
  const d = (id: string, sr: number, n: number, dsr: number) => ({
    run_id: id,
    sharpe: sr / 93,
    sharpe_annualised: sr,
    n_trials: n,
    sr0: 0,
    sr0_annualised: n > 1 ? 1 : 0,
    dsr,
    reason: null,
    p_value: 0.4,
    economic_skill: false,
    rank: null,
  });
  const c = comparisonSharpeChart({
    deflated: [d("20261206T101500Z-aa-loser1", -1.8, 1, 0.31), d("20261206T113000Z-bb-winnr2", 2.1, 12, 0.2)],
  });
  const dots = [...c.svg.matchAll(/<circle fill="(#[0-9a-f]+)"[^>]*cx="([\d.]+)"/g)].map((m) => ({
    x: Number(m[2]),
    fill: m[1],
  }));
  assert.equal(dots.length, 2);
  assert.equal(dots[0].fill, "#c01c28");
  assert.ok(dots[0].x < dots[1].x, "the losing run is drawn left of the winning one");
  assert.match(c.svg, /DSR 0.31 · 1 trial · no economic skill, p 0.400/);
});

Deno.test("foldResultsView() shows fold periods when recorded and no NaN when a metric is missing", () => {
  const v = foldResultsView({
    folds: [{
      fold: 1,
      train_start: "2022-02-27T00:00:00Z",
      train_end: "2022-09-23T00:00:00Z",
      test_start: "2022-09-23T04:00:00Z",
      test_end: "2023-04-18T00:00:00Z",
      accuracy: 0.419,
    }],
    overall: { accuracy: 0.44, majority_baseline: 0.503 },
  });
  assert.match(v.html, /2022-02-27 → 2022-09-23/);
  assert.match(v.html, /2022-09-23 → 2023-04-18/);
  assert.match(v.html, /-6.30 %/);
  assert.doesNotMatch(v.html, /NaN/);
});

Deno.test("monthlyReturns() compounds within months across a year boundary", () => {
  const t = [Date.UTC(2023, 11, 1), Date.UTC(2023, 11, 31), Date.UTC(2024, 0, 15), Date.UTC(2024, 0, 31)];
  const m = monthlyReturns({ timestamp: t, equity: [100, 120, 90, 96] });
  assert.deepEqual(m.years, ["2023", "2024"]);
  assert.ok(Math.abs(m.returns[0][11] - 0.2) < 1e-12);
  assert.ok(Math.abs(m.returns[1][0] - (96 / 120 - 1)) < 1e-12);
  assert.ok(Math.abs(m.yearTotals[1] - (96 / 120 - 1)) < 1e-12);
});

Deno.test("tradeListView() lists the newest trades with durations, % returns and who closed them", () => {
  const trades = Array.from({ length: 20 }, (_, k) => ({
    side: 1 as const,
    entryTime: k * 86_400_000,
    entryPrice: 100,
    exitTime: k * 86_400_000 + 26 * 3_600_000,
    exitPrice: 101,
    qty: 1,
    pricePnl: 1,
    gapPnl: 0,
    fees: 0.2,
    slippage: 0.02,
    funding: 0,
    net: 0.78,
    exitReason: "signal" as const,
    open: k === 19,
  }));
  const v = tradeListView(trades as never, 5);
  assert.match(v.html, /trades: 20 · win rate 100 %/);
  assert.match(v.html, />1d 2h</);
  assert.match(v.html, />\+0.78 %</);
  assert.match(v.html, /still open \(marked\)/);
  assert.match(v.html, /5 of 20 rows shown/);
});
