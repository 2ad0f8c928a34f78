/**
 * `deno task data:check <file|folder|glob>... [--asset X --quote Q --exchange E --market spot|perp
 * --interval 1h --kind ohlcv|funding|mark] [--json]` prints a quality report per Parquet file and exits 1
 * when a file no longer matches its metadata hash, fails a hard check (duplicates, unsorted, NaN or
 * non-positive prices) or cannot be read. The `--asset ...` fields describe files named off the
 * convention (they win over the name and metadata). Writes nothing.
 *
 * @module
 */
import { resolveSources } from "../data/load.ts";
import { checkFile, formatCheck } from "../data/metadata.ts";
import type { EngineKind } from "../data/engine.ts";
import type { DatasetFileInfo, FileKind } from "../data/filename.ts";
import { errorMessage, parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";
import { DATASET_FLAGS } from "./_dataset_flags.ts";

const _USAGE = "usage: deno task data:check <file|folder|glob>... [--asset BTC] [--quote USDT] " +
  "[--exchange binance] [--market spot|perp] [--interval 1h] [--kind ohlcv|funding|mark] [--engine native|wasm] " +
  "[--json]";

/** The flags of `deno task data:check` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    engine: { type: "string", default: "native" },
    json: { type: "boolean", default: false },
    ...DATASET_FLAGS,
  },
} as const satisfies TaskArgsConfig;

/**
 * Runs the task; returns the exit code. Report lines go to `out`, refusals of the arguments (exit 2) to `err`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./data_check.ts";
 * const lines: string[] = [];
 * const refusals: string[] = [];
 * assert.equal(await main(["--asset"], (l) => lines.push(l), (l) => refusals.push(l)), 2);
 * assert.deepEqual(lines, []);
 * assert.match(refusals[0], /usage/);
 * ```
 */
export async function main(
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const parsed = parseTaskArgs(args, ARGS, _USAGE, err);
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    err(`Cannot check data: no file, folder or glob given; ${_USAGE}`);
    return 2;
  }
  const market = values.market === undefined
    ? undefined
    : ({ spot: "spot", perp: "perpetual", perpetual: "perpetual" } as const)[values.market as "spot"];
  if (values.market !== undefined && market === undefined) {
    err(`Cannot check data: --market must be spot or perp, current value is ${values.market}; ${_USAGE}`);
    return 2;
  }
  if (values.kind !== undefined && !["ohlcv", "funding", "mark"].includes(values.kind)) {
    err(
      `Cannot check data: --kind must be ohlcv, funding or mark, current value is ${values.kind}; ${_USAGE}`,
    );
    return 2;
  }
  const overrides: Partial<DatasetFileInfo> = Object.fromEntries(
    Object.entries({
      asset: values.asset?.toUpperCase(),
      quote: values.quote?.toUpperCase(),
      exchange: values.exchange?.toLowerCase(),
      market,
      interval: values.interval,
      kind: values.kind as FileKind | undefined,
    }).filter(([, v]) => v !== undefined),
  );
  let failed = 0;
  let files: string[] = [];
  try {
    files = await resolveSources(positionals);
  } catch (err) {
    out(`error: ${errorMessage(err, SPEC)}`);
    return 1;
  }
  for (const file of files) {
    try {
      const r = await checkFile(file, { engine: values.engine as EngineKind, overrides });
      if (!r.ok) failed++;
      out(
        values.json
          ? JSON.stringify({ file, ok: r.ok, problems: r.problems, quality: r.current.quality })
          : formatCheck(r),
      );
    } catch (err) {
      failed++;
      out(`FAIL ${file}\n  error: ${errorMessage(err, SPEC)}`);
    }
  }
  if (!values.json) out(`\n${files.length - failed} of ${files.length} files OK`);
  return failed > 0 ? 1 : 0;
}

export const SPEC: TaskSpec = {
  name: "data:check",
  usage: _USAGE.replace(/^usage: /, ""),
  about: "Quality report of data files; exit 1 if a file no longer matches its .metadata.json.",
  reads: "anything",
};

if (import.meta.main) await runTask(SPEC, main);
