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
  testEndTime: i === 1 ? "2024-03-01T12:00:00Z" : null,
  trial,
  chooseScore: 0.0123 * (i + 1),
  chooseSharpe: 0.5,
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
    minGap: 8,
    boundaryShiftBars: 0,
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
  assert.match(html, /<th class="num">objective: sharpe<\/th>/);
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

const text = (d: { [key: symbol]: () => { "text/plain": string } }) =>
  d[Symbol.for("Jupyter.display")]()["text/plain"];
const cells = (html: string) =>
  [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1])
  );

Deno.test("walkForwardView() shows each fold's period, choice, choice score by objective, test Sharpe and return", () => {
  const html = walkForwardView(REPORT).html;
  const rows = cells(html);
  assert.deepEqual(rows[0], [
    "fold",
    "test from",
    "test to",
    "test bars",
    "chosen trial",
    "choice sharpe /bar",
    "test Sharpe /bar",
    "test return",
    "choice bars",
    "chosen settings",
  ]);
  const settings = (a: object) => JSON.stringify(a).replaceAll('"', "&quot;");
  assert.deepEqual(rows.slice(1), [
    [
      "2",
      "2024-01-05 00:00",
      "—",
      "100",
      "1",
      "0.0123",
      "-0.05",
      "-1.00 %",
      "90",
      "model.nTrees=100, label.kind=&quot;fixed&quot;",
    ],
    [
      "3",
      "—",
      "2024-03-01 12:00",
      "200",
      "0",
      "0.0246",
      "0.07",
      "+4.15 %",
      "190",
      "model.nTrees=50, label.kind=&quot;fixed&quot;",
    ],
  ]);
  assert.ok(!html.includes("did not move"));
  assert.match(
    html,
    /2 outer folds = the trials&#39; own walk-forward test folds 2, 3 \(fold 1 only chooses\)/,
  );
  assert.match(html, /best sharpe on the bars before it, less a gap of 10 bars \(at least 8: /);
  assert.ok(!html.includes("fold starts differ"));
  assert.match(
    html,
    /<b>stitched out-of-sample result<\/b>: 300 test bars, 2024-01-05 00:00 \.\. 2024-03-01 12:00: total return \+3.12 %, Sharpe 0.84 annualised \(0.01 per bar\)/,
  );
  assert.match(html, /<b>2 distinct choices<\/b> over 2 folds \(a different one in every fold\):/);
  assert.ok(html.includes(`<li>trial 1 ${settings(TRIALS[1].assignment)}: fold 2</li>`));
  assert.ok(html.includes(`<li>trial 0 ${settings(TRIALS[0].assignment)}: fold 3</li>`));
  const plain = text(walkForwardView(REPORT)).split("\n");
  assert.equal(plain.length, 4);
  assert.match(plain[3], /stitched: 300 bars, total return 3.12 %/);
});

Deno.test("walkForwardView() names the score after the objective that chose and groups repeated choices", () => {
  const w = REPORT.walkForward!;
  const f3 = fold(2, 4, 390, 400, 500, 1, 0, 0);
  const report = {
    objective: "calmar" as const,
    walkForward: {
      ...w,
      objective: "total_return" as const,
      folds: [...w.folds, f3],
      choices: [...w.choices, TRIALS[1].assignment],
      chosenTrials: [1, 0, 1],
      boundaryShiftBars: 3,
      sharpeAnnualised: null,
    },
  };
  const html = walkForwardView(report).html;
  assert.equal(cells(html)[0][5], "choice total_return");
  assert.deepEqual(cells(html).slice(1).map((r) => r[5]), ["+1.23 %", "+2.46 %", "+3.69 %"]);
  assert.match(html, /fold 4: the chosen trial's equity did not move on any test bar \(no position held\)/);
  assert.match(html, /chosen by total_return/);
  assert.match(html, /; the sweep ranks its trials by calmar, the walk-forward choice uses total_return/);
  assert.match(html, /fold starts differ by up to 3 bars; each fold starts at the latest/);
  assert.match(html, /Sharpe 0.01 per bar<\/p>/);
  assert.ok(html.includes(": folds 2, 4</li>"));
  assert.match(html, /<b>2 distinct choices<\/b> over 3 folds:<\/p>/);
  assert.ok(!/sharpe \/bar/.test(html));
});

Deno.test("walkForwardView() says why there is no result: a visible warning, or a note without the section", () => {
  const err = walkForwardView({ walkForward: null, walkForwardError: "trial 3 records no start <fold 1>" });
  assert.equal(text(err), "no walk-forward result: trial 3 records no start <fold 1>");
  assert.match(err.html, /^<p class="candlelab-warning" role="alert" style="[^"]*border-left:4px solid/);
  assert.ok(err.html.includes("<b>no walk-forward result</b>: trial 3 records no start &lt;fold 1&gt;"));
  const none = walkForwardView({ walkForward: null, nOk: 0, commonBars: 0 });
  assert.equal(text(none), "no walk-forward result: none of the trials has an ok run");
  assert.match(none.html, /candlelab-warning/);
  assert.equal(
    text(walkForwardView({ walkForward: null, nOk: 2, commonBars: 0 })),
    "no walk-forward result: the ok trials have no bars in common",
  );
  const no = walkForwardView({ walkForward: null, nOk: 3, commonBars: 400 });
  assert.equal(text(no), "this sweep has no walk_forward section");
  assert.ok(!no.html.includes("candlelab-warning"));
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
