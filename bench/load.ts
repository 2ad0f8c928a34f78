/**
 * Load benchmark: reads a Parquet file of synthetic minute bars (from `deno task data:synth` or the peer's
 * `make_data.mjs`) into an Arquero table with each DuckDB engine, each measurement in a fresh process.
 *
 * The driver spawns `--repeat N` child processes per engine (round-robin, so machine load hits every engine
 * alike) and prints one JSON line per engine with medians:
 * `{"stage":"load","engine":"native"|"wasm"|"pandas","seconds":...,"cpu_seconds":...,"open_seconds":...,
 * "rows":...,"repeat":N,"runs":[...]}`. `seconds` covers loadBars (Parquet read, SQL, Float64Arrays, sort
 * check, Arquero table); `open_seconds` is engine start-up; `cpu_seconds` is process CPU time over the same
 * span (all threads). With `--peer-csv`, pandas' `read_csv` of the same rows (the peer's load stage, same
 * dtypes) is timed beside it when `/usr/bin/python3` has pandas. Timings depend on machine load.
 *
 * Usage: `deno task bench:load <file.parquet> [--engines native,wasm] [--repeat 5] [--peer-csv file.csv]`;
 * each child runs with `deno task experiment`'s permissions (`benchPermissions`, bench/bench.ts).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";
import { type EngineKind, openEngine } from "../lib/data/engine.ts";
import { loadBars } from "../lib/data/load.ts";
import { CandlelabError } from "../lib/util/errors.ts";
import { benchPermissions } from "./permissions.ts";

/** One measurement. */
export interface LoadRecord {
  stage: "load";
  engine: EngineKind | "pandas";
  seconds: number;
  cpu_seconds?: number;
  open_seconds?: number;
  rows: number;
}

/** Medians of several cold-process measurements of one engine. */
export interface LoadSummary extends LoadRecord {
  repeat: number;
  runs: number[];
}

const PYTHON = "/usr/bin/python3";
const _PANDAS_READ = `
import json, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], dtype={"timestamp": "int64", "open": "float64", "high": "float64",
                                     "low": "float64", "close": "float64", "volume": "float64"})
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df)}))
`;

/**
 * Times one load of `file` with an engine in this process; returns the record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchLoad } from "./load.ts";
 * const r = await benchLoad("data/raw/binance_BTC_USDT_perp_8h_funding.parquet", "native");
 * assert.ok(r.rows === 3288 && r.stage === "load");
 * ```
 */
export async function benchLoad(file: string, engine: EngineKind): Promise<LoadRecord> {
  const t0 = performance.now();
  const e = await openEngine(engine);
  const t1 = performance.now();
  const c1 = cpuUsage();
  try {
    const { table } = await loadBars(file, { engine: e });
    const t2 = performance.now();
    const cpu = cpuUsage(c1);
    return {
      stage: "load",
      engine,
      seconds: (t2 - t1) / 1000,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      open_seconds: (t1 - t0) / 1000,
      rows: table.numRows(),
    };
  } finally {
    await e.close();
  }
}

/**
 * Median of numbers (mean of the two middle ones for an even count); NaN for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./load.ts";
 * assert.ok(median([3, 1, 2]) === 2 && median([4, 1, 2, 3]) === 2.5);
 * ```
 */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a command and parses the last JSON line it prints. */
async function _runJson(cmd: string, args: string[], what: string): Promise<Record<string, number>> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success || !text.startsWith("{")) {
    throw new CandlelabError(
      `Cannot measure ${what}: the process exited with code ${out.code} (${
        new TextDecoder().decode(out.stderr).trim().slice(-300)
      }); run it by hand to see why`,
    );
  }
  return JSON.parse(text);
}

/**
 * Whether `/usr/bin/python3` can import pandas (needed for the `--peer-csv` measurement).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pandasAvailable } from "./load.ts";
 * assert.ok(typeof (await pandasAvailable()) === "boolean");
 * ```
 */
export async function pandasAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command(PYTHON, { args: ["-c", "import pandas"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

/**
 * Measures loading `file` with each engine (and pandas' `read_csv` of `peerCsv`, if given) `repeat` times,
 * one fresh process per measurement, and returns the medians per engine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchLoadCold } from "./load.ts";
 * const [s] = await benchLoadCold("data/raw/binance_BTC_USDT_perp_8h_funding.parquet", {
 *   engines: ["native"],
 *   repeat: 1,
 * });
 * assert.ok(s.engine === "native" && s.rows === 3288 && s.runs.length === 1);
 * ```
 */
export async function benchLoadCold(
  file: string,
  options: { engines?: EngineKind[]; repeat?: number; peerCsv?: string } = {},
): Promise<LoadSummary[]> {
  const { engines = ["native", "wasm"], repeat = 5, peerCsv } = options;
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new CandlelabError(
      `Cannot run the load benchmark: --repeat must be a positive integer, current value is ${repeat}; pass e.g. --repeat 5`,
    );
  }
  const self = new URL(import.meta.url).pathname;
  const names: (EngineKind | "pandas")[] = [...engines];
  if (peerCsv) {
    if (await pandasAvailable()) names.push("pandas");
    else console.error(`pandas not importable by ${PYTHON}: skipping the --peer-csv measurement`);
  }
  const runs = new Map<string, Record<string, number>[]>(names.map((n) => [n, []]));
  for (let r = 0; r < repeat; r++) {
    for (const name of names) {
      const rec = name === "pandas"
        ? await _runJson(PYTHON, ["-c", _PANDAS_READ, peerCsv!], `pandas read_csv of ${peerCsv}`)
        : await _runJson(
          Deno.execPath(),
          ["run", ...benchPermissions(file), self, "--child", name, file],
          `the ${name} load`,
        );
      runs.get(name)!.push(rec);
    }
  }
  return names.map((name) => {
    const rs = runs.get(name)!;
    const pick = (k: string) => rs.map((x) => x[k]).filter((v) => typeof v === "number");
    const out: LoadSummary = {
      stage: "load",
      engine: name,
      seconds: median(pick("seconds")),
      rows: rs[0].rows,
      repeat,
      runs: pick("seconds"),
    };
    if (name !== "pandas") {
      out.cpu_seconds = median(pick("cpu_seconds"));
      out.open_seconds = median(pick("open_seconds"));
    }
    return out;
  });
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      engines: { type: "string", default: "native,wasm" },
      repeat: { type: "string", default: "5" },
      "peer-csv": { type: "string" },
      child: { type: "string" },
    },
  });
  if (positionals.length !== 1) {
    console.error(
      "Usage: deno task bench:load <file.parquet> [--engines native,wasm] [--repeat 5] [--peer-csv file.csv]",
    );
    Deno.exit(2);
  }
  if (values.child) {
    console.log(JSON.stringify(await benchLoad(positionals[0], values.child as EngineKind)));
  } else {
    const summaries = await benchLoadCold(positionals[0], {
      engines: values.engines.split(",") as EngineKind[],
      repeat: Number(values.repeat),
      peerCsv: values["peer-csv"],
    });
    for (const s of summaries) console.log(JSON.stringify(s));
  }
}
