/**
 * Time-series evaluation: splits with derived gaps, the walk-forward runner, metrics, importance, config.
 *
 * @module
 */
export * from "./splits.ts";
export * from "./walk_forward.ts";
export * from "./metrics.ts";
export * from "./null_models.ts";
export * from "./importance.ts";
export * from "./config.ts";
export * from "./time_folds.ts";
