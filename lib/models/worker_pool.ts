/**
 * A pool of Deno workers kept alive from one job to the next (e.g. the fits and predictions of every
 * walk-forward fold), so each worker loads its module and warms up its JIT once, and of shared scratch
 * memory reused between jobs (fresh memory is slow to touch the first time).
 *
 * Ownership: whoever creates a pool closes it (`close()`, or `using pool = new WorkerPool()`); models
 * borrow it for one `fit` / `predictProbaAsync` call through their options and never close it. A model
 * called without a pool makes a private one for that call and closes it before returning. One job runs at a
 * time: a pool is not shared by concurrent fits.
 *
 * Protocol: a worker answers each task message with `{ type: "done", task, ... }`, and any failure with
 * `{ type: "error", message }` (`serveWorker` does both). Results are assembled by task index, so the
 * outcome never depends on which worker ran which task.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { kernelMemory } from "./hist_kernels.ts";

/** A reply from a worker to a task. */
export interface TaskReply {
  type: "done";
  task: number;
  [key: string]: unknown;
}

/**
 * Long-lived workers per module URL, plus named shared scratch buffers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerPool } from "./worker_pool.ts";
 * using pool = new WorkerPool();
 * const a = pool.scratch("rows", 1024), b = pool.scratch("rows", 512);
 * assert(a === b && a instanceof SharedArrayBuffer && pool.size === 0);
 * ```
 */
export class WorkerPool {
  /** Largest scratch buffer a job should ask for; jobs with more data work in batches (default 256 MiB). */
  readonly maxScratchBytes: number;
  #workers = new Map<string, Worker[]>();
  #scratch = new Map<string, SharedArrayBuffer>();
  #memories = new Map<string, WebAssembly.Memory>();
  #busy = false;
  #closed = false;
  #spawned = 0;

  constructor(options: { maxScratchBytes?: number } = {}) {
    this.maxScratchBytes = options.maxScratchBytes ?? 256 * 1024 * 1024;
  }

  /** Workers started over the pool's life (a pool that is reused keeps this at its size). */
  get spawned(): number {
    return this.#spawned;
  }

