/**
 * Classifiers: the estimator contract, Candlelab's histogram tree engines, the ml-random-forest
 * reference, the model factory and a terminal progress bar.
 *
 * @module
 */
export * from "./estimator.ts";
export * from "./config.ts";
export * from "./factory.ts";
export { featuresPerSplit, HistRandomForest, type HistRandomForestJSON } from "./hist_random_forest.ts";
export { HistGradientBoosting, type HistGradientBoostingJSON } from "./hist_gradient_boosting.ts";
export { MlRandomForest, type MlRandomForestJSON } from "./ml_random_forest.ts";
export { formatProgress, terminalProgress } from "./progress.ts";
export { argmaxRows } from "./common.ts";
