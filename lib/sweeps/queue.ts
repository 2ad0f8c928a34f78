/**
 * Scale-out on BullMQ + Redis. The sweep process enqueues its missing trials on one queue
 * (`candlelab-trials`, job id `<sweep id>-<trial id>`, so enqueueing twice is a no-op) and collects the
 * completed jobs' return values — the same {@link TrialOutcome} a local pool worker sends — recording each
 * once (lib/sweeps/record.ts) and then removing the job. Workers (`deno task sweep:worker`) run trials
 * against their own data/ folder; a dataset whose SHA-256 differs from the job's fails the job with
 * BullMQ's UnrecoverableError (not retried). A worker killed mid-trial stops renewing its lock; after
 * `lockDurationMs` the stalled-job check (every `stalledIntervalMs`) puts the job back for another worker.
 *
 * @module
 */
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { CandlelabError } from "../util/errors.ts";
import { createWorkerMemo } from "./memo.ts";
import { DatasetMismatchError, runTrial, type TrialJob, type TrialOutcome } from "./trial.ts";

/** The one queue every sweep and worker uses. */
export const QUEUE_NAME = "candlelab-trials";

/** How long a connection attempt may take before the error (the issue asks for under 5 s). */
export const CONNECT_TIMEOUT_MS = 4000;

/**
 * ioredis options from a `redis://[:password@]host:port[/db]` URL (`rediss://` for TLS); BullMQ needs
 * `maxRetriesPerRequest: null` on worker connections.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisOptions } from "./queue.ts";
 * const o = redisOptions("redis://127.0.0.1:6390/2");
 * assert.equal(o.port, 6390);
 * assert.equal(o.db, 2);
 * ```
 */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CandlelabError(
      `Cannot use queue "${url}": not a URL; write --queue redis://host:port (e.g. redis://127.0.0.1:6379)`,
    );
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new CandlelabError(
      `Cannot use queue "${url}": the scheme must be redis:// or rediss://, current value is ${u.protocol}`,
    );
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
}

/**
 * Connects once with no retries and returns the server's version; an unreachable server is a clear
 * error within 5 s.
 *
 * @example
 * ```ts ignore
 * const version = await checkRedis("redis://127.0.0.1:6379");
 * ```
 */
export async function checkRedis(url: string): Promise<string> {
  const opts = redisOptions(url);
  const host = `${opts.host}:${opts.port}`;
  if ((await Deno.permissions.query({ name: "net", host })).state !== "granted") {
    throw new CandlelabError(
      `Cannot reach Redis at ${url}: this process may not connect to ${host} (the deno tasks allow 127.0.0.1, ` +
        `localhost and redis); run the task's command with --allow-net=${host} instead (see docs/sweeps.md)`,
    );
  }
  const r = new Redis({
    ...opts,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | null = null;
  r.on("error", (e: Error) => (cause ??= e));
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const info = await Promise.race([
      r.connect().then(() => r.info("server")),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } catch (err) {
    throw new CandlelabError(
      `Cannot reach Redis at ${url}: ${
        (cause ?? err as Error).message
      }; start it (redis-server --port <port>, or docker compose up redis) or fix --queue`,
    );
  } finally {
    clearTimeout(timer);
    r.disconnect();
  }
}

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  url: string;
  /** How long a trial's lock lasts without renewal (renewed every half); default 60 000 ms. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for; default 30 000 ms. */
  stalledIntervalMs?: number;
  /** This worker's project folder (default "."). */
  projectRoot?: string;
  log?: (line: string) => void;
  /** Resolves to stop the worker (default: SIGINT or SIGTERM). */
  stop?: Promise<void>;
}

/**
 * Runs trials from the queue until `stop` (default SIGINT/SIGTERM); one trial at a time, with one memo of
 * datasets and feature tables for the worker's life.
 *
 * @example
 * ```ts ignore
 * await runQueueWorker({ url: "redis://127.0.0.1:6379" });
 * ```
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const log = options.log ?? console.error;
  const version = await checkRedis(options.url);
  const memo = createWorkerMemo();
  let scratch = null as string | null;
  const worker = new Worker<TrialJob, TrialOutcome>(
    QUEUE_NAME,
    async (job: Job<TrialJob, TrialOutcome>) => {
      log(
        `trial ${job.data.trialId} of ${job.data.sweepId} started (job ${job.id}, attempt ${
          job.attemptsMade + 1
        })`,
      );
      try {
        const outcome = await runTrial(job.data, {
          memo,
          projectRoot: options.projectRoot,
          onScratch: (d) => (scratch = d),
        });
        log(
          `trial ${job.data.trialId} of ${job.data.sweepId}: ${outcome.status} in ${
            outcome.workerSeconds.toFixed(1)
          } s`,
        );
        return outcome;
      } catch (err) {
        log(`trial ${job.data.trialId} of ${job.data.sweepId} refused: ${(err as Error).message}`);
        if (err instanceof DatasetMismatchError) throw new UnrecoverableError((err as Error).message);
        throw err;
      }
    },
    {
      connection: redisOptions(options.url),
      concurrency: 1,
      lockDuration: options.lockDurationMs ?? 60_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
  );
  worker.on("error", (err) => log(`sweep worker: ${err.message}`));
  await worker.waitUntilReady();
  log(`sweep worker ${Deno.pid} ready on ${options.url} (Redis ${version}), queue ${QUEUE_NAME}`);
  const stop = options.stop ?? _signal(() => {
    if (scratch) {
      try {
        Deno.removeSync(scratch, { recursive: true });
      } catch { /* already gone */ }
    }
  });
  await stop;
  await worker.close();
}

