/**
 * Listing runs: read every `<root>/<run-id>/run.json`, summarise one line per run.
 *
 * @module
 */
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { readRunRecord, type RunRecord } from "./run_record.ts";
import { fmtNum, formatTable } from "./table.ts";

/** Where runs live unless a task is given `--root`. */
export const DEFAULT_RUNS_ROOT = "experiments/runs";

/** A notebook run folder (`manifest.json` of `nb:run`, no run.json) found beside the experiment runs. */
export interface NotebookRunRef {
  /** The notebook run id (its folder name). */
  id: string;
  notebook: string;
  status: string;
  startedAt: string;
  /** The experiment run it belongs to (recorded by it), if any. */
  experimentRun: string | null;
  /** The HTML report, relative to the runs root. */
  html: string | null;
}

/** Runs found under a root, the notebook runs beside them, and the folders that could not be read. */
export interface RunListing {
  runs: RunRecord[];
  /** Notebook run folders (not experiment runs: not problems either). */
  notebooks: NotebookRunRef[];
  problems: { path: string; message: string }[];
}

/**
 * Reads every run under `root`, sorted by run id (= start time). Folders without run.json (or with an
 * invalid one) are reported in `problems`, not thrown; a missing root gives an empty listing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { listRuns } from "./list.ts";
 * const l = await listRuns(await Deno.makeTempDir());
 * assert(l.runs.length === 0 && l.problems.length === 0);
 * ```
 */
export async function listRuns(root: string, options: { strategy?: string } = {}): Promise<RunListing> {
  const listing: RunListing = { runs: [], notebooks: [], problems: [] };
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      if (e.isDirectory && !e.name.startsWith(".")) names.push(e.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return listing;
    throw new CandlelabError(
      `Cannot list runs in ${root}: ${(err as Error).message}; run with --allow-read for that folder`,
      { cause: err },
    );
  }
  names.sort();
  for (const name of names) {
    const path = join(root, name, "run.json");
    const nb = await _notebookRun(root, name);
    if (nb) {
      listing.notebooks.push(nb);
      continue;
    }
    try {
      const r = await readRunRecord(path);
      if (options.strategy === undefined || r.strategy === options.strategy) listing.runs.push(r);
    } catch (err) {
      listing.problems.push({ path, message: (err as Error).message });
    }
  }
  return listing;
}

/** The notebook run in `<root>/<name>` (a manifest.json and no run.json), or null. */
async function _notebookRun(root: string, name: string): Promise<NotebookRunRef | null> {
  try {
    await Deno.stat(join(root, name, "run.json"));
    return null;
  } catch { /* no run.json: maybe a notebook run */ }
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(await Deno.readTextFile(join(root, name, "manifest.json")));
  } catch {
    return null;
  }
  if (m?.kind !== "candlelab.notebook-run") return null;
  const html = (m.artifacts as { html?: string } | undefined)?.html;
  return {
    id: name,
    notebook: String(m.notebook ?? ""),
    status: String(m.status ?? "unknown"),
    startedAt: String(m.startedAt ?? ""),
    experimentRun: typeof m.experimentRun === "string" ? m.experimentRun : null,
    html: html ? `${name}/${html}` : null,
  };
}

/**
 * Resolves what a user typed for a run: a whole experiment run id, a unique prefix or suffix of one, or a
 * notebook run id (whole, prefix or suffix), which stands for the experiment run it recorded. One id space
 * for every command that takes a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveRunRef } from "./list.ts";
 * const runs = [{ run_id: "20261124T101500Z-aa11-x1" }, { run_id: "20261124T111500Z-bb22-y2" }] as any;
 * const notebooks = [{ id: "20261124T111400Z-cc33", experimentRun: "20261124T111500Z-bb22-y2" }] as any;
 * assert.equal(resolveRunRef({ runs, notebooks }, "x1").run_id, "20261124T101500Z-aa11-x1");
 * assert.equal(resolveRunRef({ runs, notebooks }, "20261124T10").run_id, "20261124T101500Z-aa11-x1");
 * assert.equal(resolveRunRef({ runs, notebooks }, "cc33").run_id, "20261124T111500Z-bb22-y2");
 * assert.throws(() => resolveRunRef({ runs, notebooks }, "2026"), /matches 2 runs/);
 * assert.throws(() => resolveRunRef({ runs, notebooks }, "zz"), /no run/);
 * ```
 */
