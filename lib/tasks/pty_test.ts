/**
 * No Deno prompt, ever: every `deno task` of deno.json runs under a pseudo-terminal (`script` from
 * util-linux) with no input, and fails if Deno asks for a permission ("Deno requests" / "Allow?"). In a
 * terminal Deno prompts for anything not granted while piped runs deny silently, so only a PTY shows it.
 * Each task gets a cheap invocation: `--help` (which still loads every module, DuckDB's native binding
 * included) and, for the ones that touch files at run time, a small real input. Paths outside what a
 * task may write get the task's own message, not Deno's "run again with --allow-write".
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const TASKS: Record<string, string> = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks;
const PROMPT = /Deno requests|Allow\?|\[y\/n/;

/** `deno task <name> <args>` under a pseudo-terminal with stdin at end of file; the terminal's text. */
async function _pty(cmd: string, seconds = 120): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command("script", {
    // --foreground: without it timeout runs the command in a process group of its own, which is not the
    // terminal's foreground group whenever script's shell does not exec timeout (dash as /bin/sh, e.g. with
    // SHELL unset): Deno then cannot put the terminal in raw mode and stops before it prints a prompt
    args: ["-qec", `timeout --foreground ${seconds} ${cmd}`, "/dev/null"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  // deno-lint-ignore no-control-regex
  return { code: r.code, out: (dec.decode(r.stdout) + dec.decode(r.stderr)).replace(/\x1b\[[0-9;]*m/g, "") };
}

const _task = (name: string, args: string) => `./node_modules/.bin/deno task ${name} ${args}`;

Deno.test("the PTY check catches a prompt (a script reading a file it was not granted)", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.ts`, `Deno.readTextFileSync("/etc/hostname");`);
  const r = await _pty(`${Deno.execPath()} run ${dir}/a.ts`, 15);
  assert.match(r.out, PROMPT, "no prompt seen: the PTY harness would not catch one");
  await Deno.remove(dir, { recursive: true });
});

/** Tasks that run `deno run` (the others are `deno test`, `fmt` chains or -A benchmarks). */
const RUN_TASKS = Object.entries(TASKS).filter(([, c]) => / run /.test(c) && !/ -A /.test(c)).map(([n]) => n);

Deno.test("every deno run task declares --no-prompt", () => {
  assert.deepEqual(RUN_TASKS.filter((n) => !TASKS[n].includes("--no-prompt")), []);
});

/** The front doors of lib/tasks (bench/ scripts have no --help and no cheap run: --no-prompt covers them). */
const LIB_TASKS = RUN_TASKS.filter((n) => / lib\/tasks\/\S+\.ts/.test(TASKS[n]));

for (const name of LIB_TASKS) {
  Deno.test(`deno task ${name} --help under a pseudo-terminal: no prompt, usage printed`, async () => {
    const r = await _pty(_task(name, "--help"));
    assert.doesNotMatch(r.out, PROMPT, r.out);
    assert.match(r.out, /usage: deno task /i, r.out);
  });
}

/** Small real inputs: every task that reads or writes at run time, in a way that leaves nothing behind. */
const REAL: [string, string, RegExp][] = [
  ["experiments:list", "", /run\(s\) under|No runs under/],
  ["registry:list", "--limit 2", /id\s+created|No models/],
  ["data:check", "data/raw/binance_BTC_USDT_perp_8h_funding.parquet", /1 of 1 files OK/],
  ["cache:clear", "--older-than 3650d", /"removed"/],
  ["schema", "--out configs/schema", /wrote configs\/schema\//],
];

for (const [name, args, expect] of REAL) {
  Deno.test(`deno task ${name} ${args} under a pseudo-terminal: no prompt, does its work`, async () => {
    const r = await _pty(_task(name, args));
    assert.doesNotMatch(r.out, PROMPT, r.out);
    assert.match(r.out, expect, r.out);
  });
}

Deno.test("deno task nb:run of the smoke notebook under a pseudo-terminal: no prompt, progress per cell", async () => {
  const out = `experiments/.pty-test-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const r = await _pty(_task("nb:run", `notebooks/00_smoke.ipynb -p bars=48 --out ${out}`), 180);
    assert.doesNotMatch(r.out, PROMPT, r.out);
    assert.match(r.out, /cell 1\/\d+ /, r.out);
    assert.match(r.out, /nb:run ok /, r.out);
  } finally {
    await Deno.remove(`${ROOT}/${out}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("a path outside what a task may write or read gets the task's message, not Deno's", async () => {
  const w = await _pty(_task("nb:run", "notebooks/00_smoke.ipynb --out /tmp/candlelab-outside"));
  assert.doesNotMatch(w.out, PROMPT, w.out);
  assert.match(
    w.out,
    /deno task nb:run may not write \/tmp\/candlelab-outside: this task writes only inside experiments\//,
    w.out,
  );
  assert.doesNotMatch(w.out, /run again with/, w.out);
  const r = await _pty(_task("experiments:list", "--root /etc"));
  assert.match(
    r.out,
    /deno task experiments:list may not read \/etc: this task reads only experiments\//,
    r.out,
  );
  assert.doesNotMatch(r.out, /run again with|No such file/i, r.out);
});
