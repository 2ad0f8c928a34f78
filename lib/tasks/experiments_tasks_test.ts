import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { fakeRunRecord, writeFakeRun } from "../experiments/testing.ts";

const PROJECT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a task file the way deno.json does: read permission on the runs root only. */
async function runTask(file: string, root: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      `--allow-read=${root}`,
      fileURLToPath(new URL(file, import.meta.url)),
      "--root",
      root,
      ...args,
    ],
    cwd: PROJECT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function fakeRoot() {
  const root = await Deno.makeTempDir();
  const a = fakeRunRecord({ suffix: "a", config: { depth: 4 }, sharpe: 0.01 });
  const b = fakeRunRecord({
    suffix: "b",
    startMs: Date.UTC(2026, 10, 24, 11),
    config: { depth: 6 },
    sharpe: 0.03,
  });
  await writeFakeRun(root, a);
  await writeFakeRun(root, b);
  return { root, a, b };
}

Deno.test("experiments:list runs with read access to the runs root only and prints one line per run", async () => {
  const { root, a, b } = await fakeRoot();
  const text = await runTask("./experiments_list.ts", root, []);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(text.stdout.includes(a.run_id) && text.stdout.includes(b.run_id));
  assert.match(text.stdout, /2 run\(s\) under/);
  const json = await runTask("./experiments_list.ts", root, ["--json", "--strategy", "btc_perp_1h"]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout).runs.map((r: { run_id: string }) => r.run_id), [
    a.run_id,
    b.run_id,
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("experiments:compare prints differing config keys and the deflated Sharpe; bad ids exit 1 with a message", async () => {
  const { root, a, b } = await fakeRoot();
  const out = await runTask("./experiments_compare.ts", root, [a.run_id, b.run_id]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /\* depth\s+4\s+6/);
  assert.match(out.stdout, /btc_perp_1h\s+2\s+/);
  const json = await runTask("./experiments_compare.ts", root, ["--json", a.run_id, b.run_id]);
  assert.equal(JSON.parse(json.stdout).deflated[1].n_trials, 2);
  const bad = await runTask("./experiments_compare.ts", root, ["nope"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Cannot compare run "nope"/);
  await Deno.remove(root, { recursive: true });
});
