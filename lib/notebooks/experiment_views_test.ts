import assert from "node:assert/strict";
import * as aq from "arquero";
import {
  attributionChart,
  backtestSummaryTable,
  calibrationView,
  classBalanceTable,
  compareAllRuns,
  comparisonViews,
  confusionChart,
  drawdown,
  equityVsHold,
  foldMetricsTable,
  fundingTable,
  importanceChart,
  loadLatestRun,
  meanFoldImportance,
  runCandlesPath,
  tradesTable,
} from "./experiment_views.ts";
import type { ClassificationReport } from "../validation/metrics.ts";
import type { Trade } from "../backtest/engine.ts";
import type { RunComparison } from "../experiments/compare.ts";

function _report(over: Partial<ClassificationReport> = {}): ClassificationReport {
  return {
    n: 100,
    accuracy: 0.5,
    majorityBaseline: 0.45,
    balancedAccuracy: 0.4,
    macroF1: 0.38,
    logLoss: 1.05,
    perClass: [],
    confusion: [[10, 5, 1], [4, 50, 6], [2, 7, 15]],
    calibration: [
      { lo: 0.3, hi: 0.4, count: 40, meanConfidence: 0.36, accuracy: 0.3 },
      { lo: 0.4, hi: 0.5, count: 0, meanConfidence: NaN, accuracy: NaN },
      { lo: 0.5, hi: 0.6, count: 60, meanConfidence: 0.55, accuracy: 0.6 },
    ],
    ...over,
  };
}

const trade = (over: Partial<Trade>): Trade => ({
  side: 1,
  entryTime: 0,
  entryPrice: 100,
  exitTime: 3_600_000,
  exitPrice: 101,
  qty: 1,
  pricePnl: 1,
  gapPnl: 0,
  fees: 0.2,
  slippage: 0.1,
  funding: 0,
  net: 0.7,
  exitReason: "signal",
  open: false,
  ...over,
});

Deno.test("foldMetricsTable() puts the majority baseline beside accuracy and ends with an all row", () => {
  const t = foldMetricsTable([{ fold: 1, metrics: _report() }, {
    fold: 2,
    metrics: _report({ accuracy: 0.6 }),
  }], {
    ..._report(),
    n: 200,
  });
  assert.deepEqual(t.columnNames(), [
    "fold",
    "test_rows",
    "accuracy",
    "majority_baseline",
    "balanced_accuracy",
    "macro_f1",
    "log_loss",
  ]);
  assert.deepEqual(t.array("fold"), ["1", "2", "all"]);
  assert.deepEqual(Array.from(t.array("accuracy") as Float64Array), [0.5, 0.6, 0.5]);
  assert.equal(t.get("test_rows", 2), 200);
});

Deno.test("classBalanceTable() counts only the indexed rows and skips missing labels", () => {
  const t = classBalanceTable(Int32Array.of(0, -1, 2, 2, 1), Int32Array.of(1, 2, 3));
  assert.deepEqual(Array.from(t.array("count") as Float64Array), [0, 0, 2]);
  assert.deepEqual(Array.from(t.array("share") as Float64Array), [0, 0, 1]);
});

Deno.test("calibrationView() drops empty bins and shows accuracy minus confidence", () => {
  const t = calibrationView(_report());
  assert.deepEqual(t.array("bin"), ["0.30-0.40", "0.50-0.60"]);
  assert.ok(Math.abs((t.get("gap", 1) as number) - 0.05) < 1e-12);
});

Deno.test("confusionChart() and importanceChart() render SVG with class and feature names", () => {
  const c = confusionChart(_report(), "confusion");
  assert.ok(c.svg.startsWith("<svg") && c.svg.includes("true long") && c.svg.includes("pred short"));
  assert.ok(c.svg.includes(">50<"));
  const imp = importanceChart(meanFoldImportance([{ featureImportance: { a: 0.1, b: 0.9 } }]), "importance");
  assert.ok(imp.svg.indexOf(">b<") < imp.svg.indexOf(">a<"));
});

Deno.test("backtestSummaryTable() has no buy-and-hold value for trade statistics", () => {
  const curve = { totalReturn: 0.1, cagr: 0.05, sharpe: 0.8, sortino: 1, maxDrawdown: -0.2, calmar: 0.25 };
  const t = backtestSummaryTable(
    { ...curve, hitRate: 0.5, turnover: 4, exposure: 0.3, avgTrade: 2, nTrades: 12 },
    { ...curve, totalReturn: 0.4 },
  );
  assert.deepEqual(t.columnNames(), ["metric", "strategy", "buy_and_hold"]);
  const row = (name: string) => (t.array("metric") as string[]).indexOf(name);
  assert.equal(t.get("buy_and_hold", row("total return")), 0.4);
  assert.equal(t.get("strategy", row("trades")), 12);
  assert.ok(Number.isNaN(t.get("buy_and_hold", row("trades"))));
});

