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

/** Runs found under a root, and the folders that could not be read (with why). */
export interface RunListing {
  runs: RunRecord[];
  problems: { path: string; message: string }[];
}

/**
 * Reads every run under `root`, sorted by run id (= start time). Folders without run.json (or with an
 * invalid one) are reported in `problems`, not thrown; a missing root gives an empty listing.
 *
 * @example
 * ```ts
 * import { listRuns } from "./list.ts";
 * const l = await listRuns(await Deno.makeTempDir());
 * console.assert(l.runs.length === 0 && l.problems.length === 0);
 * ```
 */
export async function listRuns(root: string, options: { strategy?: string } = {}): Promise<RunListing> {
  const listing: RunListing = { runs: [], problems: [] };
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
    try {
      const r = await readRunRecord(path);
      if (options.strategy === undefined || r.strategy === options.strategy) listing.runs.push(r);
    } catch (err) {
      listing.problems.push({ path, message: (err as Error).message });
    }
  }
  return listing;
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
}

/**
 * The summary line of a run.
 *
 * @example
 * ```ts
 * import { summariseRun } from "./list.ts";
 * const s = summariseRun({ run_id: "r", strategy: "s", status: "ok", started_at: "t", duration_seconds: 1,
 *   metrics: { folds: [{ fold: 0, macro_f1: 0.4 }, { fold: 1, macro_f1: 0.5 }], overall: {} },
 *   backtest: null, model_id: null } as any);
 * console.assert(Math.abs(s.macro_f1! - 0.45) < 1e-12 && s.sharpe_annualised === null);
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
  };
}

/**
 * Text table of run summaries, one line per run.
 *
 * @example
 * ```ts
 * import { formatRunList } from "./list.ts";
 * const t = formatRunList([{ run_id: "r1", strategy: "s", status: "ok", started_at: "2026-11-24T10:00:00.000Z",
 *   duration_seconds: 12.3, macro_f1: 0.41, sharpe_annualised: 1.2, total_return: 0.1, model_id: "m" }]);
 * console.assert(t.includes("r1") && t.includes("0.410") && t.includes("12.3"));
 * ```
 */
export function formatRunList(rows: readonly RunSummary[]): string {
  return formatTable(
    [
      "run id",
      "strategy",
      "status",
      "start (UTC)",
      "duration s",
      "macro-F1",
      "Sharpe (ann.)",
      "total return",
      "model id",
    ],
    rows.map((r) => [
      r.run_id,
      r.strategy,
      r.status,
      r.started_at.replace("T", " ").replace(/\.\d{3}Z$/, ""),
      fmtNum(r.duration_seconds, 1),
      fmtNum(r.macro_f1),
      fmtNum(r.sharpe_annualised, 2),
      fmtNum(r.total_return, 4),
      r.model_id,
    ]),
  );
}
