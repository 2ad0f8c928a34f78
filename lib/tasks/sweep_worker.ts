/**
 * `deno task sweep:worker --queue redis://host:port [--concurrency 1]`: takes sweep trials from the BullMQ
 * queue on Redis and runs them against this machine's data/ folder, returning the results through the
 * queue (the sweep process records them). With `--stdio` it is a local pool worker instead: one trial per
 * JSON line on stdin, one result line on stdout (lib/sweeps/pool.ts); it exits when stdin closes.
 *
 * @module
 */
import { loadQueue } from "../sweeps/load_queue.ts";
import { createWorkerMemo } from "../sweeps/memo.ts";
import { readLines, RESULT_PREFIX } from "../sweeps/lines.ts";
import type { WorkerReply } from "../sweeps/pool.ts";
import { DatasetMismatchError, runTrial, type TrialJob } from "../sweeps/trial.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

const _USAGE =
  "usage: deno task sweep:worker --queue redis://host:port [--lock-ms 60000] [--stalled-ms 30000]";

/** The flags of `deno task sweep:worker` (parsed strictly); `--stdio` is the local pool's own (lib/sweeps/pool.ts). */
export const ARGS = {
  options: {
    queue: { type: "string" },
    stdio: { type: "boolean" },
    "lock-ms": { type: "string" },
    "stalled-ms": { type: "string" },
  },
} as const satisfies TaskArgsConfig;

/**
 * Runs the worker; returns the exit code (a queue worker runs until SIGINT/SIGTERM).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./sweep_worker.ts";
 * assert.equal(await main([], () => {}), 2);
 * ```
 */
export async function main(args: string[], out: (line: string) => void = console.error): Promise<number> {
  const parsed = parseTaskArgs(args, ARGS, _USAGE, out);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.stdio) return await _stdio();
  if (!v.queue) {
    out(`Cannot start a sweep worker: --queue redis://host:port is required; ${_USAGE}`);
    return 2;
  }
  const { runQueueWorker } = await loadQueue();
  await runQueueWorker({
    url: v.queue,
    lockDurationMs: v["lock-ms"] ? Number(v["lock-ms"]) : undefined,
    stalledIntervalMs: v["stalled-ms"] ? Number(v["stalled-ms"]) : undefined,
    log: out,
  });
  return 0;
}

async function _stdio(): Promise<number> {
  const memo = createWorkerMemo();
  const enc = new TextEncoder();
  const reply = (r: WorkerReply) => {
    const b = enc.encode(RESULT_PREFIX + JSON.stringify(r) + "\n");
    let off = 0;
    while (off < b.length) off += Deno.stdout.writeSync(b.subarray(off));
  };
  // A trial's scratch folder is removed however this process ends (Ctrl-C, SIGTERM, the sweep process gone).
  let scratch = null as string | null;
  const end = (code: number) => {
    if (scratch) {
      try {
        Deno.removeSync(scratch, { recursive: true });
      } catch { /* already gone */ }
    }
    Deno.exit(code);
  };
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    Deno.addSignalListener(sig, () => end(code));
  }
  // Read stdin concurrently with the trial: when it closes (the sweep process is gone), exit at once.
  const jobs: TrialJob[] = [];
  let wake = null as (() => void) | null;
  (async () => {
    for await (const line of readLines(Deno.stdin.readable)) {
      if (line.trim() === "") continue;
      jobs.push(JSON.parse(line) as TrialJob);
      wake?.();
    }
    end(0);
  })();
  for (;;) {
    const job = jobs.shift();
    if (!job) {
      await new Promise<void>((r) => (wake = r));
      wake = null;
      continue;
    }
    try {
      reply({ ok: true, outcome: await runTrial(job, { memo, onScratch: (d) => (scratch = d) }) });
    } catch (err) {
      reply({
        ok: false,
        trialId: job.trialId,
        error: (err as Error).message,
        unrecoverable: err instanceof DatasetMismatchError,
      });
    }
  }
}

export const SPEC: TaskSpec = {
  name: "sweep:worker",
  usage: _USAGE.replace(/^usage: /, ""),
  about:
    "Runs sweep trials from the BullMQ queue on Redis against this machine's data/ folder and returns the " +
    "results through the queue; the first Ctrl-C finishes the running trial, a second stops at once.",
  writes: "data/cache/ (feature cache and trial scratch)",
  ownSignals: true,
};

if (import.meta.main) await runTask(SPEC, (args) => main(args));
