/**
 * Helpers of the reliability suite: a temp copy of the project layout, small configs, recursive
 * snapshots (hash + mtime) of folders, child `deno run` processes, and the suite's summary counters.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { sha256File } from "../../lib/util/hash.ts";
import { CandlelabError } from "../../lib/util/errors.ts";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
/** The deno binary running the tests. */
export const DENO = Deno.execPath();
/** The shipped spot strategy. */
export const SPOT_STRATEGY = `${REPO}/configs/strategies/btc_spot_ema_cross_rsi.yaml`;
/** Folder the suite's counters go to; the summary test reads them. */
export const SUMMARY_DIR = join(Deno.env.get("TMPDIR") ?? "/tmp", "candlelab-reliability");
/** File holding the one-line summary at the end of the suite. */
export const SUMMARY_FILE = join(Deno.env.get("TMPDIR") ?? "/tmp", "candlelab-reliability-summary.txt");

/**
 * A temp project root with `configs/` and the bundled BTC spot sample (+ metadata) in `data/raw/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { makeProject } from "./_project.ts";
 * const root = await makeProject();
 * assert((await Deno.stat(`${root}/configs/features/ema_cross_rsi.yaml`)).isFile);
 * ```
 */
export async function makeProject(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "candlelab-rel-" });
  await _copyDir(`${REPO}/configs`, `${root}/configs`);
  await Deno.mkdir(`${root}/data/raw`, { recursive: true });
  for (const f of ["binance_BTC_USDT_spot_1h.parquet", "binance_BTC_USDT_spot_1h.parquet.metadata.json"]) {
    await Deno.copyFile(`${REPO}/data/raw/${f}`, `${root}/data/raw/${f}`);
  }
  return root;
}

async function _copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await _copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/**
 * The shipped spot strategy as plain data, shrunk to run in seconds (10 trees, bars from 2024-06-01);
 * `edit` changes it further.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { smallConfig } from "./_project.ts";
 * const c = smallConfig((c) => (c.seed = 3));
 * assert(c.seed === 3 && (c.model as { nTrees: number }).nTrees === 10);
 * ```
 */
export function smallConfig(edit: (c: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const c = parse(Deno.readTextFileSync(SPOT_STRATEGY)) as Record<string, unknown>;
  (c.model as Record<string, unknown>).nTrees = 10;
  (c.model as Record<string, unknown>).nWorkers = 1;
  (c.data as Record<string, unknown>).range = { start: "2024-06-01" };
  c.guard = { causalityCuts: 1, causalityRows: 2000 };
  edit(c);
  return c;
}

/**
 * Writes `config` as YAML into `root/configs/strategies/<name>.yaml`; returns the relative path.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { makeProject, smallConfig, writeConfig } from "./_project.ts";
 * const root = await makeProject();
 * assert((await writeConfig(root, "t", smallConfig())) === "configs/strategies/t.yaml");
 * ```
 */
export async function writeConfig(root: string, name: string, config: unknown): Promise<string> {
  const rel = `configs/strategies/${name}.yaml`;
  await Deno.writeTextFile(`${root}/${rel}`, typeof config === "string" ? config : stringify(config));
  return rel;
}

/**
 * SHA-256 and mtime of every file below `dir` (relative names), to prove that a refused input changed
 * nothing. `skip` drops files whose relative name matches.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { snapshotTree } from "./_project.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "x");
 * assert(Object.keys(await snapshotTree(dir)).join() === "a");
 * ```
 */
export async function snapshotTree(dir: string, skip?: RegExp): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip?.test(r)) continue;
      if (e.isDirectory) await walk(`${d}/${e.name}`, r);
      else if (e.isFile) {
        out[r] = `${await sha256File(`${d}/${e.name}`)}@${
          (await Deno.stat(`${d}/${e.name}`)).mtime?.getTime()
        }`;
      } else out[r] = "other";
    }
  };
  await walk(dir, "");
  return out;
}

