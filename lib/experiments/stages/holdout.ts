/**
 * The lockbox step of an experiment, after the final model is registered (issue #13, ADR-032): the lockbox
 * stays closed (run.json says how many times it was opened so far), or — only when the run was asked to
 * open it — the opening is recorded in the ledger first, then the final model is scored on the lockbox rows
 * and backtested (`holdout_backtest.json` in the run folder).
 *
 * @module
 */
import { join } from "node:path";
import type { Dataset } from "../../data/dataset.ts";
import { computeLabels } from "../../labels/mod.ts";
import type { Estimator } from "../../models/estimator.ts";
import { barsFromDataset } from "../../backtest/mod.ts";
import { metricsFromReport } from "../../registry/mod.ts";
import { writeJsonAtomic } from "../../util/atomic.ts";
import { CandlelabError } from "../../util/errors.ts";
import type { ExperimentConfig } from "../config.ts";
import type { HoldoutRecord } from "../run_record.ts";
import { holdoutText, type Lockbox } from "../holdout.ts";
import { holdoutOpenings, recordHoldoutOpening } from "../holdout_ledger.ts";
import { type ScoredRows, scoreRows } from "../evaluate_rows.ts";
import { backtestBody } from "./artifacts.ts";

/** Whether to open the lockbox, the ledger that counts openings, and the run that asks. */
export interface LockboxOpening {
  /** Open the lockbox (score the final model on it). Only an explicit user choice sets this. */
  open: boolean;
  ledgerPath: string;
  /** The run: its strategy key (the ledger's), id, folder and config hash. */
  run: { strategy: string; id: string; dir: string; configHash: string };
}

/** What scoring the lockbox needs. */
export interface LockboxScoring {
  /** The whole dataset, lockbox included. */
  full: Dataset;
  /** Feature columns over the whole dataset. */
  features: Record<string, Float64Array>;
  columns: readonly string[];
  rowLookback: number;
  /** The final model, trained on development rows only. */
  model: Estimator;
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
 * What the lockbox step found: its warnings (kept even when it fails), the run.json record, the result,
 * and what stopped it (a lockbox with no bars, or a failure once the opening was counted).
 */
export interface HoldoutOutcome {
  warnings: string[];
  record?: HoldoutRecord;
  result?: HoldoutResult;
  refusal?: unknown;
}

/**
 * Runs the lockbox step (see the module doc).
 *
 * @example
 * ```ts ignore
 * const h = await holdoutStage(cfg, lockbox, { open: false, ledgerPath, run }, scoring);
 * console.log(h.result?.text); // hold-out 2024-01-01 00:00 .. 2025-01-01 00:00 closed (opened 0 times)
 * ```
 */
export async function holdoutStage(
  cfg: ExperimentConfig,
  lockbox: Lockbox,
  opening: LockboxOpening,
  scoring: LockboxScoring,
): Promise<HoldoutOutcome> {
  const { strategy } = opening.run;
  const start = new Date(lockbox.startMs).toISOString();
  const end = new Date(lockbox.endMs).toISOString();
  const before = holdoutOpenings(opening.ledgerPath, strategy);
  // an earlier opening of a lockbox that started before this one: rows looked at then are development rows now
  const moved = before.filter((o) => Date.parse(o.holdout_start) < lockbox.startMs);
  const warnings = moved.length === 0 ? [] : [
    `the lockbox of ${strategy} now starts ${start} but ${moved.length} earlier opening(s) looked from ` +
    `${moved[moved.length - 1].holdout_start}: rows seen then are development rows now, so this lockbox ` +
    `is not untouched; move holdout.start back or count those looks`,
  ];
  if (!opening.open) {
    const text = holdoutText(start, end, false, before.length);
    return {
      warnings,
      record: { start, end, opened: false, opens: before.length, text, bars: lockbox.bars },
      result: { lockbox, start, end, opened: false, opens: before.length, text },
    };
  }
  try {
    return { warnings, ...await _open(cfg, lockbox, opening, scoring, start, end) };
  } catch (err) {
    return { warnings, refusal: err };
  }
}

async function _open(
  cfg: ExperimentConfig,
  lockbox: Lockbox,
  opening: LockboxOpening,
  scoring: LockboxScoring,
  start: string,
  end: string,
): Promise<Omit<HoldoutOutcome, "warnings">> {
  const { run } = opening;
  const strategy = run.strategy;
  if (lockbox.bars === 0) {
    throw new CandlelabError(
      `Cannot open the hold-out of ${strategy}: the data ends ${end}, before the lockbox starts ${start}; ` +
        `load data that reaches into the lockbox`,
    );
  }
  // the look is counted before it is taken: a run that fails while scoring has still seen the rows
  const opens = recordHoldoutOpening(opening.ledgerPath, {
    strategy,
    run_id: run.id,
    kind: "experiment",
    opened_at: new Date().toISOString(),
    holdout_start: start,
    holdout_end: end,
    config_hash: run.configHash,
  });
  const bars = barsFromDataset(scoring.full);
  const scored = scoreRows({
    features: scoring.features,
    columns: scoring.columns,
    labels: computeLabels(scoring.full.table, cfg.label),
    rowLookback: scoring.rowLookback,
    from: lockbox.startBar,
    to: bars.timestamp.length,
    model: scoring.model,
    bars,
    intervalMs: scoring.full.intervalMs,
    trading: cfg,
    seed: cfg.seed,
  });
  const text = holdoutText(start, end, true, opens);
  const record: HoldoutRecord = {
    start,
    end,
    opened: true,
    opens,
    text,
    bars: lockbox.bars,
    rows: scored.rows.length,
    metrics: { ...metricsFromReport(scored.report), backtest: scored.summary, verdict: scored.verdict },
  };
  try {
    const head = { strategy, holdout: { start, end }, rows: Array.from(scored.rows) };
    await writeJsonAtomic(join(run.dir, "holdout_backtest.json"), backtestBody(head, scored.backtest, false));
  } catch (err) {
    return { record, refusal: err }; // the opening and its scores are recorded all the same
  }
  return { record, result: { lockbox, start, end, opened: true, opens, text, scored } };
}
