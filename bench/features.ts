/**
 * Benchmark of features + labels on the peer's workload: the `peer30` feature set and the peer's label
 * (vol_scaled, h = 15, k = 0.5, vol_60) over synthetic minute bars read from Parquet.
 * Prints JSON lines: {"stage":"load"|"features"|"labels","seconds","rows","run"} per run, then
 * {"stage":"summary","features_median","labels_median","features_cpu_median","labels_cpu_median",
 * "first_run_total","peak_rss_mb"}. `cpu_seconds` is process CPU time (steadier than wall time on a shared
 * machine, but it includes GC threads).
 * Both stages are the workload's own (bench/workload.ts `featureStage`, `labelStage`): labels, the kept
 * rows and the feature matrix over them.
 * RSS is sampled between stages (Deno.memoryUsage().rss), so the true peak can be a little higher.
 * Timings depend on machine load.
 *
 *   deno task bench:features [--input ohlcv.parquet] [--rows 1000000] [--runs 3] [--alloc default|huge]
 *
 * `--alloc default` computes the features as `deno task experiment` does (plain arrays). `--alloc huge`
 * takes the feature columns from the huge-page arena kept in bench/alloc.ts for comparison (ADR-036); it
 * needs unscoped FFI, so run it as `deno run -A bench/features.ts --alloc huge` (the config line says which
 * allocator ran).
 *
 * Without --input, `--rows` synthetic 1-minute bars (lib/data synthBars, seed 42) are written to a temp
 * Parquet file first.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";
import { loadBars, synthBars, writeParquet } from "../lib/data/mod.ts";
import { computeFeatureColumns, type FeatureSet } from "../lib/features/mod.ts";
import { loadFeatureSetSpec } from "../lib/features/config.ts";
import { resolveFeatureSet } from "../lib/features/set.ts";
import { hugePageAllocator } from "./alloc.ts";
import { featureStage, labelStage, PEER } from "./workload.ts";

function _cpuSeconds(since: { user: number; system: number }): number {
  const now = cpuUsage(since);
  return (now.user + now.system) / 1e6;
}

const ROOT = new URL("../", import.meta.url).pathname;

/**
 * Bytes the arena hands out for the set's columns over `rows` bars (each rounded up to its 64-byte
 * alignment), for `ColumnAllocator.reserve`, so that memory is pre-faulted in the background while the
 * features are computed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveFeatureSet } from "../lib/features/mod.ts";
 * import { stageBytes } from "./features.ts";
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "log_return" }] });
 * assert.equal(stageBytes(set, 1_000_001), 8_000_064);
 * ```
 */
export function stageBytes(set: FeatureSet, rows: number): number {
  return set.columns.length * Math.ceil((8 * rows) / 64) * 64;
}

/**
 * Runs the benchmark with command-line style arguments and returns the JSON records it printed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFeatureBench } from "./features.ts";
 * const out = await runFeatureBench(["--rows", "3000", "--runs", "1"], () => {});
 * assert.ok(out.some((r) => r.stage === "features" && r.rows === 3000));
 * ```
 */
export async function runFeatureBench(
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<Record<string, unknown>[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: "string" },
      rows: { type: "string", default: "1000000" },
      runs: { type: "string", default: "3" },
      alloc: { type: "string", default: "default" },
    },
  });
  const records: Record<string, unknown>[] = [];
  const emit = (r: Record<string, unknown>) => {
    records.push(r);
    print(JSON.stringify(r));
  };
  let peak = Deno.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, Deno.memoryUsage().rss));
  let input = values.input;
  let tmp: string | undefined;
  if (!input) {
    tmp = await Deno.makeTempDir({ prefix: "candlelab-bench-features-" });
    input = `${tmp}/ohlcv.parquet`;
    await writeParquet(input, synthBars({ rows: Number(values.rows), seed: 42, interval: "1m" }));
  }
  try {
    const allocator = values.alloc === "huge" ? hugePageAllocator() : undefined;
    emit({ stage: "config", alloc: allocator ? "huge" : "default" });
    const set = resolveFeatureSet(await loadFeatureSetSpec("peer30", `${ROOT}configs/features`));
    let t = performance.now();
    const { table } = await loadBars(input);
    const rows = table.numRows();
    emit({ stage: "load", seconds: (performance.now() - t) / 1000, rows });
    sample();
    const feats: number[] = [];
    const labs: number[] = [];
    const fcpus: number[] = [];
    const lcpus: number[] = [];
    for (let run = 1; run <= Number(values.runs); run++) {
      t = performance.now();
      let cpu = cpuUsage();
      allocator?.reserve(stageBytes(set, rows));
      const cols = allocator
        ? computeFeatureColumns(table, set, {
          timing: { intervalMs: PEER.intervalMs },
          alloc: allocator.alloc,
        })
        : featureStage(table, set);
      const fs = (performance.now() - t) / 1000;
      const fcpu = _cpuSeconds(cpu);
      sample();
      emit({ stage: "features", seconds: fs, cpu_seconds: fcpu, rows, cols: set.columns.length, run });
      t = performance.now();
      cpu = cpuUsage();
      const { X, classCounts } = labelStage(table, set, cols);
      const ls = (performance.now() - t) / 1000;
      const lcpu = _cpuSeconds(cpu);
      sample();
      emit({
        stage: "labels",
        seconds: ls,
        cpu_seconds: lcpu,
        rows: X.nRows,
        class_counts: classCounts,
        matrix_cols: X.columns.length,
        run,
      });
      feats.push(fs);
      labs.push(ls);
      fcpus.push(fcpu);
      lcpus.push(lcpu);
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    emit({
      stage: "summary",
      rows,
      features_median: med(feats),
      labels_median: med(labs),
      features_cpu_median: med(fcpus),
      labels_cpu_median: med(lcpus),
      first_run_total: feats[0] + labs[0],
      peak_rss_mb: Math.round(peak / 1048576),
    });
    await allocator?.close();
  } finally {
    if (tmp) await Deno.remove(tmp, { recursive: true });
  }
  return records;
}

if (import.meta.main) await runFeatureBench(Deno.args);
