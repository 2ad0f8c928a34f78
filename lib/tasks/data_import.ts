/**
 * `deno task data:import <file> [--out data/raw/NAME.parquet] [--format binance-csv|freqtrade-json|feather]
 *  [--kind ohlcv|funding|mark] [--exchange X --asset A --quote Q --market spot|perp --interval 1h]
 *  [--allow-duplicates]` converts Binance kline CSV, freqtrade JSON or Feather into normalised Parquet
 * (timestamp TIMESTAMPTZ UTC, prices DOUBLE) and writes its metadata. The input is only read.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, extname, join } from "node:path";
import { importBars, type ImportFormat } from "../data/import.ts";
import { metadataPath, writeMetadata } from "../data/metadata.ts";
import type { FileKind } from "../data/filename.ts";
import { errorMessage, runTask, type TaskSpec } from "./_cli.ts";
import { DATASET_FLAGS } from "./_dataset_flags.ts";

const SPEC: TaskSpec = {
  name: "data:import",
  usage:
    "deno task data:import <file.csv|file.json|file.feather> [--out data/raw/NAME.parquet] [--asset BTC] [--market spot|perp] [--interval 1h] [--kind ohlcv|funding|mark] [--origin TEXT] [--allow-duplicates]",
  about: "Imports bars into Parquet under data/raw/ and writes its .metadata.json.",
  reads: "anything",
  writes: "data/raw/",
};

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        format: { type: "string" },
        ...DATASET_FLAGS,
        origin: { type: "string" },
        "allow-duplicates": { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) {
      console.error(
        "Usage: deno task data:import <file.csv|file.json|file.feather> [--out data/raw/NAME.parquet] [--asset BTC ...]",
      );
      Deno.exit(2);
    }
    const input = positionals[0];
    const out = values.out ?? join("data/raw", basename(input, extname(input)) + ".parquet");
    const market = values.market === "perp" ? "perpetual" : values.market;
    try {
      const rows = await importBars(input, out, {
        format: values.format as ImportFormat | undefined,
        kind: values.kind as FileKind | undefined,
        allowDuplicates: values["allow-duplicates"],
      });
      console.log(`wrote ${out}: ${rows} rows`);
      await writeMetadata(out, {
        origin: values.origin ?? `imported from ${input} by deno task data:import`,
        overrides: {
          exchange: values.exchange,
          asset: values.asset,
          quote: values.quote,
          market: market as "spot" | "perpetual" | undefined,
          interval: values.interval,
          kind: values.kind as FileKind | undefined,
        },
      });
      console.log(`wrote ${metadataPath(out)}`);
    } catch (err) {
      console.error(`error: ${errorMessage(err, SPEC)}`);
      Deno.exit(1);
    }
  });
}
