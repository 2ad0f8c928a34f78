/**
 * `deno task data:synth --rows N --interval 1m --seed S [--out path] [--trend x] [--start ISO]` writes
 * deterministic synthetic bars to Parquet (in chunks) plus `<file>.metadata.json` marked `synthetic: true`.
 * Default out: `data/cache/synth/synthetic_SYN_USD_spot_{interval}_{rows}r_s{seed}.parquet`.
 *
 * @module
 */
import { synthBars } from "../data/synth.ts";
import { writeParquet } from "../data/write.ts";
import { metadataPath, writeMetadata } from "../data/metadata.ts";
import { parseTime } from "../data/interval.ts";
import { numberFlag, parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

export const SPEC: TaskSpec = {
  name: "data:synth",
  usage:
    "deno task data:synth --rows N [--interval 1m] [--seed S] [--trend x] [--start 2020-01-01] [--out path]",
  about: "Writes synthetic bars (and their .metadata.json) for tests and benchmarks.",
  reads: "the project folder",
  writes: "data/",
};

/** The flags of `deno task data:synth` (parsed strictly). */
export const ARGS = {
  options: {
    rows: { type: "string" },
    interval: { type: "string", default: "1m" },
    seed: { type: "string", default: "42" },
    out: { type: "string" },
    trend: { type: "string", default: "0.05" },
    start: { type: "string", default: "2020-01-01" },
  },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const usage = `usage: ${SPEC.usage}`;
    const { values } = parseTaskArgs(args, ARGS, usage);
    const rows = Number(values.rows);
    const seed = Number(values.seed);
    if (!Number.isInteger(rows) || rows <= 0 || !Number.isInteger(seed)) {
      console.error(
        `Cannot make synthetic data: --rows must be a positive integer and --seed an integer, current values are ${values.rows} and ${values.seed}; ${usage}`,
      );
      return 2;
    }
    const trend = numberFlag(values.trend, "trend", usage)!;
    const out = values.out ??
      `data/cache/synth/synthetic_SYN_USD_spot_${values.interval}_${rows}r_s${seed}.parquet`;
    const t0 = performance.now();
    const n = await writeParquet(
      out,
      synthBars({
        rows,
        interval: values.interval,
        seed,
        trend,
        start: parseTime(values.start),
      }),
    );
    console.log(`wrote ${out}: ${n} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await writeMetadata(out, {
      synthetic: true,
      seed,
      origin:
        `deno task data:synth --rows ${rows} --interval ${values.interval} --seed ${seed} --trend ${values.trend} --start ${values.start}`,
      overrides: {
        exchange: "synthetic",
        asset: "SYN",
        quote: "USD",
        market: "spot",
        interval: values.interval,
        kind: "ohlcv",
      },
    });
    console.log(`wrote ${metadataPath(out)}`);
  });
}
