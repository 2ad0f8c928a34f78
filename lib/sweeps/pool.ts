/**
 * The local pool: N worker processes (`lib/tasks/sweep_worker.ts --stdio`), each running one trial at a time
 * (with the next one already sent while jobs remain) over newline-delimited JSON on stdin/stdout and keeping
 * its memo of datasets and feature tables across trials. The sweep process (the caller) records each outcome as it arrives. A worker whose stdin closes
 * (the sweep process ended, even by SIGKILL) exits at once, so a killed sweep leaves no workers behind.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { readLines, RESULT_PREFIX } from "./lines.ts";
import type { TrialJob, TrialOutcome } from "./trial.ts";

/** Options of {@link runPool}. */
export interface PoolOptions {
  /** Number of worker processes (at most the number of jobs). */
  workers: number;
  /** Project folder the workers run in (default "."). */
  projectRoot?: string;
  /** Called with each outcome, one at a time, in completion order; a throw stops the pool. */
  onOutcome: (outcome: TrialOutcome) => Promise<void>;
  /** The worker command (default: this Deno running lib/tasks/sweep_worker.ts --stdio with narrow permissions). */
  command?: { cmd: string; args: string[] };
}

/** A result line of a worker. */
export type WorkerReply =
  | { ok: true; outcome: TrialOutcome }
  | { ok: false; trialId: string; error: string; unrecoverable: boolean };

/**
 * The default worker command: the running Deno binary with the permissions a trial needs (read the project,
 * write the feature cache and the trial scratch under data/cache, FFI for DuckDB, git for the code version).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workerCommand } from "./pool.ts";
 * assert(workerCommand().args.includes("--stdio"));
 * ```
 */
export function workerCommand(): { cmd: string; args: string[] } {
  const repo = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
  return {
    cmd: Deno.execPath(),
    args: [
      "run",
      "--no-prompt",
      `--config=${repo}/deno.json`,
      `--allow-read=.,${repo},/proc/self/exe,/usr/bin/ldd`,
      "--allow-write=data/cache",
      `--allow-ffi=${_realPath(`${repo}/node_modules`)}`,
      "--allow-run=git",
      "--allow-env=LOG_TOKENS,LOG_STREAM",
      "--allow-sys=hostname",
      `${repo}/lib/tasks/sweep_worker.ts`,
      "--stdio",
    ],
  };
}

/**
 * Runs `jobs` on a pool of worker processes; resolves when every outcome has been handed to `onOutcome`.
 * A worker that dies mid-trial, or a trial it refuses (data differ), rejects with the trial named.
 *
 * @example
 * ```ts ignore
 * await runPool(jobs, { workers: 2, onOutcome: (o) => recordTrial(o, roots).then(() => {}) });
 * ```
 */
export async function runPool(jobs: TrialJob[], options: PoolOptions): Promise<void> {
  if (jobs.length === 0) return;
  const n = Math.max(1, Math.min(options.workers, jobs.length));
  const { cmd, args } = options.command ?? workerCommand();
  const queue = [...jobs];
  const children: Deno.ChildProcess[] = [];
  let failure: Error | null = null;
  let recording = Promise.resolve();
  const one = async (): Promise<void> => {
    const child = new Deno.Command(cmd, {
      args,
      cwd: options.projectRoot ?? ".",
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    children.push(child);
    const writer = child.stdin.getWriter();
    const lines = readLines(child.stdout)[Symbol.asyncIterator]();
    const enc = new TextEncoder();
    const inFlight: TrialJob[] = [];
    const send = async (job: TrialJob) => {
      inFlight.push(job);
      await writer.write(enc.encode(JSON.stringify(job) + "\n"));
    };
    try {
      while (failure === null) {
        if (inFlight.length === 0) {
          const first = queue.shift();
          if (!first) break;
          await send(first);
        }
        // one job ahead: the worker reads it the moment it replies, instead of waiting while this process
        // parses the reply (model + backtest) and writes back; only while more jobs wait than there are
        // workers, so no worker sits on a job at the tail while another one idles
        if (inFlight.length === 1 && queue.length >= n) await send(queue.shift()!);
        const job = inFlight[0];
        let reply: WorkerReply | null = null;
        for (;;) {
          const next = await lines.next();
          if (next.done) break;
          if (!next.value.startsWith(RESULT_PREFIX)) {
            console.error(next.value);
            continue;
          }
          reply = JSON.parse(next.value.slice(RESULT_PREFIX.length)) as WorkerReply;
          break;
        }
        if (reply === null) {
          const status = await child.status;
          throw new CandlelabError(
            `Sweep worker process ${child.pid} ended (exit code ${status.code}${
              status.signal ? `, ${status.signal}` : ""
            }) while running trial ${job.trialId}; see its error above and rerun the sweep (done trials are skipped)`,
          );
        }
        inFlight.shift();
        if (!reply.ok) throw new CandlelabError(reply.error);
        const outcome = reply.outcome;
        // recorded one at a time, while this worker already runs its next trial
        recording = recording.then(() => options.onOutcome(outcome));
        recording.catch((err) => {
          failure ??= err as Error;
        });
      }
    } finally {
      await writer.close().catch(() => {});
    }
    await child.status;
  };
  const runners = Array.from({ length: n }, () =>
    one().catch((err) => {
      failure ??= err as Error;
      for (const c of children) {
        try {
          c.kill("SIGTERM");
        } catch { /* already ended */ }
      }
    }));
  await Promise.all(runners);
  await recording.catch(() => {});
  if (failure) throw failure;
}

function _realPath(path: string): string {
  try {
    return Deno.realPathSync(path); // a symlinked node_modules: DuckDB's addon is loaded from the target
  } catch {
    return path;
  }
}
