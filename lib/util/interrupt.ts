/**
 * Ctrl-C (SIGINT) and SIGTERM while long work runs: a synchronous last word (mark a run record as
 * interrupted) and then exit with the conventional status 128 + signal number. A hard kill (SIGKILL) cannot
 * be caught; readers of run records must still treat a stale "running" as unfinished.
 *
 * @module
 */

const _SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** A signal {@link whileInterruptible} handles. */
export type InterruptSignal = keyof typeof _SIGNALS;

/**
 * Runs `fn`; if SIGINT or SIGTERM arrives before it settles, calls `onSignal(signal)` (synchronously; its
 * errors are reported on stderr) and exits the process with 128 + the signal number. The listeners are
 * removed when `fn` settles.
 *
 * @example
 * ```ts
 * import { whileInterruptible } from "./interrupt.ts";
 * const v = await whileInterruptible(() => {}, () => Promise.resolve(42));
 * console.assert(v === 42);
 * ```
 */
export async function whileInterruptible<T>(
  onSignal: (signal: InterruptSignal) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const listeners = (Object.keys(_SIGNALS) as InterruptSignal[]).map((sig) => {
    const listener = () => {
      try {
        onSignal(sig);
      } catch (err) {
        console.error(`while handling ${sig}: ${(err as Error).message}`);
      }
      Deno.exit(128 + _SIGNALS[sig]);
    };
    Deno.addSignalListener(sig, listener);
    return [sig, listener] as const;
  });
  try {
    return await fn();
  } finally {
    for (const [sig, listener] of listeners) Deno.removeSignalListener(sig, listener);
  }
}
