/**
 * Looks at a strategy's lockbox as trials (ADR-032). Every opening is in the ledger, and each run records
 * the ledger's count when it ran (`holdout.opens`); the largest count among a strategy's runs (failed ones
 * included: a run that failed after opening has still looked) is the number of looks. A look whose run is an
 * ok `evaluate` run with a backtest is already a trial as a run; the others (the lockbox scored by an
 * experiment beside its walk-forward backtest) are extra trials.
 *
 * @module
 */
import type { RunRecord } from "./run_record.ts";

/**
 * Extra trials of `strategy` for its lockbox looks (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdoutLooks } from "./holdout_looks.ts";
 * const h = (opens: number) => ({ start: "a", end: "b", opened: true, opens });
 * const runs = [
 *   { strategy: "s", status: "ok", backtest: {}, holdout: h(1) },
 *   { strategy: "s", status: "ok", backtest: {}, holdout: h(2), evaluation: {} },
 *   { strategy: "s", status: "failed", backtest: null, holdout: h(3) },
 * ] as any;
 * assert.equal(holdoutLooks(runs, "s"), 2); // 3 looks, one of them an evaluate run counted as a trial
 * ```
 */
export function holdoutLooks(allRuns: readonly RunRecord[], strategy: string): number {
  let looks = 0, asRuns = 0;
  for (const r of allRuns) {
    if (r.strategy !== strategy || !r.holdout) continue;
    looks = Math.max(looks, r.holdout.opens);
    if (r.holdout.opened && r.evaluation && r.status === "ok" && r.backtest !== null) asRuns++;
  }
  return Math.max(0, looks - asRuns);
}
