/**
 * Sweep benchmark (`deno task bench:sweep`): the shipped BTC spot grid run four ways in fresh temp
 * projects — local pool with 1 and 2 workers, BullMQ with 1 and 2 worker processes on a throwaway
 * redis-server (127.0.0.1, persistence off) — printing trials per minute and the overhead per trial beyond
 * the experiment itself (`wall x workers / trials - mean experiment seconds`, as a share of the latter; exact
 * for one worker, and for two it also counts the idle tail and the two processes contending for the cores),
 * and checking that all four record the same results bit for bit. Local runs also print the workers' start-up
 * (paid once per sweep; the queue's workers start before its clock) and the overhead share without it. Then no-op jobs through one Redis and the
 * sweep process's collector: jobs per second. One JSON line per measurement.
 *
 * Run: `deno task bench:sweep [--trials 24] [--noop-jobs 3000] [--skip-trials] [--skip-noop]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { Worker } from "bullmq";
import { planSweep, type SweepPlan } from "../lib/sweeps/plan.ts";
import { runSweep } from "../lib/sweeps/run.ts";
import { workerCommand } from "../lib/sweeps/pool.ts";
import { QUEUE_NAME, redisOptions, runQueue } from "../lib/sweeps/queue.ts";
import type { TrialJob, TrialOutcome } from "../lib/sweeps/trial.ts";
import {
  collectLines,
  freePort,
  recordedTrials,
  REPO,
  spawnTask,
  startRedis,
  waitFor,
} from "../lib/sweeps/_test_project.ts";

const SWEEP = "configs/sweeps/btc_spot_grid.yaml";

async function _project(plan: SweepPlan): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "candlelab-bench-sweep-" });
  await new Deno.Command("cp", { args: ["-r", `${REPO}/configs`, `${root}/configs`] }).output();
  await Deno.mkdir(`${root}/data/raw`, { recursive: true });
  for (const d of plan.trials[0].datasets) {
    for (const f of [d.path, `${d.path}.metadata.json`]) {
      await Deno.copyFile(join(REPO, f), join(root, f)).catch(() => {});
    }
  }
  return root;
}

function _uptime(): string {
  return new TextDecoder().decode(new Deno.Command("uptime").outputSync().stdout).trim();
}

/**
 * Seconds a local pool worker takes to start (Deno, the modules, DuckDB's addon) and exit on a closed stdin:
 * the fixed part of a local sweep's overhead (the queue's workers are started before its clock). Median of 3.
 */
async function _workerStartSeconds(root: string): Promise<number> {
  const { cmd, args } = workerCommand();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await new Deno.Command(cmd, { args, cwd: root, stdin: "null", stdout: "null", stderr: "null" }).output();
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[1];
}

async function _trials(mode: "local" | "queue", workers: number, n: number): Promise<Map<string, string>> {
  const full = await planSweep(join(REPO, SWEEP), { projectRoot: REPO });
  const plan = { ...full, trials: full.trials.slice(0, n) };
  const root = await _project(plan);
  const children: Deno.ChildProcess[] = [];
  let redis: Deno.ChildProcess | null = null;
  let url: string | undefined;
  try {
    if (mode === "queue") {
      const port = freePort();
      redis = await startRedis(port);
      url = `redis://127.0.0.1:${port}`;
      for (let i = 0; i < workers; i++) {
        const w = spawnTask(root, "lib/tasks/sweep_worker.ts", ["--queue", url]);
        const log = collectLines(w.stderr);
        children.push(w);
        await waitFor(() => log.lines.some((l) => l.includes("ready")), 60_000, "a queue worker");
      }
    }
    const start = mode === "local" ? await _workerStartSeconds(root) : 0;
    const load = _uptime();
    const s = await runSweep(plan, { workers, queue: url, projectRoot: root });
    const meanExp = s.experimentSeconds / s.recorded.length;
    const perTrialWall = (s.seconds * workers) / s.recorded.length;
    const perTrialSteady = ((s.seconds - start) * workers) / s.recorded.length;
    console.log(JSON.stringify({
      stage: "sweep",
      mode,
      workers,
      trials: s.recorded.length,
      ok: s.recorded.filter((r) => r.status === "ok").length,
      seconds: +s.seconds.toFixed(2),
      trials_per_minute: +((s.recorded.length / s.seconds) * 60).toFixed(2),
      mean_experiment_seconds: +meanExp.toFixed(3),
      overhead_per_trial_seconds: +(perTrialWall - meanExp).toFixed(3),
      overhead_share: +((perTrialWall - meanExp) / meanExp).toFixed(4),
      // local only: the workers' start-up, once per sweep, and the share left per trial without it
      worker_start_seconds: +start.toFixed(3),
      overhead_share_after_start: +((perTrialSteady - meanExp) / meanExp).toFixed(4),
      worker_side_seconds_per_trial: +((s.workerSeconds - s.experimentSeconds) / s.recorded.length).toFixed(
        3,
      ),
      record_seconds_per_trial: +(s.recordSeconds / s.recorded.length).toFixed(3),
      load_before: load,
    }));
    return await recordedTrials(root);
  } finally {
    for (const c of children) {
      c.kill("SIGTERM");
      await c.status;
      await c.stdout.cancel().catch(() => {});
    }
    if (redis) {
      redis.kill("SIGTERM");
      await redis.status;
    }
    await Deno.remove(root, { recursive: true });
  }
}

