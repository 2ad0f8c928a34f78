/**
 * Experiment runs: run folders with run.json and log.jsonl, config overrides, listing and comparing
 * runs with the deflated Sharpe ratio. See docs/adr/ADR-020-experiment-logs.md.
 *
 * @module
 */
export * from "./run_record.ts";
export * from "./run_id.ts";
export * from "./recorder.ts";
export * from "./logger.ts";
export * from "./progress.ts";
export * from "./provenance.ts";
export * from "./scrub.ts";
export * from "./overrides.ts";
export * from "./normal.ts";
export * from "./deflated_sharpe.ts";
export * from "./list.ts";
export * from "./compare.ts";
export * from "./verdict.ts";
export * from "./table.ts";
