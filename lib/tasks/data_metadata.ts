/**
 * `deno task data:metadata <file|folder|glob> [--origin TEXT] [--attribution TEXT] [--engine native|wasm]`
 * writes `<file>.metadata.json` beside each Parquet file. The data files are only read.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolveSources } from "../data/load.ts";
import { formatCheck, metadataPath, writeMetadata } from "../data/metadata.ts";
import type { EngineKind } from "../data/engine.ts";
import { errorMessage, runTask, type TaskSpec } from "./_cli.ts";
import { DATASET_FLAGS } from "./_dataset_flags.ts";

const SPEC: TaskSpec = {
  name: "data:metadata",
  usage:
    "deno task data:metadata <file|folder|glob>... [--origin TEXT] [--attribution TEXT] [--asset BTC] [--market spot|perp] [--interval 1h] [--kind ohlcv|funding|mark]",
  about: "Writes <file>.metadata.json (source, range, schema, SHA-256, quality) beside each data file.",
  reads: "anything",
  writes: "data/",
};

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        origin: { type: "string" },
        attribution: { type: "string" },
        engine: { type: "string", default: "native" },
        ...DATASET_FLAGS,
      },
    });
    if (positionals.length === 0) {
      console.error(
        "Usage: deno task data:metadata <file|folder|glob>... [--origin TEXT] [--attribution TEXT]",
      );
      Deno.exit(2);
    }
    const overrides = Object.fromEntries(
      Object.keys(DATASET_FLAGS).flatMap((k) => {
        const v = (values as Record<string, string | undefined>)[k];
        return v === undefined ? [] : [[k, v]];
      }),
    );
    let failed = 0;
    for (const file of await resolveSources(positionals)) {
      try {
        const meta = await writeMetadata(file, {
          engine: values.engine as EngineKind,
          origin: values.origin,
          attribution: values.attribution,
          overrides,
        });
        console.log(`wrote ${metadataPath(file)}`);
        console.log(formatCheck({ file, ok: meta.quality.hardFailures === 0, current: meta, problems: [] }));
      } catch (err) {
        failed++;
        console.error(`error: ${errorMessage(err, SPEC)}`);
      }
    }
    Deno.exit(failed > 0 ? 1 : 0);
  });
}
