/**
 * `deno task data:metadata <file|folder|glob> [--origin TEXT] [--attribution TEXT] [--engine native|wasm]`
 * writes `<file>.metadata.json` beside each Parquet file. The data files are only read.
 *
 * @module
 */
import { resolveSources } from "../data/load.ts";
import { formatCheck, metadataPath, writeMetadata } from "../data/metadata.ts";
import type { EngineKind } from "../data/engine.ts";
import { errorMessage, parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";
import { DATASET_FLAGS, datasetOverrides } from "./_dataset_flags.ts";

export const SPEC: TaskSpec = {
  name: "data:metadata",
  usage: "deno task data:metadata <file|folder|glob>... [--origin TEXT] [--attribution TEXT] " +
    "[--engine native|wasm] [--exchange binance] [--asset BTC] [--quote USDT] [--market spot|perp] " +
    "[--interval 1h] [--kind ohlcv|funding|mark]",
  about: "Writes <file>.metadata.json (source, range, schema, SHA-256, quality) beside each data file.",
  reads: "anything",
  writes: "data/",
};

/** The flags of `deno task data:metadata` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    origin: { type: "string" },
    attribution: { type: "string" },
    engine: { type: "string", default: "native" },
    ...DATASET_FLAGS,
  },
} as const satisfies TaskArgsConfig;

/**
 * Runs the task; returns the exit code (1 when a file could not be described). Lines go to `out`, errors
 * to `err`; bad arguments throw a UsageError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./data_metadata.ts";
 * const errors: string[] = [];
 * assert.equal(await main([], () => {}, (l) => errors.push(l)), 2);
 * assert.match(errors[0], /no file, folder or glob given; usage: deno task data:metadata/);
 * ```
 */
export async function main(
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const usage = `usage: ${SPEC.usage}`;
  const { values, positionals } = parseTaskArgs(args, ARGS, usage);
  if (positionals.length === 0) {
    err(`Cannot write metadata: no file, folder or glob given; ${usage}`);
    return 2;
  }
  if (values.engine !== "native" && values.engine !== "wasm") {
    err(
      `Cannot read the arguments: --engine must be native or wasm, current value is "${values.engine}"; ${usage}`,
    );
    return 2;
  }
  const overrides = datasetOverrides(values, usage);
  let failed = 0;
  for (const file of await resolveSources(positionals)) {
    try {
      const meta = await writeMetadata(file, {
        engine: values.engine as EngineKind,
        origin: values.origin,
        attribution: values.attribution,
        overrides,
      });
      out(`wrote ${metadataPath(file)}`);
      out(formatCheck({ file, ok: meta.quality.hardFailures === 0, current: meta, problems: [] }));
    } catch (e) {
      failed++;
      err(`error: ${errorMessage(e, SPEC)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) await runTask(SPEC, (args) => main(args));