async function _noopWorker(url: string, concurrency: number): Promise<void> {
  const w = new Worker<TrialJob, TrialOutcome>(QUEUE_NAME, (job) =>
    Promise.resolve({
      sweepId: job.data.sweepId,
      trialId: job.data.trialId,
      status: "ok",
      error: null,
      runId: null,
      files: null,
      model: null,
      experimentSeconds: 0,
      workerSeconds: 0,
      worker: "noop",
    }), { connection: redisOptions(url), concurrency });
  await w.waitUntilReady();
  console.error("noop worker ready");
  await new Promise<void>((r) => Deno.addSignalListener("SIGTERM", () => r()));
  await w.close();
}

async function _noop(jobs: number, workers: number): Promise<void> {
  const port = freePort();
  const redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const children: Deno.ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) {
      const c = spawnTask(REPO, "bench/sweep.ts", ["--noop-worker", url]);
      const log = collectLines(c.stderr);
      children.push(c);
      await waitFor(() => log.lines.some((l) => l.includes("ready")), 60_000, "a no-op worker");
    }
    const full = await planSweep(join(REPO, SWEEP), { projectRoot: REPO });
    const t = full.trials[0];
    const list: TrialJob[] = Array.from({ length: jobs }, (_, i) => ({
      sweepId: `noop${Date.now()}`,
      trialId: String(i).padStart(16, "0"),
      index: i,
      config: t.config,
      datasets: t.datasets,
    }));
    const load = _uptime();
    let got = 0;
    const t0 = performance.now();
    await runQueue(list, { url, onOutcome: () => Promise.resolve(void got++), pollMs: 5 });
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({
      stage: "noop",
      jobs: got,
      worker_processes: workers,
      worker_concurrency: 64,
      seconds: +seconds.toFixed(2),
      jobs_per_second: +(got / seconds).toFixed(1),
      job_payload_bytes: JSON.stringify(list[0]).length,
      load_before: load,
    }));
  } finally {
    for (const c of children) {
      c.kill("SIGTERM");
      await c.status;
      await c.stdout.cancel().catch(() => {});
    }
    redis.kill("SIGTERM");
    await redis.status;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      trials: { type: "string", default: "24" },
      "noop-jobs": { type: "string", default: "3000" },
      "noop-worker": { type: "string" },
      "skip-trials": { type: "boolean" },
      "skip-noop": { type: "boolean" },
    },
  });
  if (values["noop-worker"]) {
    await _noopWorker(values["noop-worker"], 64);
    Deno.exit(0);
  }
  const n = Number(values.trials);
  if (!values["skip-trials"]) {
    const results: Map<string, string>[] = [];
    // alternate local and queue so a change in the machine's load hits both
    for (const [mode, w] of [["local", 1], ["queue", 1], ["local", 2], ["queue", 2]] as const) {
      results.push(await _trials(mode, w, n));
    }
    const same = results.every((r) =>
      r.size === results[0].size && [...r].every(([k, v]) => results[0].get(k) === v)
    );
    console.log(
      JSON.stringify({ stage: "equality", runs: results.length, trials: results[0].size, identical: same }),
    );
  }
  if (!values["skip-noop"]) await _noop(Number(values["noop-jobs"]), 1);
}
