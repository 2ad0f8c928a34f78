/**
 * The flags of the data tasks (data:check, data:import, data:metadata) that say what a file holds when its
 * name does not: one declaration for the three tasks' argument parsers.
 *
 * @module
 */

/**
 * `--asset`, `--quote`, `--exchange`, `--interval`, `--market` and `--kind`, each a string (node:util
 * `parseArgs` option declarations).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "node:util";
 * import { DATASET_FLAGS } from "./_dataset_flags.ts";
 * const { values } = parseArgs({ args: ["--asset", "BTC"], options: { ...DATASET_FLAGS } });
 * assert.equal(values.asset, "BTC");
 * ```
 */
export const DATASET_FLAGS = {
  asset: { type: "string" },
  quote: { type: "string" },
  exchange: { type: "string" },
  interval: { type: "string" },
  market: { type: "string" },
  kind: { type: "string" },
} as const;
