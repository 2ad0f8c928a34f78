/**
 * The lockbox step of an experiment, after the final model is registered: record the lockbox in run.json
 * (closed, with how many times it was opened so far), or — only when the run was asked to open it —
 * record the opening in the ledger first, then score the final model on the lockbox rows and backtest them
 * (`holdout_backtest.json` in the run folder).
 *
 * @module
 */
import { join } from "node:path";
import type { Labels } from "../labels/mod.ts";
import type { Estimator } from "../models/estimator.ts";
import type { BacktestBars } from "../backtest/mod.ts";
import { metricsFromReport } from "../registry/mod.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { CandlelabError } from "../util/errors.ts";
import type { ExperimentConfig } from "./config.ts";
import type { Run } from "./recorder.ts";
import { holdoutText, type Lockbox } from "./holdout.ts";
import { holdoutOpenings, recordHoldoutOpening } from "./holdout_ledger.ts";
import { type ScoredRows, scoreRows } from "./evaluate_rows.ts";

/** What the lockbox step needs. */
export interface HoldoutStageInput {
  run: Run;
  cfg: ExperimentConfig;
  lockbox: Lockbox;
  /** Open the lockbox (score the final model on it). Only an explicit user choice sets this. */
  open: boolean;
  ledgerPath: string;
  features: Record<string, Float64Array>;
  columns: readonly string[];
  labels: Labels;
  rowLookback: number;
  /** The final model, trained on development rows only. */
  model: Estimator;
  bars: BacktestBars;
  intervalMs: number;
}

/** The lockbox as the run left it. */
export interface HoldoutResult {
  lockbox: Lockbox;
  start: string;
  end: string;
  opened: boolean;
  /** Openings of this strategy's lockbox recorded in the ledger (including this run's). */
  opens: number;
  text: string;
  /** Scores and backtest of the lockbox rows when opened. */
  scored?: ScoredRows;
}

/**
 * Runs the lockbox step (see the module doc) as the run's "holdout" stage.
 *
 * @example
 * ```ts ignore
 * const h = await holdoutStage({ run, cfg, lockbox, open: false, ledgerPath, features, columns, labels,
 *   rowLookback, model, bars, intervalMs });
 * console.log(h.text); // hold-out 2024-01-01 00:00 .. 2025-01-01 00:00 closed (opened 0 times)
 * ```
 */
export function holdoutStage(input: HoldoutStageInput): Promise<HoldoutResult> {
  const { run, lockbox, ledgerPath } = input;
  const strategy = run.snapshot().strategy;
  const start = new Date(lockbox.startMs).toISOString();
  const end = new Date(lockbox.endMs).toISOString();
  return run.stage("holdout", async (log) => {
    const before = holdoutOpenings(ledgerPath, strategy);
    // an earlier opening of a lockbox that started before this one: rows looked at then are development rows now
    const moved = before.filter((o) => Date.parse(o.holdout_start) < lockbox.startMs);
    if (moved.length > 0) {
      run.addWarning(
        `the lockbox of ${strategy} now starts ${start} but ${moved.length} earlier opening(s) looked from ` +
          `${
            moved[moved.length - 1].holdout_start
          }: rows seen then are development rows now, so this lockbox ` +
          `is not untouched; move holdout.start back or count those looks`,
      );
    }
    if (!input.open) {
      const text = holdoutText(start, end, false, before.length);
      run.setHoldout({ start, end, opened: false, opens: before.length, text, bars: lockbox.bars });
      log.info("hold-out closed", { start, end, opens: before.length });
      return { lockbox, start, end, opened: false, opens: before.length, text };
    }
    if (lockbox.bars === 0) {
      throw new CandlelabError(
        `Cannot open the hold-out of ${strategy}: the data ends ${end}, before the lockbox starts ${start}; ` +
          `load data that reaches into the lockbox`,
      );
    }
    // the look is counted before it is taken: a run that fails while scoring has still seen the rows
    const opens = recordHoldoutOpening(ledgerPath, {
      strategy,
      run_id: run.id,
      kind: "experiment",
      opened_at: new Date().toISOString(),
      holdout_start: start,
      holdout_end: end,
      config_hash: run.snapshot().config_hash,
    });
    const scored = scoreRows({
      features: input.features,
      columns: input.columns,
      labels: input.labels,
      rowLookback: input.rowLookback,
      from: lockbox.startBar,
      to: input.bars.timestamp.length,
      model: input.model,
      bars: input.bars,
      intervalMs: input.intervalMs,
      trading: input.cfg,
      seed: input.cfg.seed,
    });
    const text = holdoutText(start, end, true, opens);
    run.setHoldout({
      start,
      end,
      opened: true,
      opens,
      text,
      bars: lockbox.bars,
      rows: scored.rows.length,
      metrics: { ...metricsFromReport(scored.report), backtest: scored.summary, verdict: scored.verdict },
    });
    await writeJsonAtomic(join(run.dir, "holdout_backtest.json"), {
      strategy,
      holdout: { start, end },
      rows: Array.from(scored.rows),
      timestamp: Array.from(scored.backtest.timestamp),
      equity: Array.from(scored.backtest.equity),
      position: Array.from(scored.backtest.position),
      trades: scored.backtest.trades,
      metrics: scored.backtest.metrics,
      buy_and_hold: scored.backtest.buyAndHold,
      flags: scored.backtest.flags,
    });
    log.info("hold-out opened", {
      start,
      end,
      opens,
      rows: scored.rows.length,
      macro_f1: scored.report.macroF1,
    });
    return { lockbox, start, end, opened: true, opens, text, scored };
  });
}
