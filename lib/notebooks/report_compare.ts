/**
 * Comparison report views (notebook 06): each run's Sharpe against the Sharpe luck alone would reach
 * after its strategy's trials (the deflated Sharpe, trials and verdict written beside it, so a losing
 * single-trial run never looks best), the compared runs' equity curves overlaid, and the runs table
 * with verdicts and formatted numbers.
 *
 * @module
 */
import { join } from "node:path";
import { type Chart, dotChart, overlayChart } from "../plots/mod.ts";
import type { RunComparison } from "../experiments/compare.ts";
import * as aq from "arquero";
import { CandlelabError } from "../util/errors.ts";
import { fmtPValue } from "./report_format.ts";
import { type TableView, tableView } from "./table_view.ts";
import type { ReportRecord } from "./report_verdict.ts";

/**
 * A run's short label: start time (UTC) and the id's random suffix, e.g. `11-24 10:23 vonq7n`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runLabel } from "./report_compare.ts";
 * assert.equal(runLabel("20261124T102328Z-cda244af-vonq7n"), "11-24 10:23 vonq7n");
 * ```
 */
export function runLabel(runId: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(runId);
  if (!m) return runId;
  return `${m[2]}-${m[3]} ${m[4]}:${m[5]} ${runId.split("-").at(-1)}`;
}

type _Verdictish = Pick<ReportRecord, "run_id"> & { verdict?: Record<string, unknown> | null };

/** The verdict fields a comparison row may carry (compare.ts adds them; older code does not). */
interface _DeflatedVerdict {
  p_value?: number | null;
  economic_skill?: boolean | null;
  rank?: number | null;
}

const _SKILL_WORDS: Record<string, string> = {
  both: "skill",
  label: "label skill only",
  econ: "economic skill only",
  none: "no skill",
};

function _verdictNote(r: _Verdictish | undefined, d?: _DeflatedVerdict, skill?: string | null): string {
  const v = r?.verdict;
  const econ = typeof d?.economic_skill === "boolean"
    ? d.economic_skill
    : typeof v?.economic_skill === "boolean"
    ? v.economic_skill
    : null;
  const label = typeof v?.label_skill === "boolean" ? v.label_skill : null;
  const pv = typeof d?.p_value === "number" ? d.p_value : typeof v?.p_value === "number" ? v.p_value : null;
  if (econ === null && label === null && pv === null && !skill) return "verdict n/a";
  const word = skill
    ? _SKILL_WORDS[skill] ?? skill
    : label === null
    ? (econ ? "economic skill" : econ === false ? "no economic skill" : "")
    : econ && label
    ? "skill"
    : econ === false && label === false
    ? "no skill"
    : econ
    ? "economic skill only"
    : "label skill only";
  const rank = typeof d?.rank === "number" ? `rank ${d.rank}` : "";
  return [word, pv !== null ? `p ${fmtPValue(pv)}` : "", rank].filter(Boolean).join(", ");
}

/**
 * Dot chart of each compared run: the dot is its annualised Sharpe, the grey tick the Sharpe its
 * strategy's best trial would reach by luck (sr0); the note gives the deflated Sharpe, trials and the
 * verdict. Green: deflated Sharpe ≥ 0.95; red: the run lost money (Sharpe < 0); grey otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparisonSharpeChart } from "./report_compare.ts";
 * const c = comparisonSharpeChart({ deflated: [{ run_id: "20261124T102328Z-cda244af-vonq7n", sharpe: -0.01,
 *   sharpe_annualised: -0.9, n_trials: 1, sr0: 0, sr0_annualised: 0, dsr: 0.31, reason: null }] } as any);
 * assert.ok(c.svg.includes("DSR 0.31 · 1 trial") && c.svg.includes("#c01c28"));
 * ```
 */
