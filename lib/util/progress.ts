/**
 * The one progress model: work reports to a {@link Progress} (a {@link ProgressTracker}), which keeps the
 * running tasks and tells its listeners; renderers are listeners (lib/util/progress_terminal.ts for the
 * terminal, lib/notebooks/progress.ts for Deno notebooks). A task without a total is a stage (timed: a run's
 * "features"); a task with a total is counted (a sweep's trials, training folds), with an optional step in
 * flight (`inner`: the trees of the current fold) that counts as a fraction of one step.
 *
 * @module
 */

/** The step in flight of a counted task, e.g. `fold 3` at 80 of 200 trees (total unknown: label only). */
export interface InnerStep {
  label: string;
  done?: number;
  total?: number;
}

/** One running task, as listeners see it. */
export interface ProgressTask {
  readonly name: string;
  /** Start time on the tracker's clock (ms). */
  readonly startedMs: number;
  /** Steps done; `total` null for a stage (timed, not counted). */
  done: number;
  total: number | null;
  /** Steps already done when the task started (a resumed sweep's recorded trials): not in the rate. */
  readonly doneAtStart: number;
  failed: number;
  /** Name of one step for the rate (`trials`: "4.0 trials/min"); no rate is shown without it. */
  readonly unit?: string;
  inner?: InnerStep;
}

/** How a task ended (`seconds` defaults to its time on the tracker's clock). */
export interface TaskResult {
  ok: boolean;
  seconds: number;
  /** A run stage's peak resident memory. */
  peakRssBytes?: number;
}

/** What a listener is told; `task` is the live object (read it, do not keep it). */
export type ProgressEvent =
  | { type: "start"; task: ProgressTask }
  | { type: "step"; task: ProgressTask }
  | { type: "end"; task: ProgressTask; result: TaskResult }
  | { type: "message"; text: string }
  | { type: "close" };

/** A renderer: called after each change, with the tracker (its clock and running tasks). */
export type ProgressListener = (event: ProgressEvent, tracker: ProgressTracker) => void;

/** What code doing work reports to. */
export interface Progress {
  /** Starts a task; with `total` it is counted (`done` = steps already done, default 0). */
  start(name: string, options?: { total?: number; done?: number; unit?: string }): void;
  /** Updates a running task (a name that is not running is ignored). `inner: null` clears the step. */
  step(
    name: string,
    update: { done?: number; total?: number; failed?: number; inner?: InnerStep | null },
  ): void;
  /** Ends a task, and every task started after it that is still running (its sub-tasks). */
  end(name: string, result?: Partial<TaskResult>): void;
  /** A line of text between the progress (a warning, the run's last word). */
  message(text: string): void;
  /** Ends the display: renderers stop their timers and clear their live line. */
  close(): void;
}

/** A display that shows nothing (tests, child processes). */
export const silentProgress: Progress = {
  start() {},
  step() {},
  end() {},
  message() {},
  close() {},
};

/**
 * The progress model: running tasks in start order, and listeners told of each change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressTracker } from "./progress.ts";
 * const seen: string[] = [];
 * const p = new ProgressTracker([(e) => void seen.push(e.type)], () => 0);
 * p.start("trials", { total: 4 });
 * p.step("trials", { done: 1 });
 * p.end("trials");
 * assert.deepEqual(seen, ["start", "step", "end"]);
 * assert.equal(p.running().length, 0);
 * ```
 */
export class ProgressTracker implements Progress {
  readonly now: () => number;
  #tasks: ProgressTask[] = [];
  #listeners: ProgressListener[];

  constructor(listeners: ProgressListener[] = [], now: () => number = () => performance.now()) {
    this.#listeners = [...listeners];
    this.now = now;
  }

  /** Adds a listener (told of later changes only). */
  listen(listener: ProgressListener): void {
    this.#listeners.push(listener);
  }

  /** The running tasks, oldest first. */
  running(): readonly ProgressTask[] {
    return this.#tasks;
  }

  start(name: string, options: { total?: number; done?: number; unit?: string } = {}): void {
    const total = options.total ?? null;
    if (total !== null && !(Number.isFinite(total) && total >= 0)) {
      throw new RangeError(`Cannot start progress task "${name}": total must be a count >= 0, got ${total}`);
    }
    const done = options.done ?? 0;
    const task: ProgressTask = {
      name,
      startedMs: this.now(),
      done,
      total,
      doneAtStart: done,
      failed: 0,
      unit: options.unit,
    };
    this.#tasks = this.#tasks.filter((t) => t.name !== name);
    this.#tasks.push(task);
    this.#emit({ type: "start", task });
  }

  step(
    name: string,
    update: { done?: number; total?: number; failed?: number; inner?: InnerStep | null },
  ): void {
    const task = this.#tasks.find((t) => t.name === name);
    if (!task) return;
    if (update.done !== undefined) task.done = update.done;
    if (update.total !== undefined) task.total = update.total;
    if (update.failed !== undefined) task.failed = update.failed;
    if (update.inner === null) task.inner = undefined;
    else if (update.inner !== undefined) task.inner = update.inner;
    this.#emit({ type: "step", task });
  }

