/**
 * The estimator contract every classifier follows (scikit-learn's, in TypeScript).
 *
 * - The constructor stores parameters and does nothing else.
 * - `fit(X, y, weights?, options?)` learns and resolves to `this`; it never changes parameters. It is
 *   async for every model (one uniform contract; the hist engines train in Deno workers), so always
 *   `await model.fit(...)`. `options.onProgress(done, total)` reports progress (trees or rounds).
 * - `predictProba(X)` returns all class probabilities at once as an n x k row-major matrix.
 * - `predictProbaAsync(X, { pool })` is optional: the same numbers, bit for bit, computed in the workers
 *   of a `WorkerPool` when the model can. Callers that can wait (walk-forward) use it when present.
 * - Worker pools are borrowed, never owned: `fit` and `predictProbaAsync` use `options.pool` and leave it
 *   open; whoever created the pool closes it. Without a pool a model may start private workers for the
 *   call and stops them before returning (see `lib/models/worker_pool.ts`, ADR-023).
 * - `toJSON()` carries `kind` and `formatVersion`; each model module has a `load(json)` that checks them.
 * - Predicting before fitting throws a CandlelabError that says to call `fit` first.
 * - Seeded: the same data, parameters and seed give an identical model and predictions.
 *
 * @module
 */
import type { WorkerPool } from "./worker_pool.ts";

/** Feature matrix, column-major: one Float64Array per feature, all the same length. */
export interface FeatureMatrix {
  names: string[];
  columns: Float64Array[];
  nRows: number;
}

/** Class probabilities, row-major n x k: `data[i * k + c]`. */
export interface ProbaMatrix {
  nRows: number;
  nClasses: number;
  data: Float64Array;
}

/** Serialised model: always has a kind and a format version. */
export interface ModelJSON {
  kind: string;
  formatVersion: number;
  params: Record<string, unknown>;
  [key: string]: unknown;
}

/** Called while fitting with the work done so far and the total (trees for forests, rounds for boosting). */
export type ProgressCallback = (done: number, total: number) => void;

/** Options of one `fit` call that are not model parameters (they never change the fitted model). */
export interface FitOptions {
  onProgress?: ProgressCallback;
  /** Workers to borrow for this call (kept open); results do not depend on it. */
  pool?: WorkerPool;
}

/** Options of one `predictProbaAsync` call; they never change the numbers. */
export interface PredictOptions {
  /** Workers to borrow for this call (kept open). */
  pool?: WorkerPool;
}

/** The contract. Classes are integers 0..nClasses-1 (see `lib/labels/classes.ts` for their meaning). */
export interface Estimator {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  fit(X: FeatureMatrix, y: Int32Array, weights?: Float64Array, options?: FitOptions): Promise<this>;
  predictProba(X: FeatureMatrix): ProbaMatrix;
  /** Optional: starts the workers `fit` will borrow from `pool`, so they load while the caller prepares rows. */
  warm?(pool: WorkerPool): void;
  /** Optional: `predictProba`'s exact numbers, possibly computed in `options.pool`'s workers. */
  predictProbaAsync?(X: FeatureMatrix, options?: PredictOptions): Promise<ProbaMatrix>;
  predict(X: FeatureMatrix): Int32Array;
  /** Impurity-based importance per feature name, summing to 1. */
  featureImportance(): Record<string, number>;
  toJSON(): ModelJSON;
}
