/**
 * `deno task sweep <configs/sweeps/x.yaml> [--workers N] [--queue redis://host:port] [--plan]`: runs the
 * sweep's missing trials (local process pool by default, BullMQ workers with --queue), records them, then
 * prints the trials table, PBO, the winner's deflated Sharpe and the verdict. `--plan` only lists the trials.
 *
 * @module
 */
import { fmtNum, formatTable } from "../experiments/table.ts";
import { planSweep } from "../sweeps/plan.ts";
import { terminalSweepProgress } from "../sweeps/progress.ts";
import { formatWalkForward, type SweepReport, sweepReport } from "../sweeps/report.ts";
import { runSweep } from "../sweeps/run.ts";
import { parseTaskArgs, refreshRunsIndex, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

const _USAGE =
  "usage: deno task sweep <configs/sweeps/x.yaml> [--workers N] [--queue redis://host:port] [--plan]";

/** The flags of `deno task sweep` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: { workers: { type: "string" }, queue: { type: "string" }, plan: { type: "boolean" } },
} as const satisfies TaskArgsConfig;

/**
 * Runs the task; returns the exit code (1 when a trial failed). Report lines go to `out`, refusals of the
 * arguments (exit 2) to `err`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./sweep.ts";
 * assert.equal(await main([], () => {}), 2);
 * ```
 */
export async function main(
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const parsed = parseTaskArgs(args, ARGS, _USAGE, err);
  if (!parsed) return 2;
  if (parsed.positionals.length !== 1) {
    err(`Cannot run a sweep: expected one sweep file, got ${parsed.positionals.length}; ${_USAGE}`);
    return 2;
  }
  const workers = parsed.values.workers === undefined ? undefined : Number(parsed.values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
    err(
      `Cannot run a sweep: --workers must be a positive integer, current value is ${parsed.values.workers}`,
    );
    return 2;
  }
  const plan = await planSweep(parsed.positionals[0]);
  out(
    `sweep ${plan.id}: ${plan.trials.length} trials${
      plan.duplicates ? ` (${plan.duplicates} duplicate points)` : ""
    }`,
  );
  if (parsed.values.plan) {
    for (const t of plan.trials) out(`  ${t.index} ${t.id} ${JSON.stringify(t.assignment)}`);
    return 0;
  }
  const s = await runSweep(plan, {
    workers,
    queue: parsed.values.queue,
    onProgress: terminalSweepProgress(plan.config.name),
  });
  const failed = s.recorded.filter((r) => r.status !== "ok");
  out(
    `ran ${s.recorded.length} trials in ${s.seconds.toFixed(1)} s (${s.skipped} already done)` +
      (s.recorded.length
        ? `; experiment ${s.experimentSeconds.toFixed(1)} s, worker ${s.workerSeconds.toFixed(1)} s in all`
        : ""),
  );
  for (const f of failed) out(`trial ${f.trialId} failed: ${f.error}`);
  printReport(await sweepReport(plan), out);
  if (s.recorded.length > 0) await refreshRunsIndex();
  return failed.length > 0 ? 1 : 0;
}

/** Prints the trials table, the statistics and the verdict. */
export function printReport(r: SweepReport, out: (line: string) => void): void {
  const keys = Object.keys(r.trials[0]?.assignment ?? {});
  out(formatTable(
    ["#", ...keys, "status", r.objective, "return", "macro-F1", "trades", "run"],
    r.trials.map((t) => [
      String(t.index),
      ...keys.map((k) => JSON.stringify(t.assignment[k])),
      t.status,
      fmtNum(t.objective),
      fmtNum(t.total_return),
      fmtNum(t.macro_f1),
      t.n_trades === null ? "" : String(t.n_trades),
      t.run_id ?? "",
    ]),
  ));
  if (r.pbo) {
    out(
      `PBO ${
        r.pbo.pbo.toFixed(3)
      } (CSCV, ${r.pbo.blocks} blocks, ${r.pbo.splits} splits over ${r.pbo.bars} common bars); ` +
        `winner's OOS Sharpe minus OOS median (per bar, median over splits) ${
          r.pbo.bestMinusMedian.toExponential(2)
        }`,
    );
  }
  if (r.deflated) {
    out(
      `deflated Sharpe of the winner ${
        r.deflated.dsr.toFixed(3)
      } (${r.deflated.nTrials} trials, expected max Sharpe ${r.deflated.sr0.toExponential(2)} per bar)`,
    );
  }
  if (r.walkForward) { for (const line of formatWalkForward(r.walkForward)) out(line); }
  if (r.walkForwardError) out(`walk-forward optimisation not done: ${r.walkForwardError}`);
  out(r.verdict);
}

export const SPEC: TaskSpec = {
  name: "sweep",
  usage: _USAGE.replace(/^usage: /, ""),
  about:
    "Runs a parameter sweep's missing trials (local process pool, or BullMQ workers with --queue), records " +
    "them as experiment runs and prints PBO, the winner's deflated Sharpe and a verdict (docs/sweeps.md).",
  writes: "data/cache/, models/ and experiments/",
};

if (import.meta.main) await runTask(SPEC, (args) => main(args));