/** Output of a finished child process. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run <flags> <script> ...args` with `cwd = root` (no prompts) and waits for it.
 *
 * @example
 * ```ts ignore
 * import { runDeno } from "./_project.ts";
 * const r = await runDeno(".", ["-A"], "lib/tasks/experiment.ts", []);
 * console.assert(r.code === 2);
 * ```
 */
export async function runDeno(
  root: string,
  flags: string[],
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<TaskOutput> {
  const out = await spawnDeno(root, flags, script, args, env).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Starts `deno run` as a child (piped output) without waiting; the caller owns the process.
 *
 * @example
 * ```ts ignore
 * import { spawnDeno } from "./_project.ts";
 * const child = spawnDeno(".", ["-A"], "lib/tasks/experiment.ts", ["x.yaml"]);
 * child.kill("SIGKILL");
 * ```
 */
export function spawnDeno(
  root: string,
  flags: string[],
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Deno.ChildProcess {
  return new Deno.Command(DENO, {
    args: ["run", "--no-prompt", "--config", `${REPO}/deno.json`, ...flags, `${REPO}/${script}`, ...args],
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Awaits `fn` and returns the error it throws; fails when it does not throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { caught } from "./_project.ts";
 * const e = await caught(() => Promise.reject(new RangeError("x")));
 * assert(e instanceof RangeError);
 * ```
 */
export async function caught(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new CandlelabError("Expected a rejection but the call succeeded");
}

/**
 * Adds `counts` to this suite part's counters (a JSON file per part in {@link SUMMARY_DIR}).
 *
 * @example
 * ```ts
 * import { recordCounts } from "./_project.ts";
 * await recordCounts("doc-example", { rejected: 1 });
 * ```
 */
export async function recordCounts(part: string, counts: Record<string, number | string>): Promise<void> {
  await Deno.mkdir(SUMMARY_DIR, { recursive: true });
  const file = `${SUMMARY_DIR}/${part}.json`;
  let old: Record<string, number | string> = {};
  try {
    old = JSON.parse(await Deno.readTextFile(file));
  } catch { /* first time */ }
  for (const [k, v] of Object.entries(counts)) {
    old[k] = typeof v === "number" && typeof old[k] === "number" ? (old[k] as number) + v : v;
  }
  await Deno.mkdir(dirname(file), { recursive: true });
  await Deno.writeTextFile(`${file}.tmp`, JSON.stringify(old));
  await Deno.rename(`${file}.tmp`, file);
}

/** Small seeded PRNG (mulberry32) in [0, 1): the project's own, from lib/util/random.ts. */
export { mulberry32 } from "../../lib/util/random.ts";

/** Counters of one part of the suite. */
export type Counts = Record<string, number | string>;

/**
 * The summary line from the per-part counters.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { summaryLine } from "./_project.ts";
 * assert(summaryLine({ crash: { kills: 3, files_lost: 0 } }).includes("3 kills survived"));
 * ```
 */
export function summaryLine(parts: Record<string, Counts>): string {
  const sum = (key: string) =>
    Object.values(parts).reduce((s, c) => s + (typeof c[key] === "number" ? (c[key] as number) : 0), 0);
  const has = (part: string) => part in parts;
  const n = (part: string, key: string, text: string) =>
    has(part) ? `${sum(key)} ${text}` : `(${part} not run)`;
  const fuzz = parts.fuzz
    ? `fuzz seed ${parts.fuzz.fuzz_seed}, ${parts.fuzz.fuzz_cases} cases`
    : "fuzz not run";
  const crash = parts.crash ? `kill seed ${parts.crash.kill_seed}` : "kills not run";
  return `reliability: ${sum("bad_inputs")} bad inputs rejected, ${n("crash", "kills", "kills survived")}, ` +
    `${n("concurrency", "concurrent_runs", "concurrent runs completed")}, ` +
    `${n("tamper", "tamper_detected", "tamperings detected")}, ${
      n("secrets", "secrets_kept_out", "secrets kept out of logs")
    }, ` +
    `${sum("files_lost")} files lost or corrupted (${fuzz}; ${crash})`;
}