  end(name: string, result: Partial<TaskResult> = {}): void {
    const i = this.#tasks.findIndex((t) => t.name === name);
    if (i < 0) return;
    const ended = this.#tasks.slice(i).reverse(); // sub-tasks first
    this.#tasks = this.#tasks.slice(0, i);
    for (const task of ended) {
      task.inner = undefined;
      const own = task === ended.at(-1);
      this.#emit({
        type: "end",
        task,
        result: {
          ok: result.ok ?? true,
          seconds: own && result.seconds !== undefined
            ? result.seconds
            : (this.now() - task.startedMs) / 1000,
          peakRssBytes: own ? result.peakRssBytes : undefined,
        },
      });
    }
  }

  message(text: string): void {
    this.#emit({ type: "message", text });
  }

  close(): void {
    this.#tasks = [];
    this.#emit({ type: "close" });
  }

  #emit(event: ProgressEvent): void {
    for (const l of this.#listeners) l(event, this);
  }
}

/**
 * Share of a counted task done, in [0, 1], counting the step in flight as a fraction; null for a stage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fractionDone, type ProgressTask } from "./progress.ts";
 * const t: ProgressTask = { name: "f", startedMs: 0, done: 1, total: 4, doneAtStart: 0, failed: 0,
 *   inner: { label: "fold 2", done: 50, total: 100 } };
 * assert.equal(fractionDone(t), 0.375);
 * ```
 */
export function fractionDone(task: ProgressTask): number | null {
  if (task.total === null) return null;
  if (task.total <= 0) return 1;
  const i = task.inner;
  const part = i && i.total && i.done !== undefined ? Math.min(1, Math.max(0, i.done / i.total)) : 0;
  return Math.min(1, Math.max(0, (task.done + (task.done < task.total ? part : 0)) / task.total));
}

/**
 * Steps finished per minute since the task started (steps done before it started do not count); null
 * before the first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perMinute } from "./progress.ts";
 * const t = { name: "s", startedMs: 0, done: 6, total: 10, doneAtStart: 2, failed: 0 };
 * assert.equal(perMinute(t, 60_000), 4);
 * ```
 */
export function perMinute(task: ProgressTask, nowMs: number): number | null {
  const ran = task.done - task.doneAtStart;
  const s = (nowMs - task.startedMs) / 1000;
  return ran > 0 && s > 0 ? (ran / s) * 60 : null;
}

/**
 * Seconds left at the rate since the task started (the step in flight counts); null for a stage, a
 * finished task, or before any progress.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { etaSeconds } from "./progress.ts";
 * const t = { name: "s", startedMs: 0, done: 6, total: 10, doneAtStart: 2, failed: 0 };
 * assert.equal(etaSeconds(t, 60_000), 60);
 * ```
 */
export function etaSeconds(task: ProgressTask, nowMs: number): number | null {
  const f = fractionDone(task);
  if (f === null || f >= 1 || task.total === null || task.total <= 0) return null;
  const at = f * task.total; // steps, the one in flight as a fraction
  const gained = at - task.doneAtStart;
  const s = (nowMs - task.startedMs) / 1000;
  return gained > 0 && s > 0 ? ((task.total - at) * s) / gained : null;
}

/**
 * A duration as `1m05s` (or `2h03m` from an hour).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./progress.ts";
 * assert.equal(formatDuration(65), "1m05s");
 * assert.equal(formatDuration(7380), "2h03m");
 * ```
 */
export function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h${pad(m)}m` : `${m}m${pad(sec)}s`;
}

/**
 * One task as text: a stage is `name 1.5 s` (time so far); a counted task is
 * `name [#####.....] 6/10 · fold 7 80/200 · 1 failed · 4.0 trials/min · ETA 1m00s` (the parts it has).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTask } from "./progress.ts";
 * const t = { name: "s", startedMs: 0, done: 6, total: 10, doneAtStart: 2, failed: 1, unit: "trials" };
 * assert.equal(formatTask(t, 60_000, 10), "s [######....] 6/10 · 1 failed · 4.0 trials/min · ETA 1m00s");
 * assert.equal(formatTask({ ...t, total: null }, 1500), "s 1.5 s");
 * ```
 */
export function formatTask(task: ProgressTask, nowMs: number, width = 30): string {
  const f = fractionDone(task);
  if (f === null || task.total === null) {
    return `${task.name} ${((nowMs - task.startedMs) / 1000).toFixed(1)} s`;
  }
  const filled = Math.round(f * width);
  const parts = [
    `${task.name} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${task.done}/${task.total}`,
  ];
  const i = task.inner;
  if (i) parts.push(i.total ? `${i.label} ${i.done ?? 0}/${i.total}` : i.label);
  if (task.failed > 0) parts.push(`${task.failed} failed`);
  const rate = task.unit ? perMinute(task, nowMs) : null;
  if (rate !== null) parts.push(`${rate.toFixed(1)} ${task.unit}/min`);
  const eta = etaSeconds(task, nowMs);
  if (eta !== null) parts.push(`ETA ${formatDuration(eta)}`);
  return parts.join(" · ");
}
