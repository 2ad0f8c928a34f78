/**
 * Sweep report views (notebook 07): the plan's one-line description, running the trials not yet
 * recorded with a progress bar, the trials table, the objective over two parameters, the walk-forward
 * choices per fold, the overfitting statistics with the verdict, and links to each trial's run. They
 * only present what {@link sweepReport} (lib/sweeps/report.ts) computed; nothing is recomputed here.
 *
 * @module
 */
import * as aq from "arquero";
import { type Chart, heatmap } from "../plots/mod.ts";
import type { SweepPlan } from "../sweeps/plan.ts";
import { objectiveGrid, type SweepReport } from "../sweeps/report.ts";
import { runSweep } from "../sweeps/run.ts";
import { type HtmlDisplay, htmlDisplay } from "./exploration.ts";
import { escapeHtml } from "./html_report.ts";
import { notebookSweepProgress } from "./progress.ts";
import { fmtDate } from "./report_format.ts";
import { type TableView, tableView } from "./table_view.ts";

/**
 * What a sweep plan is, in one line: id, trial count, search kind, objective and base config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepPlanLine } from "./report_sweep.ts";
 * const line = sweepPlanLine({ id: "g-1a2b", trials: [{}, {}], config: { search: { kind: "grid" },
 *   objective: "sharpe", base: "configs/strategies/s.yaml" } } as never);
 * assert.equal(line, "sweep g-1a2b: 2 trials (grid search, objective sharpe) over configs/strategies/s.yaml");
 * ```
 */
export function sweepPlanLine(plan: Pick<SweepPlan, "id" | "trials" | "config">): string {
  const c = plan.config;
  return `sweep ${plan.id}: ${plan.trials.length} trials (${c.search.kind} search, objective ${c.objective}) over ${c.base}`;
}

/**
 * Runs the trials of `plan` that have no ok run yet (with a progress bar that updates in place in a
 * notebook) and says what it did.
 *
 * @example
 * ```ts ignore
 * const plan = await planSweep("../configs/sweeps/btc_spot_grid.yaml", { projectRoot: ".." });
 * await show(await runMissingTrials(plan, { workers: 2, projectRoot: ".." }));
 * ```
 */
export async function runMissingTrials(
  plan: SweepPlan,
  options: { workers?: number; projectRoot?: string } = {},
): Promise<string> {
  const s = await runSweep(plan, {
    workers: options.workers,
    projectRoot: options.projectRoot,
    onProgress: notebookSweepProgress(`sweep ${plan.config.name}`),
  });
  return `ran ${s.recorded.length} trials in ${s.seconds.toFixed(1)} s (${s.skipped} were already recorded)`;
}

/**
 * One row per trial: its settings (JSON), status, objective, the backtest of its out-of-fold predictions
 * and its run id; the caption names the objective and the winner.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepTrialsView } from "./report_sweep.ts";
 * const v = sweepTrialsView({ objective: "sharpe", winner: null, trials: [{ index: 0, assignment: { n: 5 },
 *   status: "missing", objective: null, total_return: null, macro_f1: null, n_trades: null, run_id: null }] } as never);
 * assert.match(v.html, /winner: trial none/);
 * ```
 */
export function sweepTrialsView(report: Pick<SweepReport, "trials" | "objective" | "winner">): TableView {
  const keys = Object.keys(report.trials[0]?.assignment ?? {});
  const table = aq.from(report.trials.map((t) => ({
    trial: t.index,
    ...Object.fromEntries(keys.map((k) => [k, JSON.stringify(t.assignment[k])])),
    status: t.status,
    objective: t.objective ?? NaN,
    total_return: t.total_return ?? NaN,
    macro_f1: t.macro_f1 ?? NaN,
    trades: t.n_trades ?? NaN,
    run: t.run_id ?? "",
  })));
  return tableView(table, {
    caption: `trials (objective: ${report.objective}; winner: trial ${report.winner?.index ?? "none"})`,
    head: 100,
    tail: 0,
    formats: { objective: "num", total_return: "pct", macro_f1: "num", trades: "int" },
  });
}

/**
 * Heatmap of the best objective per cell of two parameters (default: the first two of the space), over
 * the other parameters ({@link objectiveGrid}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { objectiveHeatmap } from "./report_sweep.ts";
 * const row = (a: number, b: number, objective: number) => ({ assignment: { a, b }, objective, status: "ok" });
 * const c = objectiveHeatmap({ objective: "sharpe", trials: [row(1, 1, 0.5), row(1, 2, 0.75)] } as never);
 * assert.ok(c.svg.includes("sharpe by a (rows) and b (columns)") && c.svg.includes("0.75"));
 * ```
 */
export function objectiveHeatmap(
  report: Pick<SweepReport, "trials" | "objective">,
  rowParam = "",
  colParam = "",
): Chart {
  const grid = objectiveGrid(report, rowParam, colParam);
  return heatmap(grid.values, {
    title: `${report.objective} by ${grid.rowKey} (rows) and ${grid.colKey} (columns)`,
    rowLabels: grid.rowLabels,
    colLabels: grid.colLabels,
    digits: 2,
  });
}

