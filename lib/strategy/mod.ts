/**
 * Strategies: signal policy (class probabilities to target size) and risk rules. The strategy config with
 * costs and market (`getStrategy`) is in lib/backtest/strategy.ts.
 *
 * @module
 */
export * from "./config.ts";
export * from "./policy.ts";
