/**
 * The model registry: artifacts and metadata as JSON files (the truth), a derived SQLite index, queries.
 *
 * @module
 */
export * from "./metadata.ts";
export * from "./git.ts";
export * from "./store.ts";
export * from "./index_db.ts";
export * from "./query.ts";
