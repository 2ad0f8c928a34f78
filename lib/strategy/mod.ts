/**
 * Strategies: signal policy (class probabilities to target size), risk rules, strategy configs.
 *
 * @module
 */
export * from "./config.ts";
export * from "./policy.ts";
export * from "./strategy.ts";
