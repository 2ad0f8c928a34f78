/**
 * Benchmark of the classifiers on a synthetic matrix shaped like the peer's workload (200,000 training
 * rows x 30 float64 features, 3 classes, planted signal), scored on the block of rows that follows.
 * Prints JSON lines: {"stage":"fit"|"predict","model","workers","seconds","rows","trees"} (fit lines also
 * carry "cpu_seconds", the process CPU time, which is steadier than wall time on a shared machine, and
 * "ms_per_tree"; predict lines say "mode": "sync" (`predictProba` in this thread) or "pool"
 * (`predictProbaAsync` in the workers), for models that have it) and
 * {"stage":"score","model","workers","accuracy","macro_f1","majority","rows"}. All runs share one
 * `WorkerPool`, as walk-forward folds do, so each run after the first finds its workers warm.
 *
 *   deno run -A bench/models.ts [--rows 200000] [--test-rows 50000] [--features 30] [--trees 100]
 *     [--depth 10] [--workers 1,2] [--rounds 50] [--ml-rows 1000] [--noise 1] [--seed 0]
 *     [--models hist_random_forest,hist_gradient_boosting,ml_random_forest] [--dump /tmp/matrix]
 *
 * `--dump` also writes the matrix (float64, column-major: features then label) and a .json sidecar so
 * another tool (e.g. scikit-learn) can be timed on the same numbers. Timings depend on machine load.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";
import { createModel } from "../lib/models/factory.ts";
import type { ModelConfigInput } from "../lib/models/config.ts";
import { plantedSignal, scoreClasses, sliceRows } from "../lib/models/synthetic.ts";
import { writeFileAtomic, writeJsonAtomic } from "../lib/util/atomic.ts";
import { WorkerPool } from "../lib/models/worker_pool.ts";

/**
 * Runs the benchmark with command-line style arguments and returns the JSON records it printed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runModelBench } from "./models.ts";
 * const out = await runModelBench(["--rows", "300", "--test-rows", "100", "--features", "5", "--trees", "3",
 *   "--workers", "1", "--rounds", "2", "--ml-rows", "100", "--quiet"]);
 * assert(out.some((r) => r.stage === "score" && r.model === "ml_random_forest"));
 * ```
 */
export async function runModelBench(args: string[]): Promise<Record<string, unknown>[]> {
  const { values: o } = parseArgs({
    args,
    options: {
      rows: { type: "string", default: "200000" },
      "test-rows": { type: "string", default: "50000" },
      features: { type: "string", default: "30" },
      trees: { type: "string", default: "100" },
      depth: { type: "string", default: "10" },
      workers: { type: "string", default: "1,2" },
      rounds: { type: "string", default: "50" },
      "ml-rows": { type: "string", default: "1000" },
      noise: { type: "string", default: "1" },
      seed: { type: "string", default: "0" },
      models: { type: "string", default: "hist_random_forest,hist_gradient_boosting,ml_random_forest" },
      dump: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const rows = Number(o.rows),
    testRows = Number(o["test-rows"]),
    trees = Number(o.trees),
    depth = Number(o.depth);
  const data = plantedSignal(rows + testRows, Number(o.features), Number(o.seed), Number(o.noise));
  const train = sliceRows(data, 0, rows), test = sliceRows(data, rows, rows + testRows);
  const out: Record<string, unknown>[] = [];
  const emit = (r: Record<string, unknown>) => {
    out.push(r);
    if (!o.quiet) console.log(JSON.stringify(r));
  };
  if (o.dump) await _dump(o.dump, data.X.columns, data.y, rows);

  using pool = new WorkerPool();
  for (const model of o.models.split(",")) {
    const runs: { workers: number; spec: ModelConfigInput; n: number }[] = [];
    if (model === "hist_random_forest") {
      for (const w of o.workers.split(",").map(Number)) {
        runs.push({
          workers: w,
          n: rows,
          spec: { kind: model, nTrees: trees, maxDepth: depth, nWorkers: w },
        });
      }
    } else if (model === "hist_gradient_boosting") {
      for (const w of o.workers.split(",").map(Number)) {
        runs.push({
          workers: w,
          n: rows,
          spec: { kind: model, nRounds: Number(o.rounds), maxDepth: depth, nWorkers: w },
        });
      }
    } else if (model === "ml_random_forest") {
      const n = Math.min(rows, Number(o["ml-rows"]));
      runs.push({
        workers: 1,
        n,
        spec: { kind: model, nTrees: Math.min(trees, 10), maxDepth: depth, maxRows: null },
      });
    } else {throw new Error(
        `Cannot run bench: unknown model "${model}"; use ${"hist_random_forest,hist_gradient_boosting,ml_random_forest"}`,
      );}
    for (const { workers, spec, n } of runs) {
      const tr = n === rows ? train : sliceRows(train, rows - n, rows); // the most recent n rows
      const m = createModel(spec);
      let t = performance.now();
      const cpu0 = cpuUsage();
      await m.fit(tr.X, tr.y, undefined, { pool });
      const cpu = cpuUsage(cpu0);
      const nTrees = "nTrees" in spec ? spec.nTrees : (spec as { nRounds: number }).nRounds * 3;
      const seconds = (performance.now() - t) / 1000;
      emit({
        stage: "fit",
        model,
        workers,
        seconds,
        cpu_seconds: (cpu.user + cpu.system) / 1e6,
        ms_per_tree: nTrees ? (seconds * 1000 * workers) / nTrees : null,
        rows: n,
        trees: nTrees,
      });
      t = performance.now();
      const pred = m.predict(test.X);
      emit({
        stage: "predict",
        model,
        workers,
        mode: "sync",
        seconds: (performance.now() - t) / 1000,
        rows: testRows,
      });
      if (m.predictProbaAsync) {
        t = performance.now();
        await m.predictProbaAsync(test.X, { pool });
        emit({
          stage: "predict",
          model,
          workers,
          mode: "pool",
          seconds: (performance.now() - t) / 1000,
          rows: testRows,
        });
      }
      const s = scoreClasses(test.y, pred, 3);
      emit({
        stage: "score",
        model,
        workers,
        accuracy: s.accuracy,
        macro_f1: s.macroF1,
        majority: s.majority,
        rows: testRows,
      });
    }
  }
  return out;
}

async function _dump(path: string, columns: Float64Array[], y: Int32Array, trainRows: number): Promise<void> {
  const n = y.length, all = new Float64Array(n * (columns.length + 1));
  columns.forEach((c, f) => all.set(c, f * n));
  all.set(Float64Array.from(y), columns.length * n);
  await writeFileAtomic(path, new Uint8Array(all.buffer));
  await writeJsonAtomic(`${path}.json`, {
    rows: n,
    trainRows,
    features: columns.length,
    layout: "column-major float64, label last",
  });
}

if (import.meta.main) await runModelBench(Deno.args);
