/**
 * State: SQLite storage of signals, positions and trades, and crash-safe bar-by-bar replay.
 *
 * @module
 */
export * from "./db.ts";
export * from "./replay.ts";
