/**
 * `deno task data:import <file> [--out data/raw/NAME.parquet] [--format binance-csv|freqtrade-json|feather]
 *  [--kind ohlcv|funding|mark] [--exchange X --asset A --quote Q --market spot|perp --interval 1h]
 *  [--allow-duplicates]` converts Binance kline CSV, freqtrade JSON or Feather into normalised Parquet
 * (timestamp TIMESTAMPTZ UTC, prices DOUBLE) and writes its metadata. The input is only read.
 *
 * @module
 */
import { basename, extname, join } from "node:path";
import { importBars, type ImportFormat } from "../data/import.ts";
import { metadataPath, writeMetadata } from "../data/metadata.ts";
import { errorMessage, parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";
import { DATASET_FLAGS, datasetOverrides } from "./_dataset_flags.ts";

export const SPEC: TaskSpec = {
  name: "data:import",
  usage: "deno task data:import <file.csv|file.json|file.feather> [--out data/raw/NAME.parquet] " +
    "[--format binance-csv|freqtrade-json|feather] [--exchange binance] [--asset BTC] [--quote USDT] " +
    "[--market spot|perp] [--interval 1h] [--kind ohlcv|funding|mark] [--origin TEXT] [--allow-duplicates]",
  about: "Imports bars into Parquet under data/raw/ and writes its .metadata.json.",
  reads: "anything",
  writes: "data/raw/",
};

const _FORMATS: readonly string[] = ["binance-csv", "freqtrade-json", "feather"];

/** The flags of `deno task data:import` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    out: { type: "string" },
    format: { type: "string" },
    ...DATASET_FLAGS,
    origin: { type: "string" },
    "allow-duplicates": { type: "boolean", default: false },
  },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const usage = `usage: ${SPEC.usage}`;
    const { values, positionals } = parseTaskArgs(args, ARGS, usage);
    if (positionals.length !== 1) {
      console.error(`Cannot import: expected one input file, got ${positionals.length}; ${usage}`);
      return 2;
    }
    const overrides = datasetOverrides(values, usage);
    if (values.format !== undefined && !_FORMATS.includes(values.format)) {
      console.error(
        `Cannot read the arguments: --format must be binance-csv, freqtrade-json or feather, current value is ` +
          `"${values.format}"; ${usage}`,
      );
      return 2;
    }
    const input = positionals[0];
    const out = values.out ?? join("data/raw", basename(input, extname(input)) + ".parquet");
    try {
      const rows = await importBars(input, out, {
        format: values.format as ImportFormat | undefined,
        kind: overrides.kind,
        allowDuplicates: values["allow-duplicates"],
      });
      console.log(`wrote ${out}: ${rows} rows`);
      await writeMetadata(out, {
        origin: values.origin ?? `imported from ${input} by deno task data:import`,
        overrides,
      });
      console.log(`wrote ${metadataPath(out)}`);
    } catch (err) {
      console.error(`error: ${errorMessage(err, SPEC)}`);
      Deno.exit(1);
    }
  });
}
