/**
 * A sweep's result from its recorded runs: the trials table, the winner by the named objective, the
 * probability of backtest overfitting (CSCV over the trials x common bars returns matrix), the winner's
 * deflated Sharpe with the sweep's true trial count, best-versus-median out of sample, and the optional
 * walk-forward optimisation; plus a one-line verdict.
 *
 * @module
 */
import { join } from "node:path";
import { type DeflatedSharpe, deflatedSharpe, sharpeVariance } from "../experiments/deflated_sharpe.ts";
import type { RunRecord } from "../experiments/run_record.ts";
import { CandlelabError } from "../util/errors.ts";
import type { Objective } from "./config.ts";
import { cscvPbo, type PboResult } from "./pbo.ts";
import { type SweepPlan, walkForwardGap } from "./plan.ts";
import type { Assignment } from "./space.ts";
import { trialRuns } from "./record.ts";
import {
  type FoldChoice,
  outerFoldStarts,
  type WalkForwardObjective,
  type WalkForwardOptimisation,
  walkForwardOptimise,
} from "./walk_forward.ts";

/** One row of the trials table. */
export interface TrialRow {
  index: number;
  trial: string;
  assignment: Assignment;
  status: "ok" | "failed" | "missing";
  run_id: string | null;
  objective: number | null;
  sharpe_annualised: number | null;
  total_return: number | null;
  max_drawdown: number | null;
  macro_f1: number | null;
  n_trades: number | null;
}

/** Everything the sweep report shows. */
export interface SweepReport {
  sweepId: string;
  name: string;
  objective: Objective;
  trials: TrialRow[];
  /** Trials in the sweep (the count the deflated Sharpe uses), and how many have an ok run. */
  nTrials: number;
  nOk: number;
  winner: TrialRow | null;
  /** Bars common to every ok trial (the returns matrix's width). */
  commonBars: number;
  pbo: PboResult | null;
  deflated: DeflatedSharpe | null;
  walkForward: SweepWalkForward | null;
  /** Why a sweep with a walk_forward section has no walk-forward result (e.g. runs without fold periods). */
  walkForwardError?: string | null;
  verdict: string;
}

/**
 * The walk-forward optimisation as the report shows it. Fields marked optional are always set by
 * {@link sweepReport} (optional only so that reports built by hand before they existed still type-check).
 */
export interface SweepWalkForward extends WalkForwardOptimisation {
  /** The chosen trial's settings, per outer fold (`choices[f.fold]`). */
  choices: Assignment[];
  /** The chosen trial's index in the sweep (`trials[...]`), per outer fold. */
  chosenTrials?: number[];
  /** The least gap the trials allow (largest label horizon + embargo). */
  minGap?: number;
  /** Largest distance, in common bars, between the trials' starts of one fold (0 = boundaries coincide). */
  boundaryShiftBars?: number;
  /** Annualised Sharpe of the stitched returns (periods a year from the trials' backtests), when known. */
  sharpeAnnualised?: number | null;
}

/** Options of {@link sweepReport}. */
export interface ReportOptions {
  /** Folder relative paths resolve against (default "."). */
  projectRoot?: string;
}

/**
 * Builds the report from the runs recorded for `plan` (the newest ok run of each trial).
 *
 * @example
 * ```ts ignore
 * const r = await sweepReport(await planSweep("configs/sweeps/btc_spot_grid.yaml"));
 * console.log(r.verdict);
 * ```
 */
