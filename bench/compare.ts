/**
 * `deno task bench:compare [--rows 1000000] [--reps 3] [--trend 0.15] [--dir /tmp/candlelab-bench]
 *   [--peer ../shared/peers] [--no-peer] [--model rf|gbt] [--peer-models sklearn-rf,xgb-rf]`
 *
 * Runs Candlelab's workload (bench/bench.ts) and the pandas peer (`pipeline_sklearn.py --model <m>` for each
 * peer model: by default `sklearn-rf,xgb-rf` beside `--model rf` and `xgb-gbt,sklearn-hgb` beside
 * `--model gbt`; XGBoost needs Debian's `python3-xgboost`) on the same rows, each measurement in its own cold
 * process under `/usr/bin/time -v` (peak RSS measured the same way for all), alternating them, and prints the
 * median of every stage side by side as Markdown tables (stages, then fit seconds and macro-F1 per fold with
 * Candlelab's ratio to each peer) plus one JSON summary line. Input is written once by the peer's own
 * generator (Parquet for Candlelab, CSV for pandas).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { benchPermissions } from "./permissions.ts";

/** Parsed output of one process: stage lines plus peak RSS. */
export interface Measurement {
  stages: Record<string, number>;
  folds: { fold: number; macro_f1: number; accuracy: number; fit_seconds: number }[];
  peakRssBytes: number | null;
  wallSeconds: number | null;
  /** User + system CPU seconds of the process (all threads): steadier than wall time on a busy machine. */
  cpuSeconds: number | null;
}

/**
 * Median of numbers (mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./compare.ts";
 * assert(median([3, 1, 2]) === 2 && median([1, 2, 3, 4]) === 2.5);
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
 * import assert from "node:assert/strict";
 * import { parseMeasurement } from "./compare.ts";
 * const m = parseMeasurement('{"stage":"load","seconds":0.5,"rows":3}\n', "Maximum resident set size (kbytes): 1000\n");
 * assert(m.stages.load === 0.5 && m.peakRssBytes === 1024000);
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
  const user = /User time \(seconds\): ([\d.]+)/.exec(timeOutput);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(timeOutput);
  return {
    stages,
    folds,
    cpuSeconds: user && sys ? Number(user[1]) + Number(sys[1]) : null,
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
  // each measurement as soon as it is taken, so an interrupted sitting keeps what it measured
  console.error(JSON.stringify({
    measured: args.find((a) => a.endsWith(".py") || a.endsWith(".ts")),
    model: args[args.indexOf("--model") + 1],
    wall: m.wallSeconds,
    cpu: m.cpuSeconds,
    peak_rss_mib: m.peakRssBytes === null ? null : Math.round(m.peakRssBytes / 2 ** 20),
    walkforward: m.stages.walkforward,
    fit: m.folds.map((f) => Number(f.fit_seconds.toFixed(3))),
    macro_f1: m.folds.map((f) => Number(f.macro_f1.toFixed(4))),
  }));
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
  // ln, not Deno.symlink: Deno 2.9.6 refuses a symlink under the path-scoped --allow-write of the task
  if (!await _exists(nm)) {
    const ln = await new Deno.Command("/usr/bin/ln", { args: ["-s", resolve("node_modules"), nm] }).output();
    if (!ln.success) {
      throw new Error(`cannot link ${nm} to node_modules: ${new TextDecoder().decode(ln.stderr)}`);
    }
  }
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

/** Peer models run beside each Candlelab model by default (the first is the stage table's reference). */
export const PEER_MODELS: Record<string, string[]> = {
  rf: ["sklearn-rf", "xgb-rf"],
  gbt: ["xgb-gbt", "sklearn-hgb"],
};

/** One fold of {@link foldTable}: Candlelab's figures and, per peer model, its figures and the fit ratio. */
export interface FoldRow {
  fold: number;
  macro_f1: number;
  fit: number;
  peers: Record<string, { macro_f1: number; fit: number; fit_ratio: number }>;
}

/**
 * The fold table: per fold, Candlelab's macro-F1 and median fit seconds beside each peer's, with the
 * differences (macro-F1) and ratios (fit) against each peer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldTable } from "./compare.ts";
 * const m = (f1: number, s: number) => ({ stages: {}, peakRssBytes: null, wallSeconds: null, cpuSeconds: null,
 *   folds: [{ fold: 1, macro_f1: f1, accuracy: 0.5, fit_seconds: s }] });
 * const t = foldTable([m(0.42, 1)], { "xgb-gbt": [m(0.421, 2)] });
 * assert(t.lines[2] === "| 1 | 0.4200 | 0.4210 | -0.0010 | 1.00 | 2.00 | 0.50 |");
 * assert(t.folds[0].peers["xgb-gbt"].fit_ratio === 0.5);
 * ```
 */
