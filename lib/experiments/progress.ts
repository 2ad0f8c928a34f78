/**
 * Terminal progress for runs: on a TTY, one live line with the running stages and their elapsed
 * time, rewritten in place; otherwise plain lines at each stage's start and end (good for CI logs).
 *
 * @module
 */

/** What a run reports to its progress display. */
export interface Progress {
  stageStart(name: string): void;
  stageEnd(name: string, result: { ok: boolean; seconds: number; peakRssBytes: number }): void;
  message(text: string): void;
  close(): void;
}

/** A display that shows nothing (tests, notebooks). */
export const silentProgress: Progress = {
  stageStart() {},
  stageEnd() {},
  message() {},
  close() {},
};

/** Options of `createProgress`. */
export interface ProgressOptions {
  /** Where text goes; default stderr. */
  write?: (text: string) => void;
  /** Live line (true) or plain lines (false); default: whether stderr is a terminal. */
  tty?: boolean;
  /** Refresh period of the live line in ms; default 200. */
  refreshMs?: number;
  /** Clock in ms; default `performance.now`. */
  now?: () => number;
}

function _mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}

function _stderrWrite(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
}

/**
 * A progress display for one run.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createProgress } from "./progress.ts";
 * let out = "";
 * const p = createProgress({ write: (t) => out += t, tty: false });
 * p.stageStart("features");
 * p.stageEnd("features", { ok: true, seconds: 1.5, peakRssBytes: 200 * 1048576 });
 * p.close();
 * assert(out.includes("features ok in 1.50 s, peak RSS 200 MB"));
 * ```
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const write = options.write ?? _stderrWrite;
  const tty = options.tty ?? Deno.stderr.isTerminal();
  const refreshMs = options.refreshMs ?? 200;
  const now = options.now ?? (() => performance.now());
  const running = new Map<string, number>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const render = () => {
    const t = now();
    const parts = [...running].map(([n, t0]) => `${n} ${((t - t0) / 1000).toFixed(1)} s`);
    write(`\r\x1b[2K▸ ${parts.join(" › ")}`);
  };
  const stopTimer = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    stageStart(name) {
      running.set(name, now());
      if (tty) {
        render();
        if (timer === undefined) timer = setInterval(render, refreshMs);
      } else {
        write(`stage ${name} started\n`);
      }
    },
    stageEnd(name, { ok, seconds, peakRssBytes }) {
      running.delete(name);
      const line = `stage ${name} ${ok ? "ok" : "FAILED"} in ${seconds.toFixed(2)} s, peak RSS ${
        _mb(peakRssBytes)
      }`;
      if (tty) {
        write(`\r\x1b[2K${ok ? "✓" : "✗"} ${line}\n`);
        if (running.size === 0) stopTimer();
        else render();
      } else {
        write(line + "\n");
      }
    },
    message(text) {
      write(tty ? `\r\x1b[2K${text}\n` : text + "\n");
      if (tty && running.size > 0) render();
    },
    close() {
      stopTimer();
      running.clear();
    },
  };
}
