/**
 * The lockbox cut (issue #13, ADR-032): everything up to the final model sees only the bars before the
 * config's `holdout` period.
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import { float64Column } from "../../series/columns.ts";
import { deriveGap } from "../../validation/mod.ts";
import { CandlelabError } from "../../util/errors.ts";
import type { ExperimentConfig } from "../config.ts";
import { datasetBeforeLockbox, type Lockbox, resolveLockbox } from "../holdout.ts";

/** The development data and the lockbox it was cut from (none without a `holdout` section). */
export interface LockboxCut {
  lockbox?: Lockbox;
  /** The bars before the lockbox (the whole dataset without one). */
  dataset: Dataset;
}

/**
 * Cuts the lockbox off `full`; refuses `open` (`--open-holdout`) when the config has no lockbox.
 *
 * @example
 * ```ts ignore
 * const { lockbox, dataset } = lockboxStage(cfg, fullDataset, false);
 * console.log(lockbox?.startBar, dataset.table.numRows());
 * ```
 */
export function lockboxStage(cfg: ExperimentConfig, full: Dataset, open: boolean): LockboxCut {
  const lockbox: Lockbox | undefined = cfg.holdout
    ? resolveLockbox(
      cfg.holdout,
      float64Column(full.table, "timestamp"),
      full.intervalMs,
      deriveGap({ horizon: cfg.label.horizon }, cfg.validation.embargo).before,
    )
    : undefined;
  const dataset = lockbox ? datasetBeforeLockbox(full, lockbox, cfg.label.horizon) : full;
  if (open && !lockbox) {
    throw new CandlelabError(
      `Cannot open the hold-out of ${cfg.name}: its config has no holdout section; add ` +
        `holdout: { start: "2024-01-01" } or do not ask to open it`,
    );
  }
  return { lockbox, dataset };
}
