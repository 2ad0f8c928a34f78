/**
 * Parameter sweeps (issue #14, ADR-031): sweep files, trial plans, the local pool and the BullMQ queue
 * (load the queue side with `loadQueue()`), recording by the one writer, and the overfitting statistics.
 *
 * @module
 */
export * from "./config.ts";
export * from "./space.ts";
export * from "./plan.ts";
export * from "./trial.ts";
export * from "./memo.ts";
export * from "./pool.ts";
export * from "./record.ts";
export * from "./run.ts";
export * from "./progress.ts";
export * from "./pbo.ts";
export * from "./walk_forward.ts";
export * from "./report.ts";
export * from "./load_queue.ts";
