import assert from "node:assert/strict";
import type { SweepReport, TrialRow } from "../sweeps/report.ts";
import type { FoldChoice } from "../sweeps/walk_forward.ts";
import {
  objectiveHeatmap,
  sweepPlanLine,
  sweepRunLinks,
  sweepTrialsView,
  sweepVerdictText,
  walkForwardView,
} from "./report_sweep.ts";

const row = (index: number, a: number, b: string, objective: number | null, ok = true): TrialRow => ({
  index,
  trial: `t${index}`,
  assignment: { "model.nTrees": a, "label.kind": b },
  status: ok ? "ok" : "failed",
  run_id: `20261206T2238${index}8Z-98930ef2-run${index}`,
  objective,
  sharpe_annualised: objective,
  total_return: objective === null ? null : objective / 10,
  max_drawdown: -0.1,
  macro_f1: 0.4,
  n_trades: 12 + index,
});

const fold = (
  i: number,
  trialFold: number,
  chooseEnd: number,
  testStart: number,
  testEnd: number,
  trial: number,
  testSharpe: number,
  testReturn: number,
): FoldChoice => ({
  fold: i,
  trialFold,
  chooseStart: 0,
  chooseEnd,
  testStart,
  testEnd,
  chooseEndTime: null,
  testStartTime: i === 0 ? "2024-01-05T00:00:00Z" : null,
  testEndTime: null,
  trial,
  chooseScore: 0.1,
  chooseSharpe: 0.1,
  testSharpe,
  testReturn,
});

const TRIALS = [row(0, 50, "fixed", 0.5), row(1, 100, "fixed", 1.25), row(2, 50, "barrier", null, false)];

const REPORT: SweepReport = {
  sweepId: "grid-1a2b",
  name: "grid",
  objective: "sharpe",
  trials: TRIALS,
  nTrials: 3,
  nOk: 2,
  winner: TRIALS[1],
  commonBars: 400,
  pbo: {
    pbo: 0.625,
    splits: 70,
    blocks: 8,
    bars: 400,
    trials: 2,
    logits: new Float64Array(),
    isSharpe: new Float64Array(),
    oosSharpe: new Float64Array(),
    oosMedian: new Float64Array(),
    winnerCounts: new Int32Array(),
    bestMinusMedian: -0.00123,
    degradationSlope: 0.2,
  },
  deflated: { dsr: 0.5, sr0: 0.002, nTrials: 3 } as SweepReport["deflated"],
  walkForward: {
    folds: [fold(0, 2, 90, 100, 200, 1, -0.05, -0.01), fold(1, 3, 190, 200, 400, 0, 0.07, 0.0415)],
    returns: new Float64Array(300),
    sharpe: 0.01,
    totalReturn: 0.0312,
    distinctChoices: 2,
    objective: "sharpe",
    gap: 10,
    choices: [TRIALS[1].assignment, TRIALS[0].assignment],
    chosenTrials: [1, 0],
    sharpeAnnualised: 0.84,
  } as SweepReport["walkForward"],
  verdict: "the search is likely overfit",
};

Deno.test("sweepPlanLine() names the plan, its trials, search, objective and base config", () => {
  const plan = {
    id: "grid-1a2b",
    trials: [{}, {}, {}],
    config: { search: { kind: "random" }, objective: "sortino", base: "configs/strategies/s.yaml" },
  };
  assert.equal(
    sweepPlanLine(plan as never),
    "sweep grid-1a2b: 3 trials (random search, objective sortino) over configs/strategies/s.yaml",
  );
});

Deno.test("sweepTrialsView() has one row per trial with its settings, status and the winner in the caption", () => {
  const html = sweepTrialsView(REPORT).html;
  assert.match(html, /trials \(objective: sharpe; winner: trial 1\)/);
  assert.match(html, /model\.nTrees/);
  assert.match(html, /label\.kind/);
  assert.match(html, /&quot;barrier&quot;|"barrier"/);
  assert.match(html, />failed</);
  assert.match(html, /run1/);
  assert.equal((html.match(/<tr><td/g) ?? []).length, 3);
});

Deno.test("objectiveHeatmap() uses the named parameters and rejects one the sweep does not have", () => {
  const c = objectiveHeatmap(REPORT, "label.kind", "model.nTrees");
  assert.ok(c.svg.includes("sharpe by label.kind (rows) and model.nTrees (columns)"));
  assert.ok(c.svg.includes("1.25"));
  assert.throws(() => objectiveHeatmap(REPORT, "seed"), /not a parameter of the sweep/);
});

Deno.test("walkForwardView() lists each fold's choice and bars, or says there is no walk-forward section", () => {
  const v = walkForwardView(REPORT);
  assert.notEqual(typeof v, "string");
  const html = (v as { html: string }).html;
  assert.match(html, /\(sharpe, gap 10 bars\): 2 distinct choice\(s\), stitched return 3.12 %, Sharpe 0.84/);
  assert.match(html, /choose_bars/);
  assert.match(html, />90</);
  assert.match(html, />200</);
  assert.match(html, />2024-01-05 00:00</);
  assert.match(html, />\+4.15 %</);
  assert.match(html, />-1.00 %</);
  assert.equal(walkForwardView({ walkForward: null }), "this sweep has no walk_forward section");
  assert.equal(
    walkForwardView({ walkForward: null, walkForwardError: "runs without fold periods" }),
    "no walk-forward result: runs without fold periods",
  );
});

Deno.test("sweepVerdictText() gives PBO, the winner's margin, the deflated Sharpe and the verdict", () => {
  const lines = sweepVerdictText(REPORT).split("\n");
  assert.deepEqual(lines, [
    "PBO 0.625 (8 blocks, 70 splits, 400 common bars, 2 trials)",
    "winner's out-of-sample Sharpe minus the out-of-sample median, per bar (median over splits): -1.23e-3",
    "deflated Sharpe of the winner 0.500 with 3 trials (expected best Sharpe of skill-less trials 2.00e-3 per bar)",
    "verdict: the search is likely overfit",
  ]);
  assert.equal(sweepVerdictText({ pbo: null, deflated: null, verdict: "no verdict" }), "verdict: no verdict");
});

Deno.test("sweepRunLinks() links every trial that has a run and escapes its settings", () => {
  const d = sweepRunLinks({
    trials: [...TRIALS, row(3, 7, "<x>", 1), { ...row(4, 8, "y", 1), run_id: null }],
  });
  const bundle = d[Symbol.for("Jupyter.display")]();
  assert.equal(bundle["text/plain"], "4 runs");
  assert.equal(bundle["text/html"], d.html);
  assert.equal((d.html.match(/<li>/g) ?? []).length, 4);
  assert.ok(d.html.includes(`href="../${TRIALS[2].run_id}/run.json"`));
  assert.ok(!d.html.includes("<x>") && d.html.includes("&lt;x&gt;"));
});
