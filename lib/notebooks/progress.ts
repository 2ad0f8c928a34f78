/**
 * Progress display for long loops: updates in place in a Deno notebook (a display with a `display_id`,
 * updated through `Deno.jupyter.display(..., { update: true })`), a `\r` bar on a terminal, and a compact
 * line every 10 % elsewhere (logs, CI).
 *
 * @module
 */
import { escapeHtml } from "./html_report.ts";

/** Where progress goes. */
export type ProgressMode = "jupyter" | "terminal" | "lines";

/** A progress handle: call `tick()` per step, `done()` at the end. */
export interface NotebookProgress {
  readonly mode: ProgressMode;
  tick(steps?: number): Promise<void>;
  done(): Promise<void>;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Text before the bar. @default "progress" */
  label?: string;
  /** Force a mode. @default "jupyter" inside the Deno kernel, "terminal" on a TTY, else "lines" */
  mode?: ProgressMode;
  /** Where terminal/lines text goes. @default stderr */
  write?: (text: string) => void;
  /** Where Jupyter displays go (for tests). @default Deno.jupyter.display */
  display?: (
    bundle: Record<string, string>,
    options: { raw: true; display_id: string; update?: boolean },
  ) => Promise<void>;
}

/**
 * A text bar `label [#####.....] 50% 5/10`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatProgressBar } from "./progress.ts";
 * assert(formatProgressBar("fit", 5, 10, 10) === "fit [#####.....]  50% 5/10");
 * ```
 */
export function formatProgressBar(label: string, done: number, total: number, width = 30): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(frac * width);
  const pct = String(Math.floor(frac * 100)).padStart(3);
  return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct}% ${done}/${total}`;
}

/**
 * The HTML of the notebook progress bar (a `<progress>` element and the counts).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { progressHtml } from "./progress.ts";
 * assert(progressHtml("fit", 1, 4).includes('value="1" max="4"'));
 * ```
 */
export function progressHtml(label: string, done: number, total: number): string {
  const pct = total > 0 ? Math.floor((100 * Math.min(done, total)) / total) : 100;
  return `<div class="candlelab-progress"><code>${
    escapeHtml(label)
  }</code> <progress value="${done}" max="${total}"></progress> ${pct}% (${done}/${total})</div>`;
}

function _jupyter(): { display: NonNullable<ProgressOptions["display"]> } | undefined {
  try {
    // Deno.jupyter throws outside `deno jupyter`; the project's type check has no Jupyter types.
    return (Deno as unknown as { jupyter?: { display: NonNullable<ProgressOptions["display"]> } }).jupyter;
  } catch {
    return undefined;
  }
}

/**
 * Creates a progress display for `total` steps. Output is emitted only when the whole percentage changes,
 * so a million ticks cost a hundred updates.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createProgress } from "./progress.ts";
 * const lines: string[] = [];
 * const p = createProgress(4, { label: "folds", mode: "lines", write: (t) => lines.push(t) });
 * for (let i = 0; i < 4; i++) await p.tick();
 * await p.done();
 * assert(lines.at(-1)!.includes("100% 4/4"));
 * ```
 */
export function createProgress(total: number, options: ProgressOptions = {}): NotebookProgress {
  const label = options.label ?? "progress";
  const jupyter = options.display ? { display: options.display } : _jupyter();
  const mode: ProgressMode = options.mode ??
    (jupyter ? "jupyter" : Deno.stderr.isTerminal() ? "terminal" : "lines");
  const write = options.write ?? ((t: string) => Deno.stderr.writeSync(new TextEncoder().encode(t)));
  const displayId = `candlelab-progress-${crypto.randomUUID()}`;
  let done = 0;
  let lastPct = -1;
  let lastDecile = -1;
  let shown = false;
  let finished = false;
  const emit = async (final: boolean): Promise<void> => {
    const pct = total > 0 ? Math.floor((100 * Math.min(done, total)) / total) : 100;
    if (!final && pct === lastPct) return;
    lastPct = pct;
    if (mode === "jupyter" && jupyter) {
      await jupyter.display({
        "text/html": progressHtml(label, done, total),
        "text/plain": formatProgressBar(label, done, total),
      }, {
        raw: true,
        display_id: displayId,
        update: shown,
      });
      shown = true;
    } else if (mode === "terminal") {
      write(`\r${formatProgressBar(label, done, total)}${final ? "\n" : ""}`);
    } else {
      const decile = Math.floor(pct / 10);
      if (final || decile !== lastDecile) write(formatProgressBar(label, done, total, 20) + "\n");
      lastDecile = decile;
    }
  };
  return {
    mode,
    async tick(steps = 1) {
      done += steps;
      await emit(false);
    },
    async done() {
      if (finished) return;
      finished = true;
      await emit(true);
    },
  };
}
