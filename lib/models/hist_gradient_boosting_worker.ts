/**
 * Worker of the histogram gradient boosting, kept alive by a `WorkerPool` across fits. A `fit` task makes
 * it thread `task` of the job's round loop (`boosting_engine.ts`); the job's buffers are views of
 * SharedArrayBuffers and the threads meet at a barrier on shared memory. Thread 0 answers with the trees and
 * posts `{ type: "progress", done }` after each round; the others answer with nothing. A failing thread
 * marks the job failed so the others stop at their next barrier instead of waiting forever.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { abortJob, type BoostingJob, runBoosting } from "./boosting_engine.ts";
import { treeBuffers } from "./tree.ts";
import { compileKernels } from "./hist_kernels.ts";
import { serveWorker, type WorkerAnswer } from "./worker_pool.ts";

/** Messages the worker accepts (answered with `{ type: "done", task, ... }`). */
export type BoostingWorkerRequest = { type: "fit"; task: number; job: BoostingJob; progress: boolean };

function _handle(msg: BoostingWorkerRequest): WorkerAnswer | undefined {
  if (msg.type !== "fit") {
    throw new Error(`unknown message type ${JSON.stringify((msg as { type?: unknown }).type)}`);
  }
  const { job, task } = msg;
  try {
    const onRound = msg.progress ? (done: number) => self.postMessage({ type: "progress", done }) : undefined;
    const out = runBoosting(job, task, onRound);
    if (task !== 0) return { reply: {} };
    return {
      reply: { ...out },
      transfer: [...out.trees.flatMap(treeBuffers), out.gain.buffer as ArrayBuffer],
    };
  } catch (err) {
    abortJob(job.sync);
    throw err;
  }
}

compileKernels();
serveWorker(self as unknown as Parameters<typeof serveWorker>[0], _handle);