  /** Workers alive now. */
  get size(): number {
    let n = 0;
    for (const ws of this.#workers.values()) n += ws.length;
    return n;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A SharedArrayBuffer of at least `bytes` bytes kept under `name` and reused by later calls (its
   * contents are whatever the last user left). Only valid during the job that asked for it.
   */
  scratch(name: string, bytes: number): SharedArrayBuffer {
    this.#checkOpen("use scratch memory");
    const have = this.#scratch.get(name);
    if (have && have.byteLength >= bytes) return have;
    // 1/8 extra, so the next job's slightly larger request (one more row) reuses the same memory.
    const sab = new SharedArrayBuffer(Math.ceil((bytes + (bytes >> 3)) / 8) * 8 + 8);
    this.#scratch.set(name, sab);
    return sab;
  }

  /**
   * A shared WebAssembly memory of at least `bytes` bytes kept under `name` and reused by later calls, like
   * {@link scratch} (for jobs whose kernels run on one memory with their workers).
   */
  memory(name: string, bytes: number): WebAssembly.Memory {
    this.#checkOpen("use scratch memory");
    const have = this.#memories.get(name);
    if (have && have.buffer.byteLength >= bytes) return have;
    const mem = kernelMemory(bytes, bytes >> 3); // 1/8 extra, as scratch
    this.#memories.set(name, mem);
    return mem;
  }

  /**
   * Starts up to `n` workers of `module` now (kept for later jobs), so they load their module while the
   * caller prepares the next job's data. Does nothing while a job runs.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WorkerPool } from "./worker_pool.ts";
   * using pool = new WorkerPool();
   * pool.warm(new URL("./_test_worker.ts", import.meta.url), 2);
   * assert(pool.size === 2 && pool.spawned === 2);
   * ```
   */
  warm(module: URL, n: number): void {
    this.#checkOpen("start workers");
    if (!this.#busy) this.#start(module, n);
  }

  /** The workers of `module`, started up to `n`. */
  #start(module: URL, n: number): Worker[] {
    const list = this.#workers.get(module.href) ?? [];
    this.#workers.set(module.href, list);
    while (list.length < n) {
      list.push(new Worker(module, { type: "module" }));
      this.#spawned++;
    }
    return list;
  }

  /**
   * Runs `job` with `n` workers of `module` (started on first use, kept for later jobs). If the job fails,
   * its workers are terminated and replaced next time (their state is unknown).
   */
  async run<T>(module: URL, n: number, job: (workers: readonly Worker[]) => Promise<T>): Promise<T> {
    this.#checkOpen("run a job");
    if (this.#busy) {
      throw new CandlelabError(
        "Cannot run a job on the worker pool: it is busy with another job; give each concurrent fit its own WorkerPool",
      );
    }
    this.#busy = true;
    const key = module.href;
    const list = this.#start(module, n);
    const leased = list.slice(0, n);
    try {
      return await job(leased);
    } catch (err) {
      for (const w of leased) w.terminate();
      this.#workers.set(key, list.filter((w) => !leased.includes(w)));
      throw err;
    } finally {
      for (const w of leased) {
        w.onmessage = null;
        // An error outside a job must not crash the process: drop the worker instead.
        w.onerror = (e) => {
          e.preventDefault();
          this.#drop(key, w);
        };
      }
      this.#busy = false;
    }
  }

  /** Terminates every worker and drops the scratch memory; idempotent. */
  close(): void {
    for (const ws of this.#workers.values()) for (const w of ws) w.terminate();
    this.#workers.clear();
    this.#scratch.clear();
    this.#memories.clear();
    this.#closed = true;
  }

  /** `using pool = new WorkerPool()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  #drop(key: string, w: Worker): void {
    w.terminate();
    const list = this.#workers.get(key);
    if (list) this.#workers.set(key, list.filter((x) => x !== w));
  }

  #checkOpen(action: string): void {
    if (this.#closed) {
      throw new CandlelabError(
        `Cannot ${action} on the worker pool: it is closed; create a new WorkerPool (whoever creates one closes it)`,
      );
    }
  }
}

/** What {@link runTasks} hands out and how. */
export interface TaskRun {
  /** Tasks are numbered 0..count-1. */
  count: number;
  /** Posts task `task` to `worker`. */
  send: (worker: Worker, task: number) => void;
  /** Called with each `{ type: "done" }` reply, in arrival order (assemble results by `reply.task`). */
  onDone: (reply: TaskReply) => void;
  /** What the caller is doing, for the error sentence: "fit hist_random_forest" -> "Cannot fit ...". */
  action: string;
  /** Tasks in flight per worker (2 hides the message round trip). */
  inFlight?: number;
  /** Called with each `{ type: "progress" }` message (it does not finish a task). */
  onProgress?: (message: Record<string, unknown>) => void;
}

/**
 * Hands out tasks to `workers` and resolves when every task is done. Rejects on the first error reply or
 * uncaught worker error with `Cannot <action>: a worker failed: <what the worker said>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runTasks, WorkerPool } from "./worker_pool.ts";
 * using pool = new WorkerPool();
 * const squares: number[] = [];
 * await pool.run(new URL("./_test_worker.ts", import.meta.url), 2, (workers) =>
 *   runTasks(workers, {
 *     count: 5,
 *     send: (w, task) => w.postMessage({ type: "square", task }),
 *     onDone: (r) => (squares[r.task] = r.value as number),
 *     action: "square numbers",
 *   }));
 * assert(squares.join() === "0,1,4,9,16");
 * ```
 */
export function runTasks(workers: readonly Worker[], run: TaskRun): Promise<void> {
  const { count, send, onDone, action, inFlight = 2, onProgress } = run;
  if (count === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let next = 0, done = 0, failed = false;
    const fail = (why: string) => {
      if (failed) return;
      failed = true;
      reject(new CandlelabError(`Cannot ${action}: a worker failed: ${why}`));
    };
    for (const worker of workers) {
      worker.onerror = (e) => {
        e.preventDefault();
        fail(e.message);
      };
      worker.onmessage = (e: MessageEvent) => {
        const msg = e.data;
        if (failed) return;
        if (msg?.type === "error") return fail(String(msg.message));
        try {
          if (msg?.type === "progress") return onProgress?.(msg);
          onDone(msg as TaskReply);
        } catch (err) {
          return fail((err as Error).message);
        }
        if (++done === count) resolve();
        else if (next < count) send(worker, next++);
      };
    }
    for (let k = 0; k < inFlight; k++) {
      for (const worker of workers) if (next < count) send(worker, next++);
    }
  });
}

/** What a worker's handler returns for a task message: the reply's fields and buffers to transfer. */
export interface WorkerAnswer {
  reply: Record<string, unknown>;
  transfer?: Transferable[];
}

/**
 * The worker side of the protocol: calls `handle(message)` for each message; a returned answer is posted
 * as `{ type: "done", task, ...reply }`; a throw is posted as `{ type: "error", message }` (with the stack).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveWorker } from "./worker_pool.ts";
 * // In a worker module: serveWorker(self, handler). Here with a stand-in for the worker's global scope:
 * const posted: Record<string, unknown>[] = [];
 * const scope = { onmessage: null as ((e: MessageEvent) => void) | null, postMessage: (m: Record<string, unknown>) => posted.push(m) };
 * serveWorker(scope as unknown as Parameters<typeof serveWorker>[0], (msg: { type: string; task?: number }) => {
 *   if (msg.type !== "double") throw new Error("no such task");
 *   return { reply: { value: msg.task! * 2 } };
 * });
 * scope.onmessage!(new MessageEvent("message", { data: { type: "double", task: 21 } }));
 * scope.onmessage!(new MessageEvent("message", { data: { type: "halve", task: 1 } }));
 * assert(posted[0].value === 42 && posted[0].task === 21);
 * assert(posted[1].type === "error" && String(posted[1].message).includes("no such task"));
 * ```
 */
export function serveWorker<M extends { type: string; task?: number }>(
  scope: { onmessage: ((e: MessageEvent) => void) | null; postMessage: typeof postMessage },
  handle: (msg: M) => WorkerAnswer | undefined,
): void {
  scope.onmessage = (e: MessageEvent<M>) => {
    try {
      const answer = handle(e.data);
      if (answer) {
        scope.postMessage({ ...answer.reply, type: "done", task: e.data.task }, {
          transfer: answer.transfer ?? [],
        });
      }
    } catch (err) {
      const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
      scope.postMessage({ type: "error", message: `${e.data?.type} message: ${why}` });
    }
  };
}