export function comparisonSharpeChart(
  c: Pick<RunComparison, "deflated">,
  records: readonly _Verdictish[] = [],
): Chart {
  const byId = new Map(records.map((r) => [r.run_id, r]));
  const rows = c.deflated.map((d) => {
    const note = d.dsr === null ? `no deflated Sharpe: ${d.reason ?? "no backtest"}` : [
      `DSR ${d.dsr.toFixed(2)} · ${d.n_trials} trial${d.n_trials === 1 ? "" : "s"}`,
      _verdictNote(byId.get(d.run_id), d as _DeflatedVerdict),
    ]
      .filter(Boolean).join(" · ");
    const sr = d.sharpe_annualised;
    const color = sr !== null && sr < 0 ? "#c01c28" : d.dsr !== null && d.dsr >= 0.95 ? "#26a269" : "#6e7781";
    return { label: runLabel(d.run_id), value: sr, marker: d.sr0_annualised, note, color };
  });
  return dotChart(rows, {
    title: "Sharpe (annualised) of each run against the Sharpe luck reaches after its trials",
    xLabel: "Sharpe ratio (annualised)",
    markerLabel: "sr0: best-of-trials Sharpe under no skill",
    legend: [
      { label: "deflated Sharpe ≥ 0.95", color: "#26a269" },
      { label: "lost money", color: "#c01c28" },
      { label: "not distinguishable from luck", color: "#6e7781" },
    ],
  });
}

/**
 * Overlaid equity curves (return since each run's first backtest bar) of runs under `runsDir`, read
 * from their backtest.json; runs without one are named in the returned `missing`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { equityOverlay } from "./report_compare.ts";
 * const r = await equityOverlay(await Deno.makeTempDir(), ["20261124T102328Z-cda244af-vonq7n"]);
 * assert.equal(r.chart, null);
 * assert.deepEqual(r.missing, ["20261124T102328Z-cda244af-vonq7n"]);
 * ```
 */
export async function equityOverlay(
  runsDir: string,
  runIds: readonly string[],
  strategies: Record<string, string> = {},
): Promise<{ chart: Chart | null; missing: string[] }> {
  const series = [];
  const missing: string[] = [];
  for (const id of runIds) {
    let bt: { timestamp: number[]; equity: number[] };
    try {
      bt = JSON.parse(await Deno.readTextFile(join(runsDir, id, "backtest.json")));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        missing.push(id);
        continue;
      }
      throw new CandlelabError(
        `Cannot read the backtest of run ${id}: ${(err as Error).message}; re-run it or remove the folder`,
        { cause: err },
      );
    }
    if (!bt.equity?.length) {
      missing.push(id);
      continue;
    }
    const e0 = bt.equity[0];
    series.push({
      name: `${runLabel(id)}${strategies[id] ? " " + strategies[id] : ""}`,
      timestamp: bt.timestamp,
      values: Float64Array.from(bt.equity, (v) => v / e0 - 1),
    });
  }
  if (!series.length) return { chart: null, missing };
  return {
    chart: overlayChart(series, {
      title: "Equity of the compared runs (return since each run's first backtest bar, net of costs)",
      percent: true,
      reference: 0,
      yLabel: "return",
    }),
    missing,
  };
}

/**
 * The runs of a comparison with their verdicts, returns in %, Sharpe and deflated Sharpe side by side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparisonRunsView } from "./report_compare.ts";
 * const v = comparisonRunsView({ runs: [{ run_id: "20261124T102328Z-cda244af-vonq7n", strategy: "s",
 *   started_at: "2026-11-24T10:23:28Z", macro_f1: 0.41, total_return: -0.25, sharpe_annualised: -0.9, model_id: "m" }],
 *   deflated: [{ run_id: "20261124T102328Z-cda244af-vonq7n", dsr: 0.31, n_trials: 1 }] } as any);
 * assert.ok(v.html.includes("-25.0 %") && v.html.includes("verdict n/a"));
 * ```
 */
