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
import { formatWalkForward, objectiveGrid, type SweepReport } from "../sweeps/report.ts";
import type { FoldChoice } from "../sweeps/walk_forward.ts";
import { runSweep } from "../sweeps/run.ts";
import { type HtmlDisplay, htmlDisplay } from "./exploration.ts";
import { escapeHtml } from "./html_report.ts";
import { notebookSweepProgress } from "./progress.ts";
import { fmtDate, fmtNum, fmtSignedPct, MISSING } from "./report_format.ts";
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
    formats: {
      objective: report.objective === "total_return" ? "signed_pct" : "num",
      total_return: "pct",
      macro_f1: "num",
      trades: "int",
    },
    labels: { objective: `objective: ${report.objective}` },
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

/** What {@link walkForwardView} reads from the report (`nOk`, `commonBars` and `objective` when known). */
export type WalkForwardViewInput =
  & Pick<SweepReport, "walkForward" | "walkForwardError">
  & Partial<Pick<SweepReport, "nOk" | "commonBars" | "objective">>;

/**
 * The walk-forward optimisation (lib/sweeps/walk_forward.ts): how the outer folds were made, then per
 * outer fold (the trials' own test fold) its test period, the trial and settings chosen on the bars before
 * it, the score that chose it (named after the objective that chose), and its Sharpe and return on the
 * test bars; then the stitched out-of-sample result and the distinct choices with the folds that held
 * each. Without a result it says why: a visible warning with `walkForwardError` (or when no trial has an
 * ok run, or the ok trials share no bars), else a note that the sweep has no `walk_forward` section. The
 * plain-text form is the terminal's ({@link formatWalkForward}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkForwardView } from "./report_sweep.ts";
 * const text = (v: ReturnType<typeof walkForwardView>) => v[Symbol.for("Jupyter.display")]()["text/plain"];
 * assert.equal(text(walkForwardView({ walkForward: null })), "this sweep has no walk_forward section");
 * const e = walkForwardView({ walkForward: null, walkForwardError: "trial 3 records no start" });
 * assert.equal(text(e), "no walk-forward result: trial 3 records no start");
 * assert.match(e.html, /class="candlelab-warning"/);
 * ```
 */
