/**
 * The notebook renderer of the progress model (lib/util/progress.ts): in a Deno notebook each counted task
 * (training folds, a sweep's trials) is one output updated in place (a display with a `display_id`, updated
 * through `Deno.jupyter.display(..., { update: true })`) when its whole percentage or failure count changes,
 * and at its end if its text changed;
 * stages and messages are plain lines. Outside the kernel it falls back to the terminal renderer. Also the
 * notebooks' two entry points: {@link trainProgress} and {@link notebookSweepProgress}.
 *
 * @module
 */
import { escapeHtml } from "./html_report.ts";
import {
  formatTask,
  fractionDone,
  type ProgressListener,
  type ProgressTask,
  ProgressTracker,
} from "../util/progress.ts";
import { terminalRenderer } from "../util/progress_terminal.ts";
import { trainingFeed } from "../experiments/progress.ts";
import { sweepFeed, type SweepProgressEvent } from "../sweeps/progress.ts";
import type { WalkForwardProgress } from "../validation/walk_forward.ts";

/** The part of `Deno.jupyter.display` the renderer uses. */
export type JupyterDisplay = (
  bundle: Record<string, string>,
  options: { raw: true; display_id: string; update?: boolean },
) => Promise<void>;

/** Where progress goes: a notebook output, a live terminal line, or plain lines (logs). */
export type ProgressMode = "jupyter" | "terminal" | "lines";

/** Options of {@link notebookProgress}. */
export interface NotebookProgressOptions {
  /** @default "jupyter" inside the Deno kernel, "terminal" on a TTY, else "lines" */
  mode?: ProgressMode;
  /** Where text goes (terminal and lines modes; stages and messages in jupyter mode). @default stderr */
  write?: (text: string) => void;
  /** Where notebook outputs go (tests). @default Deno.jupyter.display */
  display?: JupyterDisplay;
  /** Clock in ms. @default performance.now */
  now?: () => number;
}

const _BAR = 30;

/**
 * The HTML of a counted task: a `<progress>` element, the percentage, the counts and the rest of its line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressHtml } from "./progress.ts";
 * const t = { name: "folds", startedMs: 0, done: 1, total: 4, doneAtStart: 0, failed: 0 };
 * assert.equal(progressHtml(t, 0),
 *   '<div class="candlelab-progress"><code>folds</code> <progress value="25" max="100"></progress> 25% (1/4)</div>');
 * ```
 */
export function progressHtml(task: ProgressTask, nowMs: number): string {
  const pct = Math.floor(100 * (fractionDone(task) ?? 0));
  const line = formatTask(task, nowMs, _BAR);
  const rest = line.slice(line.indexOf("] ") + 2).replace(/^\S+/, ""); // after `done/total`
  return `<div class="candlelab-progress"><code>${escapeHtml(task.name)}</code> <progress value="${pct}" ` +
    `max="100"></progress> ${pct}% (${task.done}/${task.total})${escapeHtml(rest)}</div>`;
}

/**
 * A listener that shows each counted task as one notebook output updated in place; stages and messages go
 * to `write` as plain lines. `flush()` waits for the outputs sent so far (and throws the first failure).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressTracker } from "../util/progress.ts";
 * import { notebookRenderer } from "./progress.ts";
 * const sent: { plain: string; update?: boolean }[] = [];
 * const r = notebookRenderer(async (b, o) => void sent.push({ plain: b["text/plain"], update: o.update }));
 * const p = new ProgressTracker([r.listener], () => 0);
 * p.start("folds", { total: 2 });
 * p.step("folds", { done: 1 });
 * p.end("folds");
 * await r.flush();
 * assert.deepEqual(sent.map((s) => s.update), [false, true]); // the end changed nothing shown
 * assert.equal(sent[1].plain, "folds [###############...............] 1/2");
 * ```
 */
export function notebookRenderer(
  display: JupyterDisplay,
  write?: (text: string) => void,
): { listener: ProgressListener; flush: () => Promise<void> } {
  const lines = terminalRenderer({ tty: false, write });
  const ids = new Map<ProgressTask, { id: string; pct: number; failed: number; plain: string }>();
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  const show = (task: ProgressTask, tracker: ProgressTracker, final: boolean) => {
    const pct = Math.floor(100 * (fractionDone(task) ?? 0));
    const plain = formatTask(task, tracker.now(), _BAR);
    let s = ids.get(task);
    const update = s !== undefined;
    if (s && (final ? s.plain === plain : s.pct === pct && s.failed === task.failed)) return;
    s ??= { id: `candlelab-progress-${crypto.randomUUID()}`, pct, failed: task.failed, plain };
    Object.assign(s, { pct, failed: task.failed, plain });
    ids.set(task, s);
    const bundle = { "text/html": progressHtml(task, tracker.now()), "text/plain": plain };
    const id = s.id;
    chain = chain.then(() => display(bundle, { raw: true, display_id: id, update })).catch((err) => {
      failure ??= err;
    });
  };
  const listener: ProgressListener = (event, tracker) => {
    if (
      (event.type === "start" || event.type === "step" || event.type === "end") && event.task.total !== null
    ) {
      show(event.task, tracker, event.type === "end");
      if (event.type === "end") ids.delete(event.task);
      return;
    }
    lines(event, tracker);
  };
  return {
    listener,
    flush: async () => {
      await chain;
      if (failure !== undefined) throw failure;
    },
  };
}