export async function sweepReport(plan: SweepPlan, options: ReportOptions = {}): Promise<SweepReport> {
  const root = options.projectRoot ?? ".";
  const at = (p: string) => (p.startsWith("/") ? p : join(root, p));
  const objective = plan.config.objective;
  const runsRoot = at(plan.trials[0]?.config.output.runs ?? "experiments/runs");
  const byTrial = await trialRuns(runsRoot);
  const rows: TrialRow[] = [];
  const okRuns: { row: TrialRow; run: RunRecord }[] = [];
  for (const t of plan.trials) {
    const runs = byTrial.get(t.id) ?? [];
    const ok = runs.filter((r) => r.status === "ok").at(-1);
    const run = ok ?? runs.at(-1);
    const b = run?.backtest ?? null;
    const row: TrialRow = {
      index: t.index,
      trial: t.id,
      assignment: t.assignment,
      status: ok ? "ok" : run ? "failed" : "missing",
      run_id: run?.run_id ?? null,
      objective: ok ? _objective(ok, objective) : null,
      sharpe_annualised: b?.sharpe_annualised ?? null,
      total_return: b?.total_return ?? null,
      max_drawdown: b?.max_drawdown ?? null,
      macro_f1: run?.metrics.overall.macro_f1 ?? null,
      n_trades: b?.n_trades ?? null,
    };
    rows.push(row);
    if (ok) okRuns.push({ row, run: ok });
  }
  let winner: TrialRow | null = null;
  for (const { row } of okRuns) {
    if (row.objective !== null && (winner === null || row.objective > (winner.objective ?? -Infinity))) {
      winner = row;
    }
  }
  const returns = await Promise.all(
    okRuns.map(({ run }) => _returns(join(runsRoot, run.run_id, "backtest.json"))),
  );
  const matrix = _align(returns);
  let pbo: PboResult | null = null;
  if (okRuns.length >= 2 && matrix.bars >= 2 * plan.config.pbo.blocks) {
    pbo = cscvPbo(matrix.rows, { blocks: plan.config.pbo.blocks });
  }
  let deflated: DeflatedSharpe | null = null;
  const wRun = okRuns.find((o) => o.row === winner)?.run;
  if (wRun?.backtest && wRun.backtest.n_periods >= 2) {
    const b = wRun.backtest;
    deflated = deflatedSharpe(
      { sharpe: b.sharpe, nPeriods: b.n_periods, skew: b.skew, kurtosis: b.kurtosis },
      Math.max(plan.trials.length, 1),
      sharpeVariance(okRuns.map((o) => o.run.backtest?.sharpe ?? 0)),
    );
  }
  _checkLockbox(okRuns.map((o) => o.run), matrix.times);
  let walkForward: SweepReport["walkForward"] = null;
  let walkForwardError: string | null = null;
  if (plan.config.walk_forward && okRuns.length >= 1 && matrix.bars > 0) {
    try {
      walkForward = _walkForward(plan, okRuns, matrix);
    } catch (err) {
      if (!(err instanceof CandlelabError)) throw err;
      walkForwardError = err.message;
    }
  }
  const report: SweepReport = {
    sweepId: plan.id,
    name: plan.config.name,
    objective,
    trials: rows,
    nTrials: plan.trials.length,
    nOk: okRuns.length,
    winner,
    commonBars: matrix.bars,
    pbo,
    deflated,
    walkForward,
    walkForwardError,
    verdict: "",
  };
  report.verdict = sweepVerdict(report);
  return report;
}

/**
 * The one-line verdict: the winner is credible only when PBO < 0.5 and its deflated Sharpe is >= 0.95.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepVerdict } from "./report.ts";
 * const v = sweepVerdict({ nTrials: 24, nOk: 24, pbo: { pbo: 0.62 }, deflated: { dsr: 0.3 }, winner: { index: 3 } } as never);
 * assert.match(v, /likely overfit/);
 * ```
 */
export function sweepVerdict(
  r: Pick<SweepReport, "nTrials" | "nOk" | "pbo" | "deflated" | "winner">,
): string {
  if (!r.winner) return `no verdict: none of the ${r.nTrials} trials has an ok run`;
  const pboText = r.pbo ? `PBO ${r.pbo.pbo.toFixed(2)}` : "PBO n/a";
  const dsrText = r.deflated
    ? `deflated Sharpe ${r.deflated.dsr.toFixed(2)} over ${r.deflated.nTrials} trials`
    : "deflated Sharpe n/a";
  const missing = r.nOk < r.nTrials ? ` (${r.nTrials - r.nOk} trials not ok)` : "";
  const overfit = r.pbo !== null && r.pbo.pbo >= 0.5;
  const credible = r.pbo !== null && r.pbo.pbo < 0.5 && r.deflated !== null && r.deflated.dsr >= 0.95;
  const head = credible
    ? `winner trial ${r.winner.index} is credible`
    : overfit
    ? `the search is likely overfit: winner trial ${r.winner.index} is no better than chance out of sample`
    : `no evidence the winner (trial ${r.winner.index}) beats the null of ${r.nTrials} trials`;
  return `${head}: ${pboText}, ${dsrText}${missing}`;
}

