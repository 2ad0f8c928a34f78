/**
 * Features: registry, feature sets, kernels, the leakage guard and the feature cache.
 *
 * @module
 */
export * from "./feature.ts";
export * from "./registry.ts";
export * from "./config.ts";
export * from "./set.ts";
export * from "./valid.ts";
export * from "./causality.ts";
export * from "./cache.ts";
