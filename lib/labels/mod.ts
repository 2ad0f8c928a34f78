/**
 * Labels: 3-class targets (fixed, volatility-scaled, triple barrier), class balance and weights.
 *
 * @module
 */
export * from "./classes.ts";
export * from "./config.ts";
export * from "./labels.ts";
export * from "./balance.ts";
export * from "./feature_table.ts";
