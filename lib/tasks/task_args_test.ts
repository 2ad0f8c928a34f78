/**
 * Every `deno task` that runs a lib/tasks/ file reads its arguments strictly and says so in one line: an
 * unknown flag, a missing value or a bad number exits 2 with `Cannot read the arguments: ...; usage: ...`
 * (never a stack trace), and its usage line names exactly the flags it parses.
 */
import assert from "node:assert/strict";
import { copyFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { TaskArgsConfig, TaskSpec } from "./_cli.ts";
import { UsageError } from "./_cli.ts";
import { main as dataMetadata } from "./data_metadata.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const TASKS: Record<string, string> = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`)).tasks;

/** deno.json task name -> the lib/tasks/ module it runs. */
const TASK_FILES: [string, string][] = Object.entries(TASKS).flatMap(([name, cmd]) => {
  const m = /\blib\/tasks\/(\w+\.ts)\b/.exec(cmd);
  return m ? [[name, m[1]] as [string, string]] : [];
});

/** Flags a task parses but keeps out of its usage line, with the reason. */
const UNLISTED: Record<string, string[]> = {
  // the local pool's own worker mode (lib/sweeps/pool.ts starts it); not for people
  "sweep:worker": ["--stdio"],
};

/** The `--flag` / `-f` names a usage line mentions (not `-` inside words like binance-csv). */
function usageFlags(usage: string): string[] {
  return [...new Set([...usage.matchAll(/(?:^|[\s[(|])(--?[a-z][a-z0-9-]*)/g)].map((m) => m[1]))].sort();
}

/** Each flag a parse config declares, as its spellings (`["--param", "-p"]`): a usage line names one of them. */
function declaredFlags(config: TaskArgsConfig): string[][] {
  return Object.entries(config.options ?? {}).map((
    [name, o],
  ) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

async function taskModule(file: string): Promise<{ SPEC: TaskSpec; ARGS: TaskArgsConfig }> {
  return await import(`./${file}`);
}

/** Runs `deno task -q <name> ...args` from the project folder, as a user would. */
async function denoTask(name: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

Deno.test("usageFlags reads flags from a usage line, not dashes inside words", () => {
  assert.deepEqual(
    usageFlags("deno task x <a> [--format binance-csv|feather] (--p <n> | --random-seed <n>) [-p k=v]"),
    ["--format", "--p", "--random-seed", "-p"],
  );
});

Deno.test("every task module lib/tasks/ runs exports its SPEC (named as in deno.json) and ARGS", async () => {
  assert.ok(TASK_FILES.length >= 20, `found only ${TASK_FILES.length} tasks in deno.json`);
  for (const [name, file] of TASK_FILES) {
    const { SPEC, ARGS } = await taskModule(file);
    assert.equal(SPEC?.name, name, `${file}: SPEC.name`);
    assert.ok(ARGS?.options, `${file}: no exported ARGS with options`);
  }
});

Deno.test("every task's usage line names exactly the flags it parses", async () => {
  const wrong: string[] = [];
  for (const [name, file] of TASK_FILES) {
    const { SPEC, ARGS } = await taskModule(file);
    const unlisted = UNLISTED[name] ?? [];
    const declared = declaredFlags(ARGS).filter((f) => !unlisted.includes(f[0]));
    const listed = usageFlags(SPEC.usage);
    const missing = declared.filter((f) => !f.some((s) => listed.includes(s))).map((f) => f[0]);
    const extra = listed.filter((s) => !declared.some((f) => f.includes(s)));
    if (missing.length || extra.length) {
      wrong.push(`${name}: usage lacks [${missing}], usage names unparsed [${extra}]`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("every task refuses an unknown flag in one line with its usage, exit 2, before doing anything", async () => {
  for (const [name, file] of TASK_FILES) {
    const { SPEC } = await taskModule(file);
    const r = await denoTask(name, ["--no-such-flag"]);
    const text = (r.stdout + r.stderr).trimEnd();
    assert.equal(r.code, 2, `${name}: exit ${r.code}\n${text}`);
    assert.doesNotMatch(text, /\n/, `${name}: more than one line\n${text}`);
    assert.match(
      text,
      new RegExp(
        `^Cannot read the arguments: Unknown option '--no-such-flag'[^\\n]*; usage: ${escape(SPEC.usage)}$`,
      ),
      name,
    );
  }
});

Deno.test("missing values, bad numbers and extra positionals get one line naming the flag and value, exit 2", async () => {
  const cases: [string, string[], RegExp][] = [
    [
      "data:synth",
      ["--rows"],
      /^Cannot read the arguments: Option '--rows <value>' argument missing; usage: /,
    ],
    ["features", ["--cache=yes"], /^Cannot read the arguments: Option '--cache' does not take an argument/],
    [
      "registry:list",
      ["--limit", "abc"],
      /^Cannot read the arguments: --limit must be a positive integer, current value is "abc"; usage: deno task registry:list/,
    ],
    [
      "registry:reindex",
      ["extra"],
      /^Cannot read the arguments: Unexpected argument 'extra'.*; usage: deno task registry:reindex/,
    ],
    [
      "jupyter",
      ["--port", "abc"],
      /^Cannot read the arguments: --port must be a positive integer, current value is "abc"/,
    ],
    [
      "nb:run-all",
      ["--timeout", "abc"],
      /^Cannot read the arguments: --timeout must be a positive number, current value is "abc"/,
    ],
    [
      "data:import",
      ["x.csv", "--market", "futures"],
      /^Cannot read the arguments: --market must be spot or perp \(or perpetual\), current value is "futures"; usage: deno task data:import/,
    ],
    [
      "data:import",
      ["x.csv", "--format", "xlsx"],
      /^Cannot read the arguments: --format must be binance-csv, freqtrade-json or feather, current value is "xlsx"/,
    ],
    ["cache:clear", ["--older-than", "soon"], /^Cannot parse --older-than: "soon" is not an age/],
  ];
  for (const [name, args, want] of cases) {
    const r = await denoTask(name, args);
    const text = (r.stdout + r.stderr).trimEnd();
    assert.equal(r.code, 2, `${name} ${args.join(" ")}: exit ${r.code}\n${text}`);
    assert.doesNotMatch(text, /\n/, `${name} ${args.join(" ")}: more than one line\n${text}`);
    assert.match(text, want, `${name} ${args.join(" ")}`);
  }
});

Deno.test("data:metadata reads --market perp as perpetual (as data:check and data:import do) and refuses other markets", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/btc.parquet`;
  await copyFile(`${REPO}/data/raw/binance_BTC_USDT_perp_1h.parquet`, file);
  const flags = ["--asset", "BTC", "--quote", "USDT", "--exchange", "binance", "--interval", "1h"];
  const out: string[] = [];
  const err: string[] = [];
  const code = await dataMetadata(
    [file, ...flags, "--market", "perp"],
    (l) => out.push(l),
    (l) => err.push(l),
  );
  assert.equal(code, 0, err.join("\n"));
  const meta = JSON.parse(await Deno.readTextFile(`${file}.metadata.json`));
  assert.equal(meta.source.market, "perpetual");
  await assert.rejects(
    () => dataMetadata([file, ...flags, "--market", "futures"], () => {}, () => {}),
    (e: unknown) => e instanceof UsageError && /--market must be spot or perp.*"futures"/.test(e.message),
  );
  err.length = 0;
  assert.equal(await dataMetadata([file, "--engine", "duck"], () => {}, (l) => err.push(l)), 2);
  assert.match(
    err[0],
    /^Cannot read the arguments: --engine must be native or wasm, current value is "duck"/,
  );
  await Deno.remove(dir, { recursive: true });
});
