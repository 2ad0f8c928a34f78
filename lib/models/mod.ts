/**
 * Classifiers: the estimator contract, Candlelab's histogram tree engines, the ml-random-forest
 * reference and the model factory. (Training progress: `fit(..., { onProgress })`, shown through
 * lib/util/progress.ts.)
 *
 * @module
 */
export * from "./estimator.ts";
export * from "./config.ts";
export * from "./factory.ts";
export { featuresPerSplit, HistRandomForest, type HistRandomForestJSON } from "./hist_random_forest.ts";
export { HistGradientBoosting, type HistGradientBoostingJSON } from "./hist_gradient_boosting.ts";
export { MlRandomForest, type MlRandomForestJSON } from "./ml_random_forest.ts";
export { argmaxRows } from "./common.ts";
export { gatherMatrixRows, sliceMatrixRows } from "./matrix.ts";
