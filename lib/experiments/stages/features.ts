/**
 * The feature stage: the config's feature set, resolved against the feature registry, and its columns over
 * the whole file (one cache entry), cut to the development rows.
 *
 * @module
 */
import type { Dataset } from "../../data/dataset.ts";
import type { AnyFeatureDef } from "../../features/feature.ts";
import {
  cachedFeatureColumns,
  type CacheEvent,
  type FeatureSet,
  loadFeatureSetSpec,
  resolveFeatureSet,
} from "../../features/mod.ts";
import { CandlelabError } from "../../util/errors.ts";
import { beforeLockbox } from "../holdout.ts";

/**
 * Reads and resolves the feature set file; an unknown feature or bad parameter names the file.
 *
 * @example
 * ```ts ignore
 * const set = await loadFeatureSet("configs/features/core.yaml");
 * console.log(set.columns);
 * ```
 */
export async function loadFeatureSet(
  file: string,
  registry?: ReadonlyMap<string, AnyFeatureDef>,
): Promise<FeatureSet> {
  const spec = await loadFeatureSetSpec(file);
  try {
    return resolveFeatureSet(spec, registry);
  } catch (err) {
    throw new CandlelabError(`Invalid feature set ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Where the feature cache is and who hears of it. */
export interface FeatureCache {
  /** Cache folder. */
  dir: string;
  /** Each cache hit, miss or write, as it happens (default: not heard). */
  onEvent?: (e: CacheEvent) => void;
  /** Replacement for the cached computation (a sweep worker passes a memoised one). */
  columns?: typeof cachedFeatureColumns;
}

/** Feature columns (timestamp first) over all bars and over the development rows. */
export interface FeaturesResult {
  full: Record<string, Float64Array>;
  /** The first development rows of `full` (views; `full` itself without a lockbox). */
  features: Record<string, Float64Array>;
  hit: boolean;
}

/**
 * Computes (or reads from the cache) the columns of `set` over the whole dataset `full` (one cache entry
 * for the file, lockbox included), keyed by the development `dataset`'s source hashes and cut to its rows.
 *
 * @example
 * ```ts ignore
 * const f = await featuresStage(set, ds, ds, { dir: "data/cache/features", onEvent: console.log });
 * console.log(f.hit, Object.keys(f.features));
 * ```
 */
export async function featuresStage(
  set: FeatureSet,
  full: Dataset,
  dataset: Dataset,
  cache: FeatureCache,
): Promise<FeaturesResult> {
  const r = await (cache.columns ?? cachedFeatureColumns)({
    table: full.table, // issue #13: one cache entry for the whole file; cut below
    datasetHashes: dataset.sources.map((s) => s.sha256),
    set,
    dir: cache.dir,
    timing: { intervalMs: dataset.intervalMs },
    log: cache.onEvent,
  });
  return { full: r.columns, features: beforeLockbox(r.columns, dataset.table.numRows()), hit: r.hit };
}