function _jupyterDisplay(): JupyterDisplay | undefined {
  try {
    // Deno.jupyter throws outside `deno jupyter`; the project's type check has no Jupyter types.
    const j = (Deno as unknown as { jupyter?: { display: JupyterDisplay } }).jupyter;
    return j ? j.display.bind(j) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A progress model for notebook code: rendered in the notebook inside the Deno kernel, on the terminal
 * otherwise. Call `flush()` after the work to wait for the last notebook update.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookProgress } from "./progress.ts";
 * let out = "";
 * const { progress, mode } = notebookProgress({ mode: "lines", write: (t) => out += t, now: () => 0 });
 * progress.start("folds", { total: 2 });
 * progress.step("folds", { done: 2 });
 * progress.end("folds");
 * assert.equal(mode, "lines");
 * assert.equal(out, "folds [..............................] 0/2\nfolds [##############################] 2/2\n");
 * ```
 */
export function notebookProgress(
  options: NotebookProgressOptions = {},
): { progress: ProgressTracker; mode: ProgressMode; flush: () => Promise<void> } {
  const display = options.display ??
    (options.mode === undefined || options.mode === "jupyter" ? _jupyterDisplay() : undefined);
  const mode: ProgressMode = options.mode ??
    (display ? "jupyter" : Deno.stderr.isTerminal() ? "terminal" : "lines");
  if (mode === "jupyter") {
    if (!display) {
      throw new Error(
        `Cannot show progress in a notebook: Deno.jupyter is not available here; run in the Deno kernel ` +
          `or pass mode "terminal" or "lines"`,
      );
    }
    const r = notebookRenderer(display, options.write);
    return { progress: new ProgressTracker([r.listener], options.now), mode, flush: r.flush };
  }
  const progress = new ProgressTracker(
    [terminalRenderer({ tty: mode === "terminal", write: options.write })],
    options.now,
  );
  return { progress, mode, flush: () => Promise.resolve() };
}

/**
 * A training progress display for `runExperiment`'s `onTrainProgress`: one step per walk-forward fold plus
 * the final model, the fit in flight (trees, rounds) inside the step. Call `done()` after the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainProgress } from "./progress.ts";
 * const lines: string[] = [];
 * const p = trainProgress({ mode: "lines", write: (t) => lines.push(t) });
 * p.onTrainProgress({ fold: 1, folds: 1, stage: "done" });
 * p.onTrainProgress({ fold: 0, folds: 1, stage: "final", done: 5, total: 5 });
 * await p.done();
 * assert.match(lines.at(-1)!, /^walk-forward folds \+ final model \[#+\] 2\/2\n$/);
 * ```
 */
export function trainProgress(
  options: NotebookProgressOptions & { label?: string } = {},
): { onTrainProgress: (p: WalkForwardProgress) => void; done: () => Promise<void> } {
  const label = options.label ?? "walk-forward folds + final model";
  const { progress, flush } = notebookProgress(options);
  return {
    onTrainProgress: trainingFeed(progress, label),
    done: async () => {
      progress.end(label); // a run whose final model reports no progress stops at its folds
      await flush();
    },
  };
}

/**
 * A `runSweep` `onProgress` for notebooks: one output updated in place (bar, failures, trials/min, ETA);
 * the terminal renderer outside the kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookSweepProgress } from "./progress.ts";
 * const calls: { text: string; update?: boolean }[] = [];
 * const p = notebookSweepProgress("s", async (b, o) => void calls.push({ text: b["text/plain"], update: o.update }));
 * p({ done: 0, total: 2, failed: 0, skipped: 0 });
 * p({ done: 1, total: 2, failed: 1, skipped: 0 });
 * await new Promise((r) => setTimeout(r, 0));
 * assert.equal(calls.length, 2);
 * assert.equal(calls[1].update, true);
 * assert.match(calls[1].text, /^s \[#{15}\.{15}\] 1\/2 · 1 failed/);
 * ```
 */
export function notebookSweepProgress(
  label: string,
  display?: JupyterDisplay,
): (e: SweepProgressEvent) => void {
  return sweepFeed(notebookProgress({ display }).progress, label);
}
