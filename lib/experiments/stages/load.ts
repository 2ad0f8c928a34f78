/**
 * The first two stages of an experiment: load the dataset (candles and any joined series), then prove every
 * joined column point-in-time (recomputed from the join records; a dataset whose auxiliary columns have no
 * join record, e.g. built by hand, is refused).
 *
 * @module
 */
import { loadDataset } from "../../data/mod.ts";
import type { Dataset } from "../../data/dataset.ts";
import { assertPointInTime, type JoinSummary, joinSummary } from "../../data/point_in_time.ts";
import type { ExperimentConfig } from "../config.ts";

/**
 * Loads the config's dataset (paths already resolved) with `load` (a sweep worker passes a memoised one).
 *
 * @example
 * ```ts ignore
 * const ds = await loadStage(cfg.data);
 * console.log(ds.table.numRows(), ds.sources.map((s) => s.path));
 * ```
 */
export function loadStage(
  data: ExperimentConfig["data"],
  load: typeof loadDataset = loadDataset,
): Promise<Dataset> {
  return load(data);
}

/** What the point-in-time check looked at. */
export interface PointInTimeResult {
  /** Joined columns checked. */
  checked: number;
  /** Per-join counts (no per-row arrays). */
  joins: JoinSummary[];
}

/**
 * Throws unless every joined column of `dataset` is point-in-time; returns what was checked.
 *
 * @example
 * ```ts ignore
 * const r = pointInTimeStage(ds);
 * console.log(r.checked, r.joins);
 * ```
 */
export function pointInTimeStage(dataset: Dataset): PointInTimeResult {
  const r = assertPointInTime(dataset);
  return { checked: r.checked.length, joins: dataset.joins?.map(joinSummary) ?? [] };
}
