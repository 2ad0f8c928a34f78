/**
 * Portfolio coordination between strategies' targets and execution.
 *
 * @module
 */
export * from "./coordinator.ts";
export * from "./run.ts";
