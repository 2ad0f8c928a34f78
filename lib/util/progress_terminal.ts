/**
 * The terminal renderer of the progress model (lib/util/progress.ts). On a TTY: one live line with every
 * running task (`▸ walkforward 2.0 s › training [###...] 2/5 · fold 3 80/200 · ETA 0m04s`), redrawn in place
 * with `\r` and fitted to the terminal's width (narrower bars, then cut); finished stages and counted tasks, and messages, are printed
 * above it. Otherwise (CI logs, pipes): plain lines — a stage's start and end, a counted task's line when
 * its whole percentage or failure count changes, and messages.
 *
 * @module
 */
import { formatTask, type ProgressListener, type ProgressTask, ProgressTracker } from "./progress.ts";

/** Options of {@link terminalRenderer} and {@link createTerminalProgress}. */
export interface TerminalProgressOptions {
  /** Where text goes. @default stderr */
  write?: (text: string) => void;
  /** Live line (true) or plain lines (false). @default whether stderr is a terminal */
  tty?: boolean;
  /** Redraw period of the live line in ms (elapsed times, ETA). @default 200 */
  refreshMs?: number;
  /** Width the live line is cut to. @default the console's columns, else 80 */
  columns?: () => number;
  /** Width of a counted task's bar. @default 30 */
  barWidth?: number;
}

function _stderrWrite(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
}

function _consoleColumns(): number {
  try {
    const c = Deno.consoleSize().columns;
    return c > 0 ? c : 80;
  } catch {
    return 80;
  }
}

function _mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}

/** Cuts `text` to `columns - 1` characters (a line as wide as the terminal wraps and breaks `\r`). */
function _fit(text: string, columns: number): string {
  const chars = [...text];
  const max = Math.max(10, columns - 1);
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}

/**
 * A listener that renders progress on a terminal (live line on a TTY, plain lines otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressTracker } from "./progress.ts";
 * import { terminalRenderer } from "./progress_terminal.ts";
 * let out = "";
 * const p = new ProgressTracker([terminalRenderer({ tty: false, write: (t) => out += t })], () => 0);
 * p.start("features");
 * p.end("features", { ok: true, seconds: 1.5, peakRssBytes: 200 * 1048576 });
 * assert.equal(out, "stage features started\nstage features ok in 1.50 s, peak RSS 200 MB\n");
 * ```
 */
export function terminalRenderer(options: TerminalProgressOptions = {}): ProgressListener {
  const write = options.write ?? _stderrWrite;
  const tty = options.tty ?? Deno.stderr.isTerminal();
  const refreshMs = options.refreshMs ?? 200;
  const columns = options.columns ?? _consoleColumns;
  const width = options.barWidth ?? 30;
  let timer: ReturnType<typeof setInterval> | undefined;
  let live = ""; // the live line on screen ("" = none)
  let drawnAt = -Infinity;
  let liveBar = width; // bar width on the live line
  // per counted task: what was last shown (plain lines: whole percentage; live line: whole steps) and failures
  const shown = new Map<ProgressTask, { mark: number; failed: number }>();

  const draw = (tracker: ProgressTracker) => {
    const t = tracker.now();
    const tasks = tracker.running();
    const compose = (w: number) => `▸ ${tasks.map((task) => formatTask(task, t, w)).join(" › ")}`;
    const cols = columns();
    const bars = tasks.filter((task) => task.total !== null).length;
    if (bars === 0) liveBar = width;
    let text = tasks.length ? compose(liveBar) : "";
    // too wide: narrower bars (down to 8; they stay narrow while counted tasks run, so the line keeps still)
    const over = [...text].length - (cols - 1);
    if (over > 0 && bars > 0 && liveBar > 8) {
      text = compose(liveBar = Math.max(8, liveBar - Math.ceil(over / bars)));
    }
    text = _fit(text, cols); // then cut
    if (text !== live) write(`\r\x1b[2K${text}`);
    live = text;
    drawnAt = t;
  };
  const above = (line: string, tracker: ProgressTracker) => {
    write(`\r\x1b[2K${line}\n`);
    live = "";
    draw(tracker);
  };
  const stopTimer = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  /** Whether `task` moved past what was last shown of it (and notes it as shown). */
  const moved = (task: ProgressTask, mark: number) => {
    const prev = shown.get(task);
    if (prev && prev.mark === mark && prev.failed === task.failed) return false;
    shown.set(task, { mark, failed: task.failed });
    return true;
  };
  const wholePct = (task: ProgressTask) => {
    const total = task.total ?? 0;
    return total > 0 ? Math.floor((100 * Math.min(task.done, total)) / total) : 100;
  };
  const stageEnd = (task: ProgressTask, r: { ok: boolean; seconds: number; peakRssBytes?: number }) => {
    const rss = r.peakRssBytes !== undefined ? `, peak RSS ${_mb(r.peakRssBytes)}` : "";
    return `stage ${task.name} ${r.ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(2)} s${rss}`;
  };

  return (event, tracker) => {
    switch (event.type) {
      case "start":
      case "step": {
        const task = event.task;
        if (!tty) {
          if (task.total !== null) {
            if (moved(task, wholePct(task))) write(formatTask(task, tracker.now(), width) + "\n");
          } else if (event.type === "start") write(`stage ${task.name} started\n`);
          return;
        }
        // a whole step redraws at once; progress within a step (trees) at most every quarter refresh
        if (!moved(task, task.done) && tracker.now() - drawnAt < refreshMs / 4) return;
        draw(tracker);
        if (timer === undefined) {
          const id = setInterval(() => draw(tracker), refreshMs);
          Deno.unrefTimer(id); // a display never keeps the process alive
          timer = id;
        }
        return;
      }
      case "end": {
        const { task, result } = event;
        if (task.total === null) {
          if (tty) above(`${result.ok ? "✓" : "✗"} ${stageEnd(task, result)}`, tracker);
          else write(stageEnd(task, result) + "\n");
        } else if (tty) {
          above(formatTask(task, tracker.now(), width) + (result.ok ? "" : " · FAILED"), tracker);
        } else if (moved(task, wholePct(task))) {
          write(formatTask(task, tracker.now(), width) + "\n");
        }
        shown.delete(task);
        if (tracker.running().length === 0) stopTimer();
        return;
      }
      case "message":
        if (tty) above(event.text, tracker);
        else write(event.text + "\n");
        return;
      case "close":
        stopTimer();
        shown.clear();
        if (tty && live) write("\r\x1b[2K");
        live = "";
        return;
    }
  };
}

/**
 * A progress model rendered on the terminal (stderr by default).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTerminalProgress } from "./progress_terminal.ts";
 * let out = "";
 * const p = createTerminalProgress({ tty: false, write: (t) => out += t, now: () => 0 });
 * p.start("trials", { total: 2 });
 * p.step("trials", { done: 1 });
 * p.end("trials");
 * assert.equal(out.split("\n")[1], "trials [###############...............] 1/2");
 * ```
 */
export function createTerminalProgress(
  options: TerminalProgressOptions & { now?: () => number } = {},
): ProgressTracker {
  return new ProgressTracker([terminalRenderer(options)], options.now);
}
