/**
 * Sweep progress on the one progress model (lib/util/progress.ts): `runSweep` reports trial counts, and
 * {@link sweepFeed} makes them a counted task (trials done of total, failures, trials/min and ETA counting
 * only the trials run in this session). The terminal shows it with {@link terminalSweepProgress}; notebooks
 * with `notebookSweepProgress` (lib/notebooks/progress.ts).
 *
 * @module
 */
import type { Progress } from "../util/progress.ts";
import { createTerminalProgress, type TerminalProgressOptions } from "../util/progress_terminal.ts";

/** One sweep progress report: trials done (recorded, skipped included) of total. */
export interface SweepProgressEvent {
  done: number;
  total: number;
  failed: number;
  /** Trials that already had an ok run before this session (not counted in the rate). */
  skipped: number;
}

/**
 * A `runSweep` `onProgress` that feeds `progress` a counted task `label` in `trials`; it ends when every
 * trial is done (the display's `close()` clears it if the sweep stops before).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressTracker } from "../util/progress.ts";
 * import { sweepFeed } from "./progress.ts";
 * const p = new ProgressTracker();
 * const feed = sweepFeed(p, "s");
 * feed({ done: 2, total: 3, failed: 0, skipped: 2 });
 * assert.equal(p.running()[0].doneAtStart, 2);
 * feed({ done: 3, total: 3, failed: 1, skipped: 2 });
 * assert.equal(p.running().length, 0);
 * ```
 */
export function sweepFeed(progress: Progress, label: string): (e: SweepProgressEvent) => void {
  let started = false;
  return (e) => {
    if (!started) {
      progress.start(label, { total: e.total, done: e.skipped, unit: "trials" });
      started = true;
    }
    progress.step(label, { done: e.done, total: e.total, failed: e.failed });
    if (e.done >= e.total) progress.end(label); // failures are in the line already
  };
}

/**
 * Sweep progress on the terminal (stderr): a live line on a TTY, a plain line per trial otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalSweepProgress } from "./progress.ts";
 * let out = "", ms = 0;
 * const p = terminalSweepProgress("s", { tty: false, write: (t) => out += t, now: () => ms });
 * p({ done: 0, total: 2, failed: 0, skipped: 0 });
 * ms = 30_000;
 * p({ done: 1, total: 2, failed: 1, skipped: 0 });
 * assert.equal(out.split("\n")[1], "s [###############...............] 1/2 · 1 failed · 2.0 trials/min · ETA 0m30s");
 * ```
 */
export function terminalSweepProgress(
  label: string,
  options: TerminalProgressOptions & { now?: () => number } = {},
): (e: SweepProgressEvent) => void {
  return sweepFeed(createTerminalProgress(options), label);
}
