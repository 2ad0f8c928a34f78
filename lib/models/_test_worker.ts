/**
 * A tiny worker for the pool's tests and examples only: `square` tasks answer `task ** 2`, `fail` tasks
 * throw inside the handler, `crash` throws outside any handler (an uncaught worker error).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { serveWorker } from "./worker_pool.ts";

type _Msg = { type: "square" | "fail" | "crash"; task?: number };

serveWorker<_Msg>(self as unknown as Parameters<typeof serveWorker>[0], (msg) => {
  if (msg.type === "square") return { reply: { value: msg.task! ** 2 } };
  if (msg.type === "fail") throw new Error(`task ${msg.task} failed on purpose`);
  if (msg.type === "crash") {
    setTimeout(() => {
      throw new Error("crashed outside a message handler");
    });
    return undefined;
  }
  throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
});