/** The walk-forward optimisation with the trials' recorded test folds as the outer folds. */
function _walkForward(
  plan: SweepPlan,
  okRuns: { row: TrialRow; run: RunRecord }[],
  matrix: { rows: Float64Array[]; times: Float64Array },
): SweepWalkForward {
  const cfg = plan.config.walk_forward ?? {};
  const { gap, minGap } = walkForwardGap(plan.config, plan.trials);
  // the sweep's objective when it is a function of returns; calmar and macro_f1 fall back to Sharpe
  const o = plan.config.objective;
  const objective: WalkForwardObjective = cfg.objective ??
    (o === "sortino" || o === "total_return" ? o : "sharpe");
  const outer = outerFoldStarts(
    okRuns.map(({ row, run }) => ({
      name: `trial ${row.index} (run ${run.run_id})`,
      folds: run.metrics.folds,
    })),
    matrix.times,
  );
  const w = walkForwardOptimise(matrix.rows, {
    starts: outer.starts,
    trialFolds: outer.trialFolds,
    gap,
    objective,
    times: matrix.times,
  });
  const ppy = okRuns[0].run.backtest?.periods_per_year;
  return {
    ...w,
    choices: w.folds.map((f) => okRuns[f.trial].row.assignment),
    chosenTrials: w.folds.map((f) => okRuns[f.trial].row.index),
    minGap,
    boundaryShiftBars: outer.shiftBars,
    sharpeAnnualised: ppy ? w.sharpe * Math.sqrt(ppy) : null,
  };
}

/** A trial's returns never reach its lockbox: every common bar lies before every trial's hold-out start. */
function _checkLockbox(runs: RunRecord[], times: Float64Array): void {
  for (const run of runs) {
    if (!run.holdout || times.length === 0) continue;
    const start = Date.parse(run.holdout.start);
    if (times[times.length - 1] >= start) {
      throw new CandlelabError(
        `Cannot report the sweep: run ${run.run_id}'s returns reach its hold-out (${run.holdout.start}); the ` +
          `lockbox must never enter a sweep's returns — this is a bug, report it with that run folder`,
      );
    }
  }
}

/**
 * The walk-forward section as lines for the terminal: one line a fold with its test period, the chosen
 * settings, the choice period's score and the test Sharpe, then the stitched result and the stability.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatWalkForward } from "./report.ts";
 * const f = { fold: 0, trialFold: 2, chooseStart: 0, chooseEnd: 90, testStart: 98, testEnd: 200,
 *   chooseEndTime: null, testStartTime: "2024-01-01T00:00:00.000Z", testEndTime: "2024-02-01T00:00:00.000Z",
 *   trial: 1, chooseScore: 0.02, chooseSharpe: 0.02, testSharpe: -0.01, testReturn: -0.05 };
 * const lines = formatWalkForward({ folds: [f], choices: [{ "policy.entry": 0.45 }], chosenTrials: [7],
 *   returns: new Float64Array(102), distinctChoices: 1, totalReturn: -0.05, sharpe: -0.01,
 *   sharpeAnnualised: -0.94, objective: "sharpe", gap: 8, minGap: 8, boundaryShiftBars: 2 } as never);
 * assert.match(lines[0], /test folds 2 \(fold 1 only chooses\).*gap of 8 bars .*differ by up to 2 bars/);
 * assert.match(lines[1], /fold 2 .*2024-01-01 00:00 .. 2024-02-01 00:00 .*trial 7 \{"policy.entry":0.45\}/);
 * assert.match(lines.at(-1)!, /stitched: 102 bars, total return -5.00 %.*1 distinct choice over 1 fold \(stable\)/);
 * ```
 */
export function formatWalkForward(w: SweepWalkForward): string[] {
  const d = (s: string | null | undefined) => (s ? s.slice(0, 16).replace("T", " ") : "?");
  const n = (
    x: number | undefined,
  ) => (x === undefined ? "?" : Number.isFinite(x) ? x.toFixed(4) : String(x));
  const objective = w.objective ?? "sharpe";
  const shift = w.boundaryShiftBars ?? 0;
  const first = w.folds[0]?.trialFold;
  const lines = [
    `walk-forward optimisation: ${w.folds.length} outer folds = the trials' own test folds ${
      w.folds.map((f) => f.trialFold ?? "?").join(", ")
    }${first === undefined ? "" : ` (fold ${first - 1} only chooses)`}; chosen by ${objective} on the ` +
    `bars before each fold less a gap of ${w.gap ?? "?"} bars (minimum ${w.minGap ?? "?"})` +
    (shift > 0
      ? `; the trials' fold starts differ by up to ${shift} bars, each fold starts at the latest`
      : ""),
  ];
  for (const f of w.folds as FoldChoice[]) {
    const ret = f.testReturn === undefined ? "" : `, return ${(f.testReturn * 100).toFixed(2)} %`;
    lines.push(
      `  fold ${f.trialFold ?? f.fold}  test ${d(f.testStartTime)} .. ${d(f.testEndTime)} (${
        f.testEnd - f.testStart
      } bars)  trial ${w.chosenTrials?.[f.fold] ?? "?"} ${JSON.stringify(w.choices[f.fold])}  choice ` +
        `${objective} ${n(f.chooseScore)} on ${f.chooseEnd - f.chooseStart} bars  test Sharpe ${
          n(f.testSharpe)
        }/bar${ret}`,
    );
  }
  const annual = typeof w.sharpeAnnualised === "number"
    ? ` (${w.sharpeAnnualised.toFixed(2)} annualised)`
    : "";
  const k = w.distinctChoices;
  lines.push(
    `  stitched: ${w.returns.length} bars, total return ${(w.totalReturn * 100).toFixed(2)} %, Sharpe ${
      n(w.sharpe)
    }/bar${annual}; ${k} distinct choice${k === 1 ? "" : "s"} over ${w.folds.length} fold${
      w.folds.length === 1 ? "" : "s"
    }${k === 1 ? " (stable)" : ""}`,
  );
  return lines;
}

