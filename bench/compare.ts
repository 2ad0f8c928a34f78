/**
 * `deno task bench:compare [--rows 1000000] [--reps 3] [--trend 0.15] [--dir /tmp/candlelab-bench]
 *   [--peer ../shared/peers] [--no-peer] [--model rf|gbt]`
 *
 * Runs Candlelab's workload (bench/bench.ts) and the pandas + scikit-learn peer on the same rows, each
 * measurement in its own cold process under `/usr/bin/time -v` (peak RSS measured the same way for both),
 * alternating the two, and prints the median of every stage side by side as a Markdown table plus one JSON
 * summary line. Input is written once by the peer's own generator (Parquet for Candlelab, CSV for pandas).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";

/** Parsed output of one process: stage lines plus peak RSS. */
export interface Measurement {
  stages: Record<string, number>;
  folds: { fold: number; macro_f1: number; accuracy: number; fit_seconds: number }[];
  peakRssBytes: number | null;
  wallSeconds: number | null;
}

/**
 * Median of numbers (mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import { median } from "./compare.ts";
 * console.assert(median([3, 1, 2]) === 2 && median([1, 2, 3, 4]) === 2.5);
 * ```
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Parses JSON stage lines and `/usr/bin/time -v` output.
 *
 * @example
 * ```ts
 * import { parseMeasurement } from "./compare.ts";
 * const m = parseMeasurement('{"stage":"load","seconds":0.5,"rows":3}\n', "Maximum resident set size (kbytes): 1000\n");
 * console.assert(m.stages.load === 0.5 && m.peakRssBytes === 1024000);
 * ```
 */
export function parseMeasurement(stdout: string, timeOutput: string): Measurement {
  const stages: Record<string, number> = {};
  const folds: Measurement["folds"] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const o = JSON.parse(line);
    if (o.stage === "fold") {
      folds.push({ fold: o.fold, macro_f1: o.macro_f1, accuracy: o.accuracy, fit_seconds: o.fit_seconds });
    } else if (typeof o.seconds === "number") stages[o.stage] = o.seconds;
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeOutput);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(timeOutput);
  return {
    stages,
    folds,
    peakRssBytes: rss ? Number(rss[1]) * 1024 : null,
    wallSeconds: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : null,
  };
}

async function _timed(cmd: string, args: string[], cwd?: string): Promise<Measurement> {
  const timeFile = await Deno.makeTempFile();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-v", "-o", timeFile, cmd, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  }
  const m = parseMeasurement(stdout, await Deno.readTextFile(timeFile));
  await Deno.remove(timeFile);
  return m;
}

async function _exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