export function resolveRunRef(
  listing: Pick<RunListing, "runs"> & { notebooks?: readonly Pick<NotebookRunRef, "id" | "experimentRun">[] },
  ref: string,
  verb = "find",
): RunRecord {
  const { runs } = listing;
  const exact = runs.find((r) => r.run_id === ref);
  if (exact) return exact;
  const hits = runs.filter((r) => r.run_id.startsWith(ref) || r.run_id.endsWith(ref));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw new CandlelabError(
      `Cannot ${verb} run "${ref}": it matches ${hits.length} runs (${
        hits.slice(0, 3).map((r) => r.run_id).join(", ")
      }${hits.length > 3 ? ", ..." : ""}); give more of the id`,
    );
  }
  const nbs = (listing.notebooks ?? []).filter((n) =>
    n.id === ref || n.id.startsWith(ref) || n.id.endsWith(ref)
  );
  if (nbs.length === 1) {
    const target = nbs[0].experimentRun;
    const run = target ? runs.find((r) => r.run_id === target) : undefined;
    if (run) return run;
    throw new CandlelabError(
      `Cannot ${verb} run "${ref}": it is notebook run ${nbs[0].id}, which ${
        target ? `belongs to experiment run ${target}, not found here` : "recorded no experiment run"
      }; list the experiment runs with deno task experiments:list`,
    );
  }
  if (nbs.length > 1) {
    throw new CandlelabError(
      `Cannot ${verb} run "${ref}": it matches ${nbs.length} notebook runs; give more of the id`,
    );
  }
  throw new CandlelabError(
    `Cannot ${verb} run "${ref}": no run with that id, prefix or suffix among ${runs.length} runs; ` +
      `list them with deno task experiments:list`,
  );
}

/** One line of `experiments:list`. */
export interface RunSummary {
  run_id: string;
  strategy: string;
  status: RunRecord["status"];
  started_at: string;
  duration_seconds: number | null;
  /** Overall macro-F1, or the mean over folds when no overall value was recorded. */
  macro_f1: number | null;
  sharpe_annualised: number | null;
  total_return: number | null;
  model_id: string | null;
  /** run.json `verdict.text` when the run has one. */
  verdict: string | null;
  /** "both", "label", "econ" or "none" from the verdict's label and economic skill; null without one. */
  skill: string | null;
}

/**
 * The summary line of a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { summariseRun } from "./list.ts";
 * const s = summariseRun({ run_id: "r", strategy: "s", status: "ok", started_at: "t", duration_seconds: 1,
 *   metrics: { folds: [{ fold: 0, macro_f1: 0.4 }, { fold: 1, macro_f1: 0.5 }], overall: {} },
 *   backtest: null, model_id: null } as any);
 * assert(Math.abs(s.macro_f1! - 0.45) < 1e-12 && s.sharpe_annualised === null);
 * ```
 */
export function summariseRun(r: RunRecord): RunSummary {
  let f1 = r.metrics.overall.macro_f1 ?? null;
  if (f1 === null) {
    const fs = r.metrics.folds.map((f) => f.macro_f1).filter((v): v is number => typeof v === "number");
    f1 = fs.length ? fs.reduce((a, b) => a + b, 0) / fs.length : null;
  }
  return {
    run_id: r.run_id,
    strategy: r.strategy,
    status: r.status,
    started_at: r.started_at,
    duration_seconds: r.duration_seconds,
    macro_f1: f1,
    sharpe_annualised: r.backtest?.sharpe_annualised ?? null,
    total_return: r.backtest?.total_return ?? null,
    model_id: r.model_id,
    verdict: r.verdict?.text ?? null,
    skill: r.verdict
      ? r.verdict.label_skill && r.verdict.economic_skill
        ? "both"
        : r.verdict.label_skill
        ? "label"
        : r.verdict.economic_skill
        ? "econ"
        : "none"
      : null,
  };
}

/**
 * Text table of run summaries, one line per run, at most `width` columns (the strategy name is shortened
 * with "…" when needed; the model id, duration and start time are in `--json`; the start time is in the id).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRunList } from "./list.ts";
 * const t = formatRunList([{ run_id: "20261124T101500Z-7aa4ff9f-utax5p", strategy: "btc_spot_ema_cross_rsi@XRP_long_name",
 *   status: "ok", started_at: "2026-11-24T10:00:00.000Z", duration_seconds: 12.3, macro_f1: 0.41,
 *   sharpe_annualised: 1.2, total_return: 0.1, model_id: "m", verdict: null, skill: "none" }]);
 * assert.ok(t.includes("utax5p") && t.includes("0.410") && t.includes("+10.0 %"));
 * assert.ok(t.split("\n").every((l) => l.length <= 100), t);
 * ```
 */
export function formatRunList(rows: readonly RunSummary[], width = 100): string {
  // run id 32, status 7, macro-F1 8, Sharpe 6, return 8, skill 5, six separators of 2: 78
  const strategyWidth = Math.max(8, width - 78);
  const short = (s: string) => s.length > strategyWidth ? s.slice(0, strategyWidth - 1) + "…" : s;
  return formatTable(
    ["run id", "strategy", "status", "macro-F1", "Sharpe", "return", "skill"],
    rows.map((r) => [
      r.run_id,
      short(r.strategy),
      r.status,
      fmtNum(r.macro_f1),
      fmtNum(r.sharpe_annualised, 2),
      r.total_return === null || !Number.isFinite(r.total_return)
        ? null
        : `${r.total_return >= 0 ? "+" : ""}${(r.total_return * 100).toFixed(1)} %`,
      r.skill,
    ]),
  );
}