/** First SIGINT/SIGTERM: finish the running trial and stop; a second one exits at once (the job is taken over). */
function _signal(beforeExit: () => void): Promise<void> {
  return new Promise((resolve) => {
    let seen = false;
    for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      Deno.addSignalListener(sig, () => {
        if (seen) {
          beforeExit();
          Deno.exit(code);
        }
        seen = true;
        console.error(`sweep worker: ${sig}: finishing the running trial, then stopping (again to stop now)`);
        resolve();
      });
    }
  });
}

/** Options of {@link runQueue}. */
export interface RunQueueOptions {
  url: string;
  /** Called with each outcome once, in arrival order; a throw stops the sweep (the job stays for a rerun). */
  onOutcome: (outcome: TrialOutcome) => Promise<void>;
  /** Pause between polls when nothing has finished, ms; default 100. */
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Enqueues `jobs` (a job already queued or running from an earlier, killed sweep process is kept; a failed
 * one is re-enqueued) and records outcomes until every job has one. A job that failed on a worker (e.g. its
 * data differ) stops the sweep with the worker's message.
 *
 * @example
 * ```ts ignore
 * await runQueue(jobs, { url: "redis://127.0.0.1:6379", onOutcome: (o) => recordTrial(o, roots).then(() => {}) });
 * ```
 */
export async function runQueue(jobs: TrialJob[], options: RunQueueOptions): Promise<void> {
  if (jobs.length === 0) return;
  await checkRedis(options.url);
  const queue = new Queue<TrialJob, TrialOutcome>(QUEUE_NAME, { connection: redisOptions(options.url) });
  queue.on("error", () => {});
  try {
    const pending = new Map(jobs.map((j) => [_jobId(j), j]));
    // a job that failed for an earlier, killed sweep process is enqueued afresh
    for (const old of await queue.getJobs(["failed"], 0, -1, true)) {
      if (old?.id && pending.has(old.id)) await old.remove();
    }
    await queue.addBulk(jobs.map((j) => ({
      name: "trial",
      data: j,
      opts: { jobId: _jobId(j), attempts: 2, backoff: { type: "fixed", delay: 1000 }, removeOnFail: false },
    })));
    const pollMs = options.pollMs ?? 100;
    while (pending.size > 0) {
      let seen = 0;
      const finished: Job<TrialJob, TrialOutcome>[] = [];
      for (const job of await queue.getJobs(["completed"], 0, 499, true)) {
        if (!job?.id || !pending.has(job.id)) continue;
        seen++;
        await options.onOutcome(job.returnvalue);
        pending.delete(job.id);
        finished.push(job);
      }
      await Promise.all(finished.map((j) => j.remove()));
      for (const job of await queue.getJobs(["failed"], 0, 499, true)) {
        if (!job?.id || !pending.has(job.id)) continue;
        throw new CandlelabError(
          `Trial ${job.data.trialId} of sweep ${job.data.sweepId} failed on a worker: ${job.failedReason}; ` +
            `fix the cause and rerun the sweep (recorded trials are skipped)`,
        );
      }
      if (seen === 0) await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await queue.close();
  }
}

function _jobId(j: TrialJob): string {
  return `${j.sweepId}-${j.trialId}`;
}