export function comparisonRunsView(
  c: Pick<RunComparison, "runs" | "deflated">,
  records: readonly _Verdictish[] = [],
): TableView {
  const byId = new Map(records.map((r) => [r.run_id, r]));
  const dsr = new Map(c.deflated.map((d) => [d.run_id, d]));
  const num = (xs: (number | null | undefined)[]) => Float64Array.from(xs, (v) => v ?? NaN);
  const t = aq.table({
    run: c.runs.map((r) => runLabel(r.run_id)),
    strategy: c.runs.map((r) => r.strategy),
    // list.ts's summary carries the skill when the record has a verdict ("both", "label", "econ", "none")
    verdict: c.runs.map((r) =>
      _verdictNote(
        byId.get(r.run_id),
        dsr.get(r.run_id) as _DeflatedVerdict | undefined,
        (r as { skill?: string | null }).skill,
      )
    ),
    macro_f1: num(c.runs.map((r) => r.macro_f1)),
    total_return: num(c.runs.map((r) => r.total_return)),
    sharpe_ann: num(c.runs.map((r) => r.sharpe_annualised)),
    deflated_sharpe: num(c.runs.map((r) => dsr.get(r.run_id)?.dsr)),
    trials: num(c.runs.map((r) => dsr.get(r.run_id)?.n_trials)),
    run_id: c.runs.map((r) => r.run_id),
  });
  return tableView(t, {
    caption: "compared runs (oldest first)",
    head: 100,
    tail: 0,
    formats: {
      macro_f1: "ratio",
      total_return: "signed_pct",
      sharpe_ann: "ratio",
      deflated_sharpe: "ratio",
      trials: "int",
    },
    labels: {
      macro_f1: "macro-F1",
      total_return: "net return",
      sharpe_ann: "Sharpe (ann.)",
      deflated_sharpe: "deflated Sharpe",
      run_id: "run id",
    },
  });
}

/**
 * Trials per strategy (with the variance of their Sharpe ratios) and each run's raw and deflated Sharpe
 * beside the Sharpe luck reaches after its strategy's trials (sr0), as two formatted tables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparisonTrialTables } from "./report_compare.ts";
 * const [trials, deflated] = comparisonTrialTables({ trials: [{ strategy: "s", n_trials: 3, sharpe_variance: 0.01 }],
 *   deflated: [{ run_id: "r", sharpe_annualised: 1.2, n_trials: 3, sr0_annualised: 0.8, dsr: 0.7, reason: null }] } as any);
 * assert.ok(trials.html.includes("trials per strategy") && deflated.html.includes("deflated Sharpe"));
 * ```
 */
export function comparisonTrialTables(c: Pick<RunComparison, "trials" | "deflated">): [TableView, TableView] {
  const num = (xs: (number | null | undefined)[]) => Float64Array.from(xs, (v) => v ?? NaN);
  const trials = aq.table({
    strategy: c.trials.map((t) => t.strategy),
    trials: num(c.trials.map((t) => t.n_trials)),
    sharpe_variance: num(c.trials.map((t) => t.sharpe_variance)),
  });
  const deflated = aq.table({
    run_id: c.deflated.map((d) => d.run_id),
    sharpe_ann: num(c.deflated.map((d) => d.sharpe_annualised)),
    trials: num(c.deflated.map((d) => d.n_trials)),
    sr0_ann: num(c.deflated.map((d) => d.sr0_annualised)),
    deflated_sharpe: num(c.deflated.map((d) => d.dsr)),
    note: c.deflated.map((d) => d.reason ?? ""),
  });
  return [
    tableView(trials, {
      caption: "trials per strategy",
      head: 20,
      tail: 0,
      formats: { trials: "int", sharpe_variance: "num" },
    }),
    tableView(deflated, {
      caption: "raw and deflated Sharpe",
      head: 50,
      tail: 0,
      formats: { sharpe_ann: "ratio", trials: "int", sr0_ann: "ratio", deflated_sharpe: "ratio" },
      labels: {
        run_id: "run",
        sharpe_ann: "Sharpe (ann.)",
        sr0_ann: "sr0 (ann.)",
        deflated_sharpe: "deflated Sharpe",
      },
    }),
  ];
}
