/**
 * Sweep progress: trials done out of total, rate and ETA; a live line on a terminal, plain lines otherwise,
 * and the same numbers to a callback (notebooks show them in a display that updates in place).
 *
 * @module
 */

/** One progress update. */
export interface SweepProgressEvent {
  done: number;
  total: number;
  failed: number;
  /** Trials finished in this session per minute (null before the first). */
  perMinute: number | null;
  /** Seconds left at the current rate (null before the first trial finishes). */
  etaSeconds: number | null;
}

/**
 * Computes a progress event from counts and elapsed seconds (`skipped` trials were done before this session
 * and do not count towards the rate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressEvent } from "./progress.ts";
 * const e = progressEvent({ done: 6, total: 10, failed: 0, skipped: 2, elapsedSeconds: 60 });
 * assert.equal(e.perMinute, 4);
 * assert.equal(e.etaSeconds, 60);
 * ```
 */
export function progressEvent(
  s: { done: number; total: number; failed: number; skipped: number; elapsedSeconds: number },
): SweepProgressEvent {
  const ran = s.done - s.skipped;
  const perMinute = ran > 0 && s.elapsedSeconds > 0 ? (ran / s.elapsedSeconds) * 60 : null;
  const etaSeconds = perMinute ? ((s.total - s.done) / perMinute) * 60 : null;
  return { done: s.done, total: s.total, failed: s.failed, perMinute, etaSeconds };
}

/**
 * The text of a progress line: `label [#####.....] 6/10 · 1 failed · 4.0 trials/min · ETA 1m00s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSweepProgress } from "./progress.ts";
 * const t = formatSweepProgress("s", { done: 6, total: 10, failed: 1, perMinute: 4, etaSeconds: 60 }, 10);
 * assert.equal(t, "s [######....] 6/10 · 1 failed · 4.0 trials/min · ETA 1m00s");
 * ```
 */
export function formatSweepProgress(label: string, e: SweepProgressEvent, width = 30): string {
  const filled = e.total > 0 ? Math.round((Math.min(e.done, e.total) / e.total) * width) : width;
  const parts = [`${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${e.done}/${e.total}`];
  if (e.failed > 0) parts.push(`${e.failed} failed`);
  if (e.perMinute !== null) parts.push(`${e.perMinute.toFixed(1)} trials/min`);
  if (e.etaSeconds !== null) parts.push(`ETA ${_duration(e.etaSeconds)}`);
  return parts.join(" · ");
}

/**
 * A progress sink for the terminal: a live line on stderr when it is a TTY, a plain line per update otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalSweepProgress } from "./progress.ts";
 * let out = "";
 * const p = terminalSweepProgress("s", { tty: false, write: (t) => out += t });
 * p({ done: 1, total: 2, failed: 0, perMinute: null, etaSeconds: null });
 * assert.equal(out, "s [###############...............] 1/2\n");
 * ```
 */
export function terminalSweepProgress(
  label: string,
  opts: { tty?: boolean; write?: (text: string) => void } = {},
): (e: SweepProgressEvent) => void {
  const tty = opts.tty ?? Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  const write = opts.write ?? ((t: string) => {
    const b = enc.encode(t);
    let off = 0;
    while (off < b.length) off += Deno.stderr.writeSync(b.subarray(off));
  });
  return (e) => {
    const line = formatSweepProgress(label, e);
    if (tty) write(`\r\x1b[2K${line}${e.done >= e.total ? "\n" : ""}`);
    else write(line + "\n");
  };
}

function _duration(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h${pad(m)}m` : `${m}m${pad(sec)}s`;
}

/** The part of `Deno.jupyter` a notebook progress display uses. */
type _Display = (
  bundle: Record<string, string>,
  options: { raw: true; display_id: string; update?: boolean },
) => Promise<void>;

/**
 * A progress sink for Deno notebooks: one output that is updated in place (bar, rate and ETA); falls back
 * to {@link terminalSweepProgress} outside the kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookSweepProgress } from "./progress.ts";
 * const calls: { text: string; update?: boolean }[] = [];
 * const p = notebookSweepProgress("s", async (b, o) => void calls.push({ text: b["text/plain"], update: o.update }));
 * p({ done: 0, total: 2, failed: 0, perMinute: null, etaSeconds: null });
 * p({ done: 1, total: 2, failed: 0, perMinute: 2, etaSeconds: 30 });
 * await new Promise((r) => setTimeout(r, 0));
 * assert.equal(calls.length, 2);
 * assert.equal(calls[1].update, true);
 * assert.match(calls[1].text, /ETA 0m30s/);
 * ```
 */
export function notebookSweepProgress(label: string, display?: _Display): (e: SweepProgressEvent) => void {
  let show = display;
  if (!show) {
    try {
      const j = (Deno as unknown as { jupyter?: { display: _Display } }).jupyter;
      show = j ? j.display.bind(j) : undefined;
    } catch {
      show = undefined;
    }
  }
  if (!show) return terminalSweepProgress(label);
  const id = `candlelab-sweep-${crypto.randomUUID()}`;
  let first = true;
  let chain = Promise.resolve();
  return (e) => {
    const text = formatSweepProgress(label, e);
    const update = !first;
    first = false;
    chain = chain.then(() => show({ "text/plain": text }, { raw: true, display_id: id, update })).catch(
      () => {},
    );
  };
}