export function walkForwardView(report: WalkForwardViewInput): HtmlDisplay {
  const w = report.walkForward;
  if (!w) {
    const why = report.walkForwardError ??
      (report.nOk === 0
        ? "none of the trials has an ok run"
        : report.commonBars === 0
        ? "the ok trials have no bars in common"
        : null);
    if (why === null) {
      const text = "this sweep has no walk_forward section";
      return htmlDisplay(`<p class="candlelab-empty">${text}</p>`, text);
    }
    return htmlDisplay(
      `<p class="candlelab-warning" role="alert" style="border-left:4px solid #bf8700;background:#fff8c5;` +
        `color:#4d2d00;padding:.4rem .7rem;margin:.4rem 0"><b>no walk-forward result</b>: ${
          escapeHtml(why)
        }</p>`,
      `no walk-forward result: ${why}`,
    );
  }
  const objective = w.objective ?? "sharpe";
  const trialOf = (f: FoldChoice) => w.chosenTrials?.[f.fold] ?? NaN;
  const table = aq.from(w.folds.map((f) => ({
    fold: f.trialFold ?? NaN,
    test_from: f.testStartTime ? fmtDate(f.testStartTime, true) : MISSING,
    test_to: f.testEndTime ? fmtDate(f.testEndTime, true) : MISSING,
    test_bars: f.testEnd - f.testStart,
    trial: trialOf(f),
    choice_score: f.chooseScore,
    test_sharpe: f.testSharpe,
    test_return: f.testReturn ?? NaN,
    choice_bars: f.chooseEnd - f.chooseStart,
    choice: _settings(w.choices[f.fold]),
  })));
  const perBar = objective === "total_return" ? "" : " /bar";
  const view = tableView(table, {
    caption: `walk-forward choice per outer fold (chosen by ${objective})`,
    head: 100,
    tail: 0,
    formats: {
      fold: "int",
      test_bars: "int",
      trial: "int",
      choice_bars: "int",
      choice_score: objective === "total_return" ? "signed_pct" : "num",
      test_sharpe: "num",
      test_return: "signed_pct",
    },
    labels: {
      test_from: "test from",
      test_to: "test to",
      test_bars: "test bars",
      trial: "chosen trial",
      choice: "chosen settings",
      choice_bars: "choice bars",
      choice_score: `choice ${objective}${perBar}`,
      test_sharpe: "test Sharpe /bar",
      test_return: "test return",
    },
  });
  const n = w.folds.length;
  const folds = w.folds.map((f) => f.trialFold ?? "?");
  const first = w.folds[0]?.trialFold;
  const shift = w.boundaryShiftBars ?? 0;
  const other = report.objective !== undefined && report.objective !== objective
    ? `; the sweep ranks its trials by ${report.objective}, the walk-forward choice uses ${objective}`
    : "";
  const how =
    `${n} outer fold${n === 1 ? "" : "s"} = the trials' own walk-forward test folds ${folds.join(", ")}${
      first === undefined ? "" : ` (fold ${first - 1} only chooses)`
    }. Each fold holds the trial with the best ` +
    `${objective} on the bars before it, less a gap of ${w.gap ?? "?"} bars (at least ${
      w.minGap ?? "?"
    }: the largest label horizon + embargo)${other}.` +
    (shift > 0
      ? ` The trials' fold starts differ by up to ${shift} bars; each fold starts at the latest.`
      : "");
  const flat = w.folds.filter((f) => f.testReturn === 0 && f.testSharpe === 0).map((f) => f.trialFold ?? "?");
  const flatNote = flat.length
    ? `<p style="margin:.2rem 0;font-size:.85rem;color:#9a6700">fold${flat.length === 1 ? "" : "s"} ${
      flat.join(", ")
    }: the chosen trial's equity did not move on any test bar (no position held); its Sharpe there is 0 ` +
      `by convention</p>`
    : "";
  const sharpe = typeof w.sharpeAnnualised === "number"
    ? `Sharpe ${w.sharpeAnnualised.toFixed(2)} annualised (${fmtNum(w.sharpe)} per bar)`
    : `Sharpe ${fmtNum(w.sharpe)} per bar`;
  const from = w.folds[0]?.testStartTime, to = w.folds.at(-1)?.testEndTime;
  const span = from && to ? `, ${fmtDate(from, true)} .. ${fmtDate(to, true)}` : "";
  const stitched = `${w.returns.length.toLocaleString("en-US")} test bars${span}: total return ${
    fmtSignedPct(w.totalReturn)
  }, ${sharpe}`;
  const groups = new Map<string, { trial: number; settings: string; folds: (number | string)[] }>();
  for (const f of w.folds) {
    const key = String(w.chosenTrials?.[f.fold] ?? `#${f.trial}`);
    const g = groups.get(key) ??
      { trial: trialOf(f), settings: JSON.stringify(w.choices[f.fold]), folds: [] };
    g.folds.push(f.trialFold ?? "?");
    groups.set(key, g);
  }
  const k = w.distinctChoices;
  const stability = k === 1
    ? " (stable: the same in every fold)"
    : k === n
    ? " (a different one in every fold)"
    : "";
  const choiceItems = [...groups.values()].map((g) =>
    `<li>trial ${Number.isNaN(g.trial) ? "?" : g.trial} ${escapeHtml(g.settings)}: fold${
      g.folds.length === 1 ? "" : "s"
    } ${g.folds.join(", ")}</li>`
  ).join("");
  const html = `<section class="candlelab-walk-forward">` +
    `<p style="margin:.3rem 0;font-size:.85rem">${escapeHtml(how)}</p>` +
    view.html + flatNote +
    `<p style="margin:.4rem 0 .2rem"><b>stitched out-of-sample result</b>: ${escapeHtml(stitched)}</p>` +
    `<p style="margin:.2rem 0"><b>${k} distinct choice${k === 1 ? "" : "s"}</b> over ${n} fold${
      n === 1 ? "" : "s"
    }${stability}:</p><ul style="margin:.1rem 0 .4rem">${choiceItems}</ul></section>`;
  return htmlDisplay(html, formatWalkForward(w).join("\n"));
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

/** Settings as `key=value` pairs (values as JSON), shorter than the JSON object in a table cell. */
function _settings(a: Record<string, unknown> | undefined): string {
  if (!a) return MISSING;
  return Object.entries(a).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
}
