/**
 * A terminal progress bar for `fit(..., { onProgress })`: drawn on stderr when it is a TTY, silent
 * otherwise (CI logs, notebooks; notebooks pass their own callback).
 *
 * @module
 */
import type { ProgressCallback } from "./estimator.ts";

/**
 * Returns a callback that redraws `label [#####.....] done/total` on stderr (TTY only).
 *
 * @example
 * ```ts
 * import { terminalProgress } from "./progress.ts";
 * const onProgress = terminalProgress("forest", { isTerminal: false });
 * onProgress(1, 10); // prints nothing when stderr is not a terminal
 * ```
 */
export function terminalProgress(
  label: string,
  opts: { isTerminal?: boolean; width?: number } = {},
): ProgressCallback {
  const tty = opts.isTerminal ?? Deno.stderr.isTerminal();
  if (!tty) return () => {};
  const width = opts.width ?? 30;
  const enc = new TextEncoder();
  return (done, total) => {
    Deno.stderr.writeSync(
      enc.encode(formatProgress(label, done, total, width) + (done >= total ? "\n" : "")),
    );
  };
}

/**
 * The text of one progress line (starts with a carriage return so it overwrites the previous one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 * assert(formatProgress("rf", 5, 10, 10) === "\r rf [#####.....] 5/10");
 * ```
 */
export function formatProgress(label: string, done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : width;
  return `\r ${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}
