/**
 * Running a sweep: plan it, skip the trials that already have an ok run (a killed sweep, rerun, finishes
 * only the missing ones), run the rest on the local pool or through the queue, and record each outcome as
 * it arrives — this process is the only writer of experiments/ and models/.
 *
 * @module
 */
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import type { SweepPlan } from "./plan.ts";
import { loadQueue } from "./load_queue.ts";
import { runPool } from "./pool.ts";
import type { SweepProgressEvent } from "./progress.ts";
import { type RecordedTrial, recordTrial, trialRuns } from "./record.ts";
import type { TrialJob, TrialOutcome } from "./trial.ts";

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** Local worker processes (default: the machine's cores). Ignored with `queue`. */
  workers?: number;
  /** `redis://host:port`: enqueue on BullMQ instead of the local pool. */
  queue?: string;
  projectRoot?: string;
  onProgress?: (e: SweepProgressEvent) => void;
  /** Called after each trial is recorded (tests, the bench). */
  onRecorded?: (rec: RecordedTrial, outcome: TrialOutcome) => void;
  /** The local pool's worker command (tests). */
  command?: { cmd: string; args: string[] };
}

/** What a sweep run did. */
export interface SweepRunSummary {
  sweepId: string;
  total: number;
  /** Trials that already had an ok run. */
  skipped: number;
  recorded: RecordedTrial[];
  seconds: number;
  /** Sum over the recorded trials of runExperiment's seconds, and of the worker's whole-trial seconds. */
  experimentSeconds: number;
  workerSeconds: number;
  /** Seconds this process spent recording outcomes (registry import + run folder). */
  recordSeconds: number;
}

/**
 * Runs the trials of `plan` that have no ok run yet.
 *
 * @example
 * ```ts ignore
 * const plan = await planSweep("configs/sweeps/btc_spot_grid.yaml");
 * const s = await runSweep(plan, { workers: 2 });
 * ```
 */
export async function runSweep(plan: SweepPlan, options: RunSweepOptions = {}): Promise<SweepRunSummary> {
  const root = options.projectRoot ?? ".";
  const at = (p: string) => (p.startsWith("/") ? p : join(root, p));
  const t0 = performance.now();
  const outputs = new Set(
    plan.trials.map((t) => JSON.stringify([t.config.output.runs, t.config.output.registry])),
  );
  if (outputs.size > 1) {
    throw new CandlelabError(
      `Cannot run sweep ${plan.file}: its trials write to different output folders (${
        [...outputs].join(" ")
      }); ` +
        `a sweep records into one runs folder and one registry — do not sweep over output.*`,
    );
  }
  const first = plan.trials[0];
  if (!first) throw new CandlelabError(`Cannot run sweep ${plan.file}: its space has no points`);
  const roots = { runs: at(first.config.output.runs), registry: at(first.config.output.registry) };
  const done = await trialRuns(roots.runs);
  const todo = plan.trials.filter((t) => !(done.get(t.id) ?? []).some((r) => r.status === "ok"));
  const skipped = plan.trials.length - todo.length;
  const jobs: TrialJob[] = todo.map((t) => ({
    sweepId: plan.id,
    trialId: t.id,
    index: t.index,
    config: t.config,
    datasets: t.datasets,
  }));
  const recorded: RecordedTrial[] = [];
  let failed = 0, experimentSeconds = 0, workerSeconds = 0, recordSeconds = 0;
  const seen = new Set<string>();
  const report = () =>
    options.onProgress?.({ done: skipped + recorded.length, total: plan.trials.length, failed, skipped });
  report();
  const onOutcome = async (o: TrialOutcome) => {
    if (o.sweepId !== plan.id || seen.has(o.trialId)) return; // each trial recorded once
    seen.add(o.trialId);
    const r0 = performance.now();
    const rec = await recordTrial(o, roots);
    recordSeconds += (performance.now() - r0) / 1000;
    recorded.push(rec);
    if (rec.status !== "ok") failed++;
    experimentSeconds += o.experimentSeconds;
    workerSeconds += o.workerSeconds;
    options.onRecorded?.(rec, o);
    report();
  };
  if (options.queue) {
    const { runQueue } = await loadQueue();
    await runQueue(jobs, { url: options.queue, onOutcome });
  } else {
    await runPool(jobs, {
      workers: options.workers ?? navigator.hardwareConcurrency,
      projectRoot: root,
      onOutcome,
      command: options.command,
    });
  }
  return {
    sweepId: plan.id,
    total: plan.trials.length,
    skipped,
    recorded,
    seconds: (performance.now() - t0) / 1000,
    experimentSeconds,
    workerSeconds,
    recordSeconds,
  };
}