export function foldTable(
  ours: Measurement[],
  peers: Record<string, Measurement[]>,
): { lines: string[]; folds: FoldRow[] } {
  const names = Object.keys(peers).filter((k) => peers[k].length > 0);
  const head = ["fold", "Candlelab macro-F1"];
  for (const n of names) head.push(`${n} macro-F1`, `diff vs ${n}`);
  head.push("Candlelab fit s");
  for (const n of names) head.push(`${n} fit s`, `ratio vs ${n}`);
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---:").join("|")}|`];
  const folds: FoldRow[] = [];
  for (let f = 0; f < (ours[0]?.folds.length ?? 0); f++) {
    const a = ours[0].folds[f], fitA = median(ours.map((m) => m.folds[f].fit_seconds));
    const cells = [String(a.fold), _fmt(a.macro_f1, 4)];
    const per: FoldRow["peers"] = {};
    for (const n of names) {
      const b = peers[n][0].folds[f];
      cells.push(_fmt(b?.macro_f1, 4), _fmt(b ? a.macro_f1 - b.macro_f1 : NaN, 4));
    }
    cells.push(_fmt(fitA, 2));
    for (const n of names) {
      const b = peers[n][0].folds[f];
      const fitB = median(peers[n].map((m) => m.folds[f].fit_seconds));
      cells.push(_fmt(fitB, 2), _fmt(fitA / fitB, 2));
      per[n] = { macro_f1: b?.macro_f1 ?? NaN, fit: fitB, fit_ratio: fitA / fitB };
    }
    lines.push(`| ${cells.join(" | ")} |`);
    folds.push({ fold: a.fold, macro_f1: a.macro_f1, fit: fitA, peers: per });
  }
  return { lines, folds };
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
      "peer-models": { type: "string" },
      engine: { type: "string", default: "native" },
    },
  });
  const rows = Number(values.rows), reps = Number(values.reps), trend = Number(values.trend);
  const peerModels = values["no-peer"]
    ? []
    : (values["peer-models"]?.split(",").filter(Boolean) ?? PEER_MODELS[values.model!] ?? []);
  const base = await _makeData(values.dir!, values.peer!, rows, trend);
  const loadAvg = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  const loads: string[] = [loadAvg()];
  const ours: Measurement[] = [];
  const peers: Record<string, Measurement[]> = Object.fromEntries(peerModels.map((m) => [m, []]));
  for (let r = 0; r < reps; r++) {
    console.error(`rep ${r + 1}/${reps}: candlelab (load ${loadAvg()})`);
    ours.push(
      await _timed(Deno.execPath(), [
        "run",
        ...benchPermissions(`${base}.parquet`), // deno task experiment's (ADR-036)
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
    for (const pm of peerModels) {
      console.error(`rep ${r + 1}/${reps}: peer ${pm} (load ${loadAvg()})`);
      peers[pm].push(
        await _timed("/usr/bin/python3", [
          resolve(values.peer!, "pipeline_sklearn.py"),
          "--input",
          `${base}.csv`,
          "--model",
          pm,
        ]),
      );
    }
    loads.push(loadAvg());
  }
  const stages = ["load", "features", "labels", "walkforward", "backtest", "total"];
  const med = (ms: Measurement[], s: string) => ms.length ? median(ms.map((m) => m.stages[s])) : NaN;
  const summary: Record<string, unknown> = {
    rows,
    reps,
    trend,
    model: values.model,
    peer_models: peerModels,
    engine: values.engine,
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    cpus: navigator.hardwareConcurrency,
    loadavg: loads,
  };
  const ref = peerModels[0];
  const theirs = ref ? peers[ref] : [];
  console.log(`\nload average (1, 5, 15 min) before and after each rep: ${loads.join(" | ")}`);
  console.log(
    `\n| stage (${rows.toLocaleString("en")} rows, median of ${reps}) | Candlelab s | peer ${
      ref ?? ""
    } s | ratio |`,
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
  const rss = (ms: Measurement[]) => ms.length ? median(ms.map((m) => m.peakRssBytes ?? NaN)) / 2 ** 20 : NaN;
  const ra = rss(ours), rb = rss(theirs);
  console.log(`| peak RSS (MiB) | ${_fmt(ra, 0)} | ${_fmt(rb, 0)} | ${_fmt(ra / rb, 2)} |`);
  const cpu = (ms: Measurement[]) => ms.length ? median(ms.map((m) => m.cpuSeconds ?? NaN)) : NaN;
  const ca = cpu(ours), cb = cpu(theirs);
  console.log(`| process CPU s (all threads) | ${_fmt(ca, 1)} | ${_fmt(cb, 1)} | ${_fmt(ca / cb, 3)} |`);
  summary.cpu_seconds = { candlelab: ca, ...Object.fromEntries(peerModels.map((m) => [m, cpu(peers[m])])) };
  summary.features_labels = { candlelab: fa, peer: fb, ratio: fa / fb };
  summary.peak_rss_mib = { candlelab: ra, ...Object.fromEntries(peerModels.map((m) => [m, rss(peers[m])])) };
  const wf = (ms: Measurement[]) => med(ms, "walkforward");
  summary.walkforward_by_peer = Object.fromEntries(peerModels.map((m) => [m, wf(peers[m])]));
  for (const m of peerModels.slice(1)) {
    const b = wf(peers[m]), c = cpu(peers[m]);
    console.log(`| walkforward vs ${m} | ${_fmt(wf(ours), 3)} | ${_fmt(b, 2)} | ${_fmt(wf(ours) / b, 3)} |`);
    console.log(`| process CPU s vs ${m} | ${_fmt(ca, 1)} | ${_fmt(c, 1)} | ${_fmt(ca / c, 3)} |`);
  }
  const table = foldTable(ours, peers);
  console.log("\n" + table.lines.join("\n"));
  summary.folds = table.folds;
  console.log("\n" + JSON.stringify(summary));
}