Deno.test("fundingTable() splits received from paid funding and reports missing events", () => {
  const t = fundingTable({
    trades: [trade({ funding: 3 }), trade({ funding: -1 }), trade({ funding: -2 })],
    attribution: { pricePnl: 0, gapPnl: 0, fees: 0, slippage: 0, funding: 0, net: 0 },
    flags: { missingFunding: { count: 4 }, gaps: { count: 0 }, markFallbacks: 2, liquidations: 0 },
  });
  assert.deepEqual(Array.from(t.array("value") as Float64Array), [3, -3, 0, 4, 2, 0]);
});

Deno.test("equityVsHold() scales both curves to 1 and leaves bars without a close as NaN", () => {
  const bars = aq.table({ timestamp: Float64Array.of(10, 20, 30), close: Float64Array.of(50, 100, 75) });
  const t = equityVsHold({ timestamp: [20, 30, 40], equity: [1000, 1100, 990] }, bars);
  assert.deepEqual(Array.from(t.array("strategy") as Float64Array), [1, 1.1, 0.99]);
  const hold = Array.from(t.array("buy_and_hold") as Float64Array);
  assert.deepEqual(hold.slice(0, 2), [1, 0.75]);
  assert.ok(Number.isNaN(hold[2]));
});

Deno.test("drawdown() is measured from the running peak, never from the future", () => {
  assert.deepEqual(Array.from(drawdown([100, 75, 120, 60, 130])), [0, -0.25, 0, -0.5, 0]);
});

Deno.test("tradesTable() lists each trade's attribution and marks an open trade", () => {
  const t = tradesTable([trade({}), trade({ side: -1, open: true, exitReason: "end", funding: -0.5 })]);
  assert.deepEqual(t.array("side"), ["long", "short"]);
  assert.deepEqual(t.array("exit"), ["signal", "open (marked)"]);
  for (const c of ["price_pnl", "fees", "slippage", "funding", "net"]) assert.ok(t.columnNames().includes(c));
});

Deno.test("attributionChart() draws costs below zero", () => {
  const c = attributionChart({ pricePnl: 10, gapPnl: 0, fees: 4, slippage: 1, funding: 2, net: 7 }, "PnL");
  assert.ok(c.svg.includes(">-4<") && c.svg.includes(">-1<") && c.svg.includes("funding"));
});

Deno.test("comparisonViews() shows raw and deflated Sharpe and one config column per run", () => {
  const c: RunComparison = {
    runs: ["r1", "r2"].map((id) => ({
      run_id: id,
      strategy: "s",
      status: "ok",
      started_at: "2026-11-24T10:00:00.000Z",
      duration_seconds: 1,
      macro_f1: 0.4,
      sharpe_annualised: 1.2,
      total_return: 0.1,
      model_id: null,
      verdict: null,
      skill: null,
    })),
    config_differences: [{ key: "seed", values: [1, 2] }],
    metrics: [{ name: "macro_f1", values: [0.4, null] }],
    trials: [{ strategy: "s", n_trials: 2, repeats: 0, sharpe_variance: 0.01, run_ids: ["r1", "r2"] }],
    deflated: ["r1", "r2"].map((id) => ({
      run_id: id,
      sharpe: 0.01,
      sharpe_annualised: 1.2,
      n_trials: 2,
      sr0: 0.005,
      sr0_annualised: 0.6,
      dsr: id === "r1" ? 0.7 : null,
      reason: id === "r1" ? null : "too few periods",
      p_value: null,
      economic_skill: null,
      rank: null,
    })),
  };
  const v = comparisonViews(c);
  assert.deepEqual(v.configDifferences.columnNames(), ["key", "r1", "r2"]);
  assert.deepEqual(v.configDifferences.array("r2"), ["2"]);
  assert.equal(v.deflated.get("deflated_sharpe", 0), 0.7);
  assert.ok(Number.isNaN(v.deflated.get("deflated_sharpe", 1)));
  assert.equal(v.deflated.get("note", 1), "too few periods");
  assert.ok(Number.isNaN(v.metrics.get("r2", 0)));
  assert.equal(v.trials.get("trials", 0), 2);
});

Deno.test("runCandlesPath() refuses a run whose config names no candles file", () => {
  assert.throws(
    () => runCandlesPath({ run_id: "r", config: { data: {} } }, "."),
    /Cannot find the candles of run r: .*re-run/,
  );
});

Deno.test("loadLatestRun() and compareAllRuns() skip folders without run.json", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/notebook-run`);
  await Deno.writeTextFile(`${root}/notebook-run/manifest.json`, "{}");
  await assert.rejects(() => loadLatestRun(root, "s"), /no ok run of s with a backtest.json/);
  const r = await compareAllRuns(root);
  assert.equal(r.skipped, 1);
  assert.equal(r.comparison.runs.length, 0);
  await Deno.remove(root, { recursive: true });
});