async function _makeData(dir: string, peer: string, rows: number, trend: number): Promise<string> {
  const base = join(dir, `ohlcv_${rows}_trend${trend}`);
  if (await _exists(`${base}.parquet`) && await _exists(`${base}.csv`)) return base;
  await Deno.mkdir(dir, { recursive: true });
  // the peer's generator, run with Node against Candlelab's own @duckdb/node-api install
  await Deno.copyFile(join(peer, "make_data.mjs"), join(dir, "make_data.mjs"));
  const nm = join(dir, "node_modules");
  if (!await _exists(nm)) await Deno.symlink(resolve("node_modules"), nm);
  const out = await new Deno.Command("node", {
    args: ["make_data.mjs", "--rows", String(rows), "--trend", String(trend), "--out", base],
    cwd: dir,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the peer's generator failed for ${rows} rows`);
  return base;
}

function _fmt(x: number | undefined, digits = 2): string {
  return x === undefined || Number.isNaN(x) ? "—" : x.toFixed(digits);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "1000000" },
      reps: { type: "string", default: "3" },
      trend: { type: "string", default: "0.15" },
      dir: { type: "string", default: "/tmp/candlelab-bench" },
      peer: { type: "string", default: "../shared/peers" },
      "no-peer": { type: "boolean", default: false },
      model: { type: "string", default: "rf" },
      engine: { type: "string", default: "native" },
    },
  });
  const rows = Number(values.rows), reps = Number(values.reps), trend = Number(values.trend);
  const base = await _makeData(values.dir!, values.peer!, rows, trend);
  const ours: Measurement[] = [];
  const theirs: Measurement[] = [];
  for (let r = 0; r < reps; r++) {
    console.error(`rep ${r + 1}/${reps}: candlelab`);
    ours.push(
      await _timed(Deno.execPath(), [
        "run",
        "-A",
        "bench/bench.ts",
        "--json",
        "--input",
        `${base}.parquet`,
        "--model",
        values.model!,
        "--engine",
        values.engine!,
      ]),
    );
    if (!values["no-peer"]) {
      console.error(`rep ${r + 1}/${reps}: peer (pandas + scikit-learn)`);
      theirs.push(
        await _timed("/usr/bin/python3", [
          resolve(values.peer!, "pipeline_sklearn.py"),
          "--input",
          `${base}.csv`,
        ]),
      );
    }
  }
  const stages = ["load", "features", "labels", "walkforward", "backtest", "total"];
  const med = (ms: Measurement[], s: string) => ms.length ? median(ms.map((m) => m.stages[s])) : NaN;
  const summary: Record<string, unknown> = {
    rows,
    reps,
    trend,
    model: values.model,
    engine: values.engine,
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    cpus: navigator.hardwareConcurrency,
  };
  console.log(
    `\n| stage (${rows.toLocaleString("en")} rows, median of ${reps}) | Candlelab s | peer s | ratio |`,
  );
  console.log("|---|---:|---:|---:|");
  for (const s of stages) {
    const a = med(ours, s), b = med(theirs, s);
    summary[s] = { candlelab: a, peer: b, ratio: a / b };
    console.log(`| ${s} | ${_fmt(a, 3)} | ${_fmt(b, 2)} | ${_fmt(a / b, 3)} |`);
  }
  const fl = (ms: Measurement[]) =>
    ms.length ? median(ms.map((m) => m.stages.features + m.stages.labels)) : NaN;
  const fa = fl(ours), fb = fl(theirs);
  console.log(`| features + labels | ${_fmt(fa, 3)} | ${_fmt(fb, 2)} | ${_fmt(fa / fb, 3)} |`);
  const ra = median(ours.map((m) => m.peakRssBytes ?? NaN)) / 2 ** 20;
  const rb = theirs.length ? median(theirs.map((m) => m.peakRssBytes ?? NaN)) / 2 ** 20 : NaN;
  console.log(`| peak RSS (MiB) | ${_fmt(ra, 0)} | ${_fmt(rb, 0)} | ${_fmt(ra / rb, 2)} |`);
  summary.features_labels = { candlelab: fa, peer: fb, ratio: fa / fb };
  summary.peak_rss_mib = { candlelab: ra, peer: rb };
  console.log("\n| fold | Candlelab macro-F1 | peer macro-F1 | diff | Candlelab fit s | peer fit s |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  const folds = [];
  for (let f = 0; f < (ours[0]?.folds.length ?? 0); f++) {
    const a = ours[0].folds[f], b = theirs[0]?.folds[f];
    const fitA = median(ours.map((m) => m.folds[f].fit_seconds));
    const fitB = theirs.length ? median(theirs.map((m) => m.folds[f].fit_seconds)) : NaN;
    folds.push({ fold: a.fold, macro_f1: a.macro_f1, peer_macro_f1: b?.macro_f1, fit: fitA, peer_fit: fitB });
    console.log(
      `| ${a.fold} | ${_fmt(a.macro_f1, 4)} | ${_fmt(b?.macro_f1, 4)} | ${
        _fmt(b ? a.macro_f1 - b.macro_f1 : NaN, 4)
      } | ${_fmt(fitA, 2)} | ${_fmt(fitB, 2)} |`,
    );
  }
  summary.folds = folds;
  console.log("\n" + JSON.stringify(summary));
}
