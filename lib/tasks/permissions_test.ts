/**
 * Least privilege of `deno task`s: deno.json is parsed and every task's `deno run` flags are held to
 * the rules below; tasks with scoped writes are then run, with exactly their declared flags and
 * `--no-prompt`, against a folder outside their own, and must fail with a permission error while the
 * outside folder stays untouched.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
/** deno.json, or another file to try proposed flags (CANDLELAB_DENO_JSON). */
const CONFIG = Deno.env.get("CANDLELAB_DENO_JSON") ?? `${REPO}/deno.json`;
const TASKS: Record<string, string> = JSON.parse(await Deno.readTextFile(CONFIG)).tasks;

/**
 * Tasks that may keep -A: `test` spawns child `deno` processes with their own narrower flags (the
 * permission tests themselves), writes temp folders anywhere and loads native DuckDB; `ok` only
 * chains fmt, lint, check and `deno task test`; the `bench` family runs the Python and Node peers
 * (and /usr/bin/time), and an --allow-run of an interpreter grants as much as -A, so narrowing them
 * would only look safer.
 */
const MAY_ALLOW_ALL = new Set([
  "test",
  "ok",
  "bench",
  "bench:compare",
  "bench:load",
  "bench:features",
  "bench:models",
  "bench:backtest",
  "bench:sweep",
]);
/** Tasks that may load native code (the DuckDB engine, through npm `@duckdb/node-api`). */
const MAY_FFI = new Set([
  "main",
  "data:metadata",
  "data:check",
  "data:import",
  "data:synth",
  "features",
  "backtest",
  "experiment",
  "nb:run",
  "nb:run-all",
  "jupyter",
  "evaluate",
  // the sweep process itself loads the dataset in queue mode (trial ids, recording) through DuckDB
  "sweep",
  "sweep:worker",
  // the benchmark runs the experiment's code with its permissions (bench/bench.ts benchPermissions)
  "bench",
  "bench:load",
  "bench:features",
  "bench:backtest",
]);
/** Tasks that may open network sockets, and where to. */
const MAY_NET: Record<string, RegExp> = {
  jupyter: /^--allow-net=(127\.0\.0\.1|localhost)(:\d+)?(,(127\.0\.0\.1|localhost)(:\d+)?)*$/,
  // the sweep queue (ADR of issue #14): the loopback and the compose service named redis
  sweep: /^--allow-net=((127\.0\.0\.1|localhost|redis)(:\d+)?,?)+$/,
  "sweep:worker": /^--allow-net=((127\.0\.0\.1|localhost|redis)(:\d+)?,?)+$/,
};

/** The `deno run ...` commands of one task, as flag lists (the script and its args excluded). */
function _runFlags(command: string): string[][] {
  return command.split("&&").map((c) => c.trim().split(/\s+/)).filter((w) => w[1] === "run").map((w) => {
    const end = w.findIndex((x, i) => i > 1 && !x.startsWith("-"));
    return w.slice(2, end < 0 ? undefined : end);
  });
}

Deno.test("deno.json: only test and ok run with -A; no other task has blanket read, write, net or run", () => {
  const offences: string[] = [];
  for (const [name, command] of Object.entries(TASKS)) {
    for (const flags of _runFlags(command)) {
      for (const f of flags) {
        if ((f === "-A" || f === "--allow-all") && !MAY_ALLOW_ALL.has(name)) offences.push(`${name}: ${f}`);
        if (f.startsWith("--allow-net") && !(MAY_NET[name]?.test(f))) offences.push(`${name}: ${f}`);
        if (f.startsWith("--allow-ffi") && !MAY_FFI.has(name)) {
          offences.push(`${name}: ${f} (no native engine here)`);
        }
        if (
          (f === "--allow-write" || f === "--allow-run" || f === "--allow-ffi") && !MAY_ALLOW_ALL.has(name)
        ) {
          offences.push(`${name}: ${f} is not scoped to folders or programs`);
        }
      }
    }
  }
  assert.deepEqual(offences, [], "narrow these flags in deno.json (see docs/adr/ADR-021-reliability.md)");
});

Deno.test("deno.json: every task that writes names the folders it writes", () => {
  for (const [name, command] of Object.entries(TASKS)) {
    if (MAY_ALLOW_ALL.has(name)) continue;
    for (const flags of _runFlags(command)) {
      for (const f of flags.filter((x) => x.startsWith("--allow-write="))) {
        const dirs = f.slice("--allow-write=".length).split(",");
        for (const d of dirs) {
          assert.ok(!d.startsWith("/") && !d.includes(".."), `${name} writes outside the project: ${d}`);
          assert.ok(d !== "." && d !== "./", `${name} may write the whole project (${f}); name its folders`);
        }
      }
    }
  }
});

async function _runTask(name: string, args: string[]): Promise<{ code: number; out: string }> {
  const flags = _runFlags(TASKS[name])[0];
  const words = TASKS[name].trim().split(/\s+/);
  const script = words.find((w) => w.endsWith(".ts"))!;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, script, ...args],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

for (
  const [task, args] of [
    ["cache:clear", (dir: string) => ["--dir", dir]],
    ["registry:reindex", (dir: string) => ["--root", dir]],
  ] as const
) {
  Deno.test(`deno task ${task} with its declared flags cannot touch a folder outside its own`, async () => {
    const outside = await Deno.makeTempDir({ prefix: "candlelab-outside-" });
    await Deno.mkdir(`${outside}/metadata`);
    await Deno.writeTextFile(`${outside}/keep.json`, "{}");
    await Deno.writeTextFile(`${outside}/keep.arrow`, "x");
    const before = (await Array.fromAsync(Deno.readDir(outside))).map((e) => e.name).sort();
    const r = await _runTask(task, args(outside));
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /may not (read|write) .*deno.json/, r.out);
    assert.doesNotMatch(r.out, /Allow\?|\[y\/n\]/, "the task prompted instead of failing");
    assert.deepEqual((await Array.fromAsync(Deno.readDir(outside))).map((e) => e.name).sort(), before);
    assert.equal(await Deno.readTextFile(`${outside}/keep.json`), "{}");
    await Deno.remove(outside, { recursive: true });
  });
}

Deno.test("deno task data:metadata with its declared flags cannot write metadata outside data/", async () => {
  const outside = await Deno.makeTempDir({ prefix: "candlelab-outside-" });
  const f = `${outside}/binance_BTC_USDT_perp_8h_funding.parquet`;
  await Deno.copyFile(`${REPO}/data/raw/binance_BTC_USDT_perp_8h_funding.parquet`, f);
  const r = await _runTask("data:metadata", [f]);
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /may not write .*writes only inside data\//, r.out);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(outside))).map((e) => e.name), [
    "binance_BTC_USDT_perp_8h_funding.parquet",
  ]);
  await Deno.remove(outside, { recursive: true });
});
