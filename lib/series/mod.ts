/**
 * Series: O(n) kernels over Float64Arrays and Float64Array access to table columns, shared by data,
 * features and labels (which sit above this folder and never import each other's kernels).
 *
 * @module
 */
export * from "./columns.ts";
export * from "./rows.ts";
export * from "./kernels.ts";
