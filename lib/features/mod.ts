/**
 * Features: registry, feature sets, kernels, the leakage guard and the feature cache.
 *
 * @module
 */
export * from "./feature.ts";
export * from "./registry.ts";
export * from "./config.ts";
export * from "./set.ts";
/** Kept for notebooks/02_features, which imports it from here (lib/series/columns.ts holds it). */
export { sliceRows } from "../series/columns.ts";
export * from "./valid.ts";
export * from "./causality.ts";
export * from "./cache.ts";
