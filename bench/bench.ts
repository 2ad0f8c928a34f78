/**
 * `deno task bench --input <parquet> [--json] [--model rf|gbt] [--engine native|wasm]`: the peer's workload
 * (bench/workload.ts) in one process, with `deno task experiment`'s permissions (input under /tmp). Prints the peer's JSON lines with `--json`, a readable table
 * otherwise, and the process's peak memory (VmHWM).
 *
 * `deno task bench:compare` runs it beside the peer in cold processes (bench/compare.ts).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BenchLine, runWorkload } from "./workload.ts";
import type { ModelConfigInput } from "../lib/models/mod.ts";

const MODELS: Record<string, ModelConfigInput> = {
  rf: { kind: "hist_random_forest", nTrees: 100, maxDepth: 10, seed: 0, nWorkers: 2 },
  gbt: {
    kind: "hist_gradient_boosting",
    nRounds: 100,
    maxDepth: 6,
    maxLeaves: 31,
    learningRate: 0.1,
    seed: 0,
  },
};

/**
 * Peak resident memory of this process in bytes (Linux VmHWM), or null where /proc is not readable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peakRssBytes } from "./bench.ts";
 * const p = peakRssBytes();
 * assert.ok(p === null || p > 0);
 * ```
 */
export function peakRssBytes(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      input: { type: "string" },
      json: { type: "boolean", default: false },
      model: { type: "string", default: "rf" },
      engine: { type: "string", default: "native" },
    },
  });
  if (!values.input || !MODELS[values.model!] || !["native", "wasm"].includes(values.engine!)) {
    console.error(
      "usage: deno task bench --input <parquet> [--json] [--model rf|gbt] [--engine native|wasm]\n" +
        "  make the input with: deno task data:synth --rows 1000000 --interval 1m --seed 42 --trend 0.15 --out <file>",
    );
    Deno.exit(2);
  }
  const lines: BenchLine[] = [];
  const emit = (l: BenchLine) => {
    lines.push(l);
    if (values.json) console.log(JSON.stringify(l));
    else if ("seconds" in l) {
      console.log(
        `${l.stage.padEnd(12)} ${(l.seconds as number).toFixed(3).padStart(9)} s  ${l.rows ?? ""} rows`,
      );
    } else console.log(`${l.stage.padEnd(12)} ${JSON.stringify({ ...l, stage: undefined })}`);
  };
  await runWorkload({
    input: values.input,
    model: MODELS[values.model!],
    engine: values.engine as "native",
    emit,
  });
  emit({ stage: "memory", peak_rss_bytes: peakRssBytes(), deno: Deno.version.deno });
}
