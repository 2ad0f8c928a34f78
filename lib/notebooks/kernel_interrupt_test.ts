/**
 * Jupyter's Interrupt through a real Deno kernel (the project's kernel spec, `interrupt_mode: message`),
 * driven by jupyter_client (lib/notebooks/_kernel_probe.py): the running cell stops, the kernel keeps its
 * variables, and the recorded run the cell was in is marked interrupted (by the next run in the kernel).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const SPEC = `${ROOT}/.jupyter/kernels/deno/kernel.json`;

interface Step {
  status: string;
  html: string;
  ename: string | null;
  text: string;
  seconds: number;
  interrupted: boolean;
}

async function _probe(steps: unknown[]): Promise<{ steps: Step[]; alive: boolean }> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [
      fileURLToPath(new URL("./_kernel_probe.py", import.meta.url)),
      JSON.stringify({ kernel: "deno", cwd: `${ROOT}/notebooks`, steps }),
    ],
    env: { JUPYTER_PATH: `${ROOT}/.jupyter`, PYTHONNOUSERSITE: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(stdout.split("\n").at(-1)!);
}

// deno-lint-ignore no-control-regex
const _plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

Deno.test({
  name:
    "Jupyter Interrupt stops the running cell, keeps the kernel's variables and marks the run interrupted",
  async fn() {
    const spec = JSON.parse(await Deno.readTextFile(SPEC));
    assert.equal(
      spec.interrupt_mode,
      "message",
      `${SPEC} must say "interrupt_mode": "message" (bash .ci/setup)`,
    );
    const runs = await Deno.makeTempDir({ prefix: "candlelab-kernel-" });
    const lib = `file://${ROOT}/lib`;
    const opts = `{ root: ${
      JSON.stringify(runs)
    }, strategy: "demo", config: {}, env: {}, progress: silentProgress }`;
    const r = await _probe([
      {
        code: `import { withRun } from "${lib}/experiments/recorder.ts";\n` +
          `import { silentProgress } from "${lib}/experiments/progress.ts";\nlet keep = 41;\nconsole.log("ready");`,
      },
      {
        // a long cell: a recorded run busy for 40 s, interrupted after 4 s
        code: `await withRun(${opts}, (run) => { globalThis.firstRun = run.id; const t = Date.now(); ` +
          `while (Date.now() - t < 40000) {} });`,
        interrupt_after: 4,
        timeout: 50,
      },
      { code: "console.log(keep + 1);" },
      { code: `console.log(await withRun(${opts}, (run) => run.id));` },
      {
        code: `const rec = JSON.parse(Deno.readTextFileSync(${JSON.stringify(runs)} + "/" + firstRun + ` +
          `"/run.json"));\nconsole.log(rec.status + ": " + rec.error?.message);`,
      },
    ]);
    const [ready, long, kept, _next, marked] = r.steps;
    assert.match(_plain(ready.text), /ready/, JSON.stringify(r));
    assert.ok(
      long.interrupted && long.seconds < 20,
      `the long cell was not stopped: ${JSON.stringify(long)}`,
    );
    assert.equal(r.alive, true, "the kernel died");
    assert.equal(_plain(kept.text).trim(), "42", `the kernel lost its variables: ${JSON.stringify(r)}`);
    assert.match(_plain(marked.text), /^failed: interrupted by Jupyter Interrupt/, JSON.stringify(r));
    await Deno.remove(runs, { recursive: true });
  },
});

Deno.test("in the kernel, a bare Arquero table as a cell's last expression displays as an HTML table", async () => {
  const lib = `file://${ROOT}/lib`;
  const r = await _probe([
    { code: `import "${lib}/notebooks/mod.ts";\nimport * as aq from "arquero";\nconsole.log("ready");` },
    { code: `aq.table({ timestamp: [0, 3600000], ret: [0.5, NaN] })` },
  ]);
  const [, table] = r.steps;
  assert.match(table.html, /<table class="candlelab-table">/, JSON.stringify(r));
  assert.match(table.html, /1970-01-01 01:00/, "time column as UTC dates");
  assert.doesNotMatch(table.html, /NaN/);
});