/**
 * The walk-forward optimisation per outer fold (the trials' own test fold): the setting chosen on the bars
 * before the fold, how many bars it was chosen on and held for, the test period, its Sharpe on both and
 * its return on the test bars; a sentence when the sweep has no `walk_forward` section or no result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkForwardView } from "./report_sweep.ts";
 * assert.equal(walkForwardView({ walkForward: null }), "this sweep has no walk_forward section");
 * ```
 */
export function walkForwardView(
  report: Pick<SweepReport, "walkForward" | "walkForwardError">,
): TableView | string {
  const w = report.walkForward;
  if (!w) {
    return report.walkForwardError
      ? `no walk-forward result: ${report.walkForwardError}`
      : "this sweep has no walk_forward section";
  }
  const table = aq.from(w.folds.map((f) => ({
    fold: f.trialFold,
    trial: w.chosenTrials?.[f.fold] ?? NaN,
    choice: JSON.stringify(w.choices[f.fold]),
    choose_bars: f.chooseEnd - f.chooseStart,
    test_from: f.testStartTime ? fmtDate(f.testStartTime, true) : "",
    test_to: f.testEndTime ? fmtDate(f.testEndTime, true) : "",
    test_bars: f.testEnd - f.testStart,
    choose_sharpe: f.chooseSharpe,
    test_sharpe: f.testSharpe,
    test_return: f.testReturn,
  })));
  return tableView(table, {
    caption: `walk-forward optimisation (${w.objective}, gap ${w.gap} bars): ${w.distinctChoices} distinct ` +
      `choice(s), stitched return ${(w.totalReturn * 100).toFixed(2)} %` +
      (typeof w.sharpeAnnualised === "number" ? `, Sharpe ${w.sharpeAnnualised.toFixed(2)} (ann.)` : ""),
    head: 50,
    tail: 0,
    formats: {
      trial: "int",
      choose_sharpe: "num",
      test_sharpe: "num",
      test_return: "signed_pct",
    },
  });
}

/**
 * PBO (with its blocks, splits, bars and trials), the winner's out-of-sample margin over the median,
 * the winner's deflated Sharpe with the sweep's trial count, and the verdict, one per line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepVerdictText } from "./report_sweep.ts";
 * const t = sweepVerdictText({ pbo: null, deflated: { dsr: 0.4, nTrials: 12, sr0: 0.001 }, verdict: "v" } as never);
 * assert.equal(t, "deflated Sharpe of the winner 0.400 with 12 trials (expected best Sharpe of skill-less " +
 *   "trials 1.00e-3 per bar)\nverdict: v");
 * ```
 */
export function sweepVerdictText(report: Pick<SweepReport, "pbo" | "deflated" | "verdict">): string {
  const lines: string[] = [];
  const p = report.pbo;
  if (p) {
    lines.push(
      `PBO ${
        p.pbo.toFixed(3)
      } (${p.blocks} blocks, ${p.splits} splits, ${p.bars} common bars, ${p.trials} trials)`,
      `winner's out-of-sample Sharpe minus the out-of-sample median, per bar (median over splits): ${
        p.bestMinusMedian.toExponential(2)
      }`,
    );
  }
  const d = report.deflated;
  if (d) {
    lines.push(
      `deflated Sharpe of the winner ${d.dsr.toFixed(3)} with ${d.nTrials} trials (expected best Sharpe of ` +
        `skill-less trials ${d.sr0.toExponential(2)} per bar)`,
    );
  }
  lines.push(`verdict: ${report.verdict}`);
  return lines.join("\n");
}

/**
 * Links to each trial's `run.json`, relative to a report folder beside the runs (`experiments/runs/`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepRunLinks } from "./report_sweep.ts";
 * const d = sweepRunLinks({ trials: [{ index: 0, assignment: { a: "<b>" }, status: "ok", run_id: "r1" },
 *   { index: 1, assignment: { a: 2 }, status: "missing", run_id: null }] } as never);
 * assert.equal(d[Symbol.for("Jupyter.display")]()["text/plain"], "1 runs");
 * assert.ok(d.html.includes('href="../r1/run.json"') && d.html.includes("&lt;b&gt;"));
 * ```
 */
export function sweepRunLinks(report: Pick<SweepReport, "trials">): HtmlDisplay {
  const links = report.trials.filter((t) => t.run_id).map((t) =>
    `<li>trial ${t.index} ${
      escapeHtml(JSON.stringify(t.assignment))
    } (${t.status}): <a href="../${t.run_id}/run.json">${t.run_id}</a> (experiments/runs/${t.run_id})</li>`
  );
  return htmlDisplay(`<ul>${links.join("")}</ul>`, `${links.length} runs`);
}
