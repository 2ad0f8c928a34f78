/**
 * Last words for long work (mark a run record as interrupted) without library code deciding what a signal
 * does. Library code wraps its work in {@link whileInterruptible}, which only registers a synchronous
 * last word while the work runs; it installs no signal listener and never exits the process. Who owns the
 * process decides:
 *
 * - a command-line task calls {@link exitOnSignals}: SIGINT / SIGTERM run the pending last words, then the
 *   process exits with the conventional 128 + signal number;
 * - in the Jupyter kernel nothing is installed: the kernel spec's `"interrupt_mode": "message"` makes
 *   Interrupt stop the running cell (V8 terminates its JavaScript, so no `finally` runs) and keep the
 *   kernel's state. The next {@link whileInterruptible} in the kernel (the next run) or an explicit
 *   {@link settleInterrupted} gives the runs left pending by the interrupted cell their last word.
 *
 * A hard kill (SIGKILL) cannot be caught; readers of run records must still treat a stale "running" as
 * unfinished.
 *
 * @module
 */

const _SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** A signal {@link exitOnSignals} handles. */
export type InterruptSignal = keyof typeof _SIGNALS;

/** A synchronous last word: called with what stopped the work ("SIGINT", "SIGTERM", "Jupyter Interrupt"). */
export type LastWord = (reason: string) => void;

/** Pending last words of work that has not settled, in start order. */
const _pending = new Set<LastWord>();

/** True inside `deno jupyter` (its `Deno.jupyter` namespace exists only there). */
function _inKernel(): boolean {
  try {
    return typeof (Deno as unknown as { jupyter?: unknown }).jupyter === "object";
  } catch {
    return false; // outside the kernel the getter throws
  }
}

/**
 * Runs `fn`, with `onInterrupt` registered as its last word until `fn` settles. Installs no signal
 * listener and never exits: see {@link exitOnSignals} (tasks) and {@link settleInterrupted} (the kernel).
 * In the Jupyter kernel, work still pending when a new one starts was stopped by Interrupt (cells run one
 * after another and every run is awaited), so its last word is said first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { whileInterruptible } from "./interrupt.ts";
 * const v = await whileInterruptible(() => {}, () => Promise.resolve(42));
 * assert.equal(v, 42);
 * ```
 */
export async function whileInterruptible<T>(onInterrupt: LastWord, fn: () => Promise<T>): Promise<T> {
  if (_inKernel()) settleInterrupted("Jupyter Interrupt");
  _pending.add(onInterrupt);
  try {
    return await fn();
  } finally {
    _pending.delete(onInterrupt);
  }
}

/**
 * Says (and forgets) every pending last word, newest first; returns how many. Errors of a last word are
 * reported on stderr and do not stop the others. For the owner of the process: a task's signal handler,
 * or a notebook cell after Interrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settleInterrupted, whileInterruptible } from "./interrupt.ts";
 * const said: string[] = [];
 * const gate = Promise.withResolvers<void>();
 * const work = whileInterruptible((why) => said.push(why), () => gate.promise);
 * assert.equal(settleInterrupted("test"), 1);
 * assert.deepEqual(said, ["test"]);
 * gate.resolve();
 * await work;
 * assert.equal(settleInterrupted("again"), 0);
 * ```
 */
export function settleInterrupted(reason: string): number {
  const words = [..._pending].reverse();
  _pending.clear();
  for (const w of words) {
    try {
      w(reason);
    } catch (err) {
      console.error(`while recording an interruption (${reason}): ${(err as Error).message}`);
    }
  }
  return words.length;
}

/**
 * For command-line tasks only: SIGINT and SIGTERM say the pending last words, then exit with 128 + the
 * signal number. Returns a function that removes the listeners.
 *
 * @example
 * ```ts
 * import { exitOnSignals } from "./interrupt.ts";
 * const remove = exitOnSignals();
 * remove();
 * ```
 */
export function exitOnSignals(exit: (code: number) => void = Deno.exit): () => void {
  const listeners = (Object.keys(_SIGNALS) as InterruptSignal[]).map((sig) => {
    const listener = () => {
      settleInterrupted(sig);
      exit(128 + _SIGNALS[sig]);
    };
    Deno.addSignalListener(sig, listener);
    return [sig, listener] as const;
  });
  return () => {
    for (const [sig, listener] of listeners) Deno.removeSignalListener(sig, listener);
  };
}
