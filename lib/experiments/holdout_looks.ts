/**
 * Looks at a strategy's lockbox as trials (ADR-032). A run that opened the lockbox says so in run.json
 * (`holdout.opened`), failed ones included (a run that failed after opening has still looked). An ok
 * `evaluate` run with a backtest is already a trial as a run, so its look is not counted twice; every
 * other opening (the lockbox scored by an experiment beside its walk-forward backtest) is an extra trial.
 * Openings the ledger counted but no run folder shows any more (`holdout.opens` above the opened runs
 * found) are extra trials too.
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
 * const h = (opened: boolean, opens: number) => ({ start: "a", end: "b", opened, opens });
 * const runs = [
 *   { strategy: "s", status: "ok", backtest: {}, holdout: h(false, 0) },
 *   { strategy: "s", status: "ok", backtest: {}, holdout: h(true, 1) },
 *   { strategy: "s", status: "ok", backtest: {}, holdout: h(true, 2), evaluation: {} },
 *   { strategy: "s", status: "failed", backtest: null, holdout: h(true, 3) },
 * ] as any;
 * assert.equal(holdoutLooks(runs, "s"), 2); // 3 looks, one of them an evaluate run already a trial
 * assert.equal(holdoutLooks(runs.slice(0, 2).concat([{ ...runs[1], holdout: h(false, 5) }]), "s"), 5);
 * ```
 */
export function holdoutLooks(allRuns: readonly RunRecord[], strategy: string): number {
  let ledger = 0, opened = 0, asTrials = 0;
  for (const r of allRuns) {
    if (r.strategy !== strategy || !r.holdout) continue;
    ledger = Math.max(ledger, r.holdout.opens);
    if (!r.holdout.opened) continue;
    opened++;
    if (r.evaluation && r.status === "ok" && r.backtest !== null) asTrials++;
  }
  return opened - asTrials + Math.max(0, ledger - opened);
}
