/**
 * Load benchmark: reads a Parquet file of synthetic minute bars (from `deno task data:synth` or the peer's
 * `make_data.mjs`) into an Arquero table with each DuckDB engine and prints one JSON line per engine:
 * `{"stage":"load","engine":"native"|"wasm","seconds":...,"rows":...,"open_seconds":...}`. `seconds` covers
 * loadBars (Parquet read, SQL, Float64Arrays, sort check, Arquero table); `open_seconds` is engine start-up.
 *
 * Usage: `deno run -A bench/load.ts <file.parquet> [--engines native,wasm] [--repeat 1]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type EngineKind, openEngine } from "../lib/data/engine.ts";
import { loadBars } from "../lib/data/load.ts";

/**
 * Times one load of `file` with an engine; returns the JSON record.
 *
 * @example
 * ```ts
 * import { benchLoad } from "./load.ts";
 * const r = await benchLoad("data/raw/binance_BTC_USDT_perp_8h_funding.parquet", "native");
 * console.assert(r.rows === 3288 && r.stage === "load");
 * ```
 */
export async function benchLoad(
  file: string,
  engine: EngineKind,
): Promise<{ stage: string; engine: EngineKind; seconds: number; rows: number; open_seconds: number }> {
  const t0 = performance.now();
  const e = await openEngine(engine);
  const t1 = performance.now();
  try {
    const { table } = await loadBars(file, { engine: e });
    const t2 = performance.now();
    return {
      stage: "load",
      engine,
      seconds: (t2 - t1) / 1000,
      rows: table.numRows(),
      open_seconds: (t1 - t0) / 1000,
    };
  } finally {
    await e.close();
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      engines: { type: "string", default: "native,wasm" },
      repeat: { type: "string", default: "1" },
    },
  });
  if (positionals.length !== 1) {
    console.error("Usage: deno run -A bench/load.ts <file.parquet> [--engines native,wasm] [--repeat N]");
    Deno.exit(2);
  }
  for (let i = 0; i < Number(values.repeat); i++) {
    for (const engine of values.engines.split(",") as EngineKind[]) {
      console.log(JSON.stringify(await benchLoad(positionals[0], engine)));
    }
  }
}
