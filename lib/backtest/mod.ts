/**
 * Backtests: the bar engine with perpetual funding, metrics, synthetic inputs.
 *
 * @module
 */
export * from "./backtest.ts";
export * from "./config.ts";
export * from "./engine.ts";
export * from "./funding.ts";
export * from "./metrics.ts";
export * from "./synthetic.ts";
export * from "./trade_log.ts";
export * from "./bars.ts";
export * from "./strategy.ts";
