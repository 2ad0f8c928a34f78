/**
 * Running one trial on a worker (a local pool process or a queue worker): check that this machine's data
 * files are the bytes the sweep planned with, run the ordinary experiment with its run folder and registry
 * in a scratch folder, and hand back everything the sweep process needs to record it (run.json, log,
 * backtest.json, the model's artifact and metadata). The worker never writes experiments/ or models/.
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import type { ExperimentConfig } from "../experiments/config.ts";
import { runExperiment } from "../experiments/pipeline.ts";
import { silentProgress } from "../experiments/progress.ts";
import { CandlelabError } from "../util/errors.ts";
import type { WorkerMemo } from "./memo.ts";
import type { TrialDataset } from "./plan.ts";

/** What a worker receives for one trial. */
export interface TrialJob {
  sweepId: string;
  trialId: string;
  index: number;
  config: ExperimentConfig;
  datasets: TrialDataset[];
}

/** What a worker sends back; the sweep process records it (lib/sweeps/record.ts). */
export interface TrialOutcome {
  sweepId: string;
  trialId: string;
  status: "ok" | "failed";
  /** The error of a failed trial (the run.json holds it too, when the run got that far). */
  error: string | null;
  runId: string | null;
  /** run.json, log.jsonl and backtest.json as written in the scratch folder. */
  files: { run: string; log: string; backtest: string | null } | null;
  model: { id: string; artifact: string; metadata: string } | null;
  /** Wall seconds of runExperiment, and of the whole trial on the worker (check + scratch + read back). */
  experimentSeconds: number;
  workerSeconds: number;
  worker: string;
}

/** The worker's data differ from the sweep's: not retried (a retry would read the same bytes). */
export class DatasetMismatchError extends CandlelabError {
  override name = "DatasetMismatchError";
}

/** Options of {@link runTrial}. */
export interface RunTrialOptions {
  /** This worker's project folder (data, configs, cache), default ".". */
  projectRoot?: string;
  memo: WorkerMemo;
  /** Told the trial's scratch folder when it is made and null when it is removed (a signal handler removes it). */
  onScratch?: (dir: string | null) => void;
}

/**
 * Runs a trial; an experiment that fails is an outcome with status "failed" (recorded like any run), while
 * data that differ from the job's throw {@link DatasetMismatchError}.
 *
 * @example
 * ```ts ignore
 * const outcome = await runTrial(job, { memo: createWorkerMemo() });
 * ```
 */
export async function runTrial(job: TrialJob, options: RunTrialOptions): Promise<TrialOutcome> {
  const t0 = performance.now();
  const root = options.projectRoot ?? ".";
  for (const d of job.datasets) {
    const file = d.path.startsWith("/") ? d.path : join(root, d.path);
    let got: string;
    try {
      got = await options.memo.sha256(file);
    } catch (err) {
      throw new DatasetMismatchError(
        `Cannot run trial ${job.trialId} of sweep ${job.sweepId}: this worker cannot read ${d.path} (${
          (err as Error).message
        }); copy the sweep machine's data/ folder here`,
      );
    }
    if (got !== d.sha256) {
      throw new DatasetMismatchError(
        `Cannot run trial ${job.trialId} of sweep ${job.sweepId}: ${d.path} on this worker has SHA-256 ${got}, ` +
          `the sweep expects ${d.sha256}; give this worker the same data/ files as the sweep machine (not retried)`,
      );
    }
  }
  for (const [k, v] of Object.entries(job.config.output)) {
    if (v.startsWith("/")) {
      throw new DatasetMismatchError(
        `Cannot run trial ${job.trialId}: output.${k} is the absolute path ${v}; sweeps need relative output paths`,
      );
    }
  }
  const scratchRoot = join(root, "data/cache/trials");
  await Deno.mkdir(scratchRoot, { recursive: true });
  // named (and announced) before it exists, so a signal arriving during the mkdir still removes it
  const scratch = join(scratchRoot, `${job.trialId}-${crypto.randomUUID().slice(0, 8)}`);
  options.onScratch?.(scratch);
  await Deno.mkdir(scratch);
  let status: "ok" | "failed" = "ok";
  let error: string | null = null;
  const e0 = performance.now();
  try {
    await runExperiment(job.config, {
      projectRoot: root,
      outputRoot: scratch,
      persistState: false,
      progress: silentProgress,
      loaders: options.memo.loaders,
      configFile: `trial ${job.trialId} of sweep ${job.sweepId}`,
    });
  } catch (err) {
    status = "failed";
    error = (err as Error).message;
  }
  const experimentSeconds = (performance.now() - e0) / 1000;
  try {
    const runsDir = join(scratch, job.config.output.runs);
    const names: string[] = [];
    try {
      for await (const e of Deno.readDir(runsDir)) if (e.isDirectory) names.push(e.name);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    let files: TrialOutcome["files"] = null;
    let model: TrialOutcome["model"] = null;
    let runId: string | null = null;
    if (names.length === 1) {
      runId = names[0];
      const dir = join(runsDir, runId);
      const run = await Deno.readTextFile(join(dir, "run.json"));
      const backtest = await Deno.readTextFile(join(dir, "backtest.json")).catch(() => null);
      files = { run, log: await Deno.readTextFile(join(dir, "log.jsonl")).catch(() => ""), backtest };
      const modelId = JSON.parse(run).model_id as string | null;
      if (modelId) {
        const reg = join(scratch, job.config.output.registry);
        model = {
          id: modelId,
          artifact: await Deno.readTextFile(join(reg, "trained", `${modelId}.json`)),
          metadata: await Deno.readTextFile(join(reg, "metadata", `${modelId}.json`)),
        };
      }
    }
    return {
      sweepId: job.sweepId,
      trialId: job.trialId,
      status,
      error,
      runId,
      files,
      model,
      experimentSeconds,
      workerSeconds: (performance.now() - t0) / 1000,
      worker: `${hostname()}:${Deno.pid}`,
    };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
    options.onScratch?.(null);
  }
}