function _objective(run: RunRecord, objective: Objective): number | null {
  const b = run.backtest as Record<string, unknown> | null;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  switch (objective) {
    case "sharpe":
      return num(b?.sharpe_annualised);
    case "sortino":
    case "calmar":
    case "total_return":
      return num(b?.[objective]);
    case "macro_f1":
      return num(run.metrics.overall.macro_f1);
  }
}

async function _returns(file: string): Promise<Map<number, number>> {
  let data: { timestamp: number[]; equity: number[] };
  try {
    data = JSON.parse(await Deno.readTextFile(file));
  } catch (err) {
    throw new CandlelabError(
      `Cannot build the sweep's returns matrix: cannot read ${file} (${
        (err as Error).message
      }); rerun that trial`,
    );
  }
  const m = new Map<number, number>();
  for (let t = 1; t < data.equity.length; t++) {
    m.set(data.timestamp[t], data.equity[t] / data.equity[t - 1] - 1);
  }
  return m;
}

function _align(series: Map<number, number>[]): { rows: Float64Array[]; bars: number; times: Float64Array } {
  if (series.length === 0) return { rows: [], bars: 0, times: new Float64Array(0) };
  let common = [...series[0].keys()];
  for (const s of series.slice(1)) common = common.filter((t) => s.has(t));
  common.sort((a, b) => a - b);
  return {
    rows: series.map((s) => Float64Array.from(common, (t) => s.get(t) as number)),
    bars: common.length,
    times: Float64Array.from(common),
  };
}

/** The objective over two parameters, for a heatmap: the best trial per cell over the other parameters. */
export interface ObjectiveGrid {
  rowKey: string;
  colKey: string;
  rowLabels: string[];
  colLabels: string[];
  /** `values[row][col]`: the highest objective among ok trials in that cell (NaN when none). */
  values: Float64Array[];
}

/**
 * Groups the trials by two parameters (default: the first two keys of the space) and takes the best
 * objective in each cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { objectiveGrid } from "./report.ts";
 * const row = (a: number, b: number, objective: number) => ({ assignment: { a, b }, objective, status: "ok" });
 * const g = objectiveGrid({ trials: [row(1, 1, 0.5), row(1, 2, 0.7), row(2, 1, -1), row(2, 1, 0.1)] } as never);
 * assert.deepEqual(g.values.map((r) => Array.from(r)), [[0.5, 0.7], [0.1, NaN]]);
 * ```
 */
export function objectiveGrid(
  report: Pick<SweepReport, "trials">,
  rowKey?: string,
  colKey?: string,
): ObjectiveGrid {
  const keys = Object.keys(report.trials[0]?.assignment ?? {});
  const rk = rowKey || keys[0], ck = colKey || keys[1] || keys[0];
  if (rk === undefined) {
    throw new CandlelabError("Cannot draw the objective grid: the sweep has no parameters");
  }
  for (const k of [rk, ck]) {
    if (!keys.includes(k)) {
      throw new CandlelabError(
        `Cannot draw the objective grid over "${k}": not a parameter of the sweep; use one of ${
          keys.join(", ")
        }`,
      );
    }
  }
  const label = (v: unknown) => JSON.stringify(v);
  const uniq = (k: string) => [...new Set(report.trials.map((t) => label(t.assignment[k])))];
  const rowLabels = uniq(rk), colLabels = uniq(ck);
  const values = rowLabels.map(() => new Float64Array(colLabels.length).fill(NaN));
  for (const t of report.trials) {
    if (t.status !== "ok" || t.objective === null) continue;
    const i = rowLabels.indexOf(label(t.assignment[rk])), j = colLabels.indexOf(label(t.assignment[ck]));
    if (Number.isNaN(values[i][j]) || t.objective > values[i][j]) values[i][j] = t.objective;
  }
  return { rowKey: rk, colKey: ck, rowLabels, colLabels, values };
}
