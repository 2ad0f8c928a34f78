/**
 * The permissions benchmark processes run with (ADR-036). No imports: bench/compare.ts reads it without
 * loading the workload.
 *
 * @module
 */

/**
 * The permissions of a benchmark child process: exactly `deno task experiment`'s (deno.json), plus reading
 * the benchmark input and /proc/self/status (peak memory). With them the FFI fast paths take the same
 * branches as in the experiment task (ADR-036). Keep in step with deno.json's `experiment` and `bench`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchPermissions } from "./permissions.ts";
 * const flags = benchPermissions("/tmp/candlelab-bench/x.parquet");
 * assert.ok(flags.includes("--allow-ffi=node_modules") && !flags.includes("-A"));
 * assert.ok(flags[1].endsWith(",/proc/self/status,/tmp/candlelab-bench/x.parquet"));
 * ```
 */
export function benchPermissions(input: string): string[] {
  return [
    "--no-prompt",
    `--allow-read=.,/proc/self/exe,/usr/bin/ldd,/proc/self/status,${input}`,
    "--allow-write=data/cache,models,experiments",
    "--allow-ffi=node_modules",
    "--allow-run=git",
    "--allow-env=LOG_TOKENS,LOG_STREAM",
  ];
}
