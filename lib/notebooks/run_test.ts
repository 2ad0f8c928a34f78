/**
 * Integration tests: real executions through Debian Jupyter (nbclient) and the project's Deno kernel.
 * Skipped with a message when /usr/bin/jupyter or the kernelspec is missing (run: bash .ci/setup).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { findExternalRefs } from "./html_report.ts";
import { projectRoot, SYSTEM_JUPYTER } from "./kernel.ts";
import type { NotebookRunManifest } from "./manifest.ts";
import { runAllNotebooks, runNotebook } from "./run.ts";

const ROOT = projectRoot();
const SMOKE = join(ROOT, "notebooks", "00_smoke.ipynb");

async function _exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}
const READY = await _exists(SYSTEM_JUPYTER) && await _exists(join(ROOT, ".jupyter/kernels/deno/kernel.json"));
if (!READY) {
  console.warn("run_test.ts: Jupyter or the Deno kernelspec is missing, skipping (run: bash .ci/setup)");
}

function _failingNotebook(): string {
  const cell = (source: string, tags?: string[]) => ({
    cell_type: "code",
    source,
    metadata: tags ? { tags } : {},
    outputs: [],
    execution_count: null,
  });
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
      candlelab: { parameters: { n: { type: "integer", description: "a number" } } },
    },
    cells: [
      cell("let n = 1;", ["parameters"]),
      cell("console.log('before');"),
      cell("// the broken cell\nthrow new RangeError(`boom ${n}`);"),
      cell("console.log('never runs');"),
    ],
  });
}

Deno.test({
  name: "nb:run executes 00_smoke through Jupyter with an override; the HTML has the value and an inline SVG",
  ignore: !READY,
  async fn() {
    const out = await Deno.makeTempDir();
    const r = await runNotebook({
      notebook: SMOKE,
      overrides: { title: "Injected-7f3", bars: "36" },
      outDir: out,
    });
    assert.equal(r.manifest.status, "ok", JSON.stringify(r.manifest.error));
    const html = await Deno.readTextFile(join(out, "00_smoke.html"));
    const executed = JSON.parse(await Deno.readTextFile(join(out, "00_smoke.ipynb")));
    const outputs = JSON.stringify(
      executed.cells.map((c: { outputs?: { output_type: string; data?: object; text?: string }[] }) =>
        (c.outputs ?? []).map((
          o,
        ) => [o.output_type, Object.keys(o.data ?? {}), String(o.text ?? "").slice(0, 200)])
      ),
    );
    assert.match(
      html,
      /title=Injected-7f3 bars=36/,
      `the kernel saw the injected values; outputs: ${outputs}`,
    );
    assert.ok(/<svg[^>]*viewBox/.test(html), `an inline SVG chart; outputs: ${outputs}`);
    assert.match(html, /Injected-7f3: 36 bars/, "the chart title carries the injected value");
    assert.deepEqual(findExternalRefs(html), [], "no network references");
    const block = /<script type="application\/json" id="candlelab-manifest">([\s\S]*?)<\/script>/.exec(html);
    const embedded = JSON.parse(block![1]) as NotebookRunManifest;
    assert.deepEqual(embedded.overrides, { title: "Injected-7f3", bars: 36 });
    assert.equal(embedded.status, "ok");
    const onDisk = JSON.parse(await Deno.readTextFile(join(out, "manifest.json"))) as NotebookRunManifest;
    assert.equal(onDisk.status, "ok");
    assert.equal(onDisk.denoVersion, Deno.version.deno);
    assert.ok(
      executed.cells.some((c: { metadata: { tags?: string[] } }) =>
        c.metadata.tags?.includes("injected-parameters")
      ),
    );
    const leftovers = [...Deno.readDirSync(out)].map((e) => e.name).filter((n) => n.startsWith("."));
    assert.deepEqual(leftovers, [], "no scratch or temp files left");
  },
});

Deno.test({
  name: "nb:run on a failing notebook exits non-zero naming the cell and the error, manifest marked failed",
  ignore: !READY,
  async fn() {
    const dir = await Deno.makeTempDir();
    const nb = join(dir, "broken.ipynb");
    await Deno.writeTextFile(nb, _failingNotebook());
    const out = join(dir, "run");
    const cmd = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "lib/tasks/nb_run.ts"), nb, "-p", "n=7", "--out", out],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(cmd.stderr);
    assert.equal(cmd.code, 1, stderr);
    assert.match(stderr, /in cell 3 .*`\/\/ the broken cell`/);
    assert.match(stderr, /RangeError: boom 7/);
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json"))) as NotebookRunManifest;
    assert.equal(manifest.status, "failed");
    assert.equal(manifest.error?.cellIndex, 3);
    assert.equal(manifest.error?.ename, "RangeError");
    const html = await Deno.readTextFile(join(out, "broken.html"));
    assert.doesNotMatch(html, /never runs\n<\/pre>/);
  },
});

Deno.test({
  name: "nb:run refuses bad input before creating the run folder",
  ignore: !READY,
  async fn() {
    const dir = await Deno.makeTempDir();
    const nb = join(dir, "broken.ipynb");
    await Deno.writeTextFile(nb, _failingNotebook());
    const out = join(dir, "run");
    const refuse = async (opts: Parameters<typeof runNotebook>[0], re: RegExp) => {
      await assert.rejects(
        () => runNotebook({ outDir: out, ...opts }),
        (e: unknown) => e instanceof CandlelabError && re.test(e.message),
      );
      assert.equal(await _exists(out), false, `no run folder after: ${re}`);
    };
    await refuse({ notebook: SMOKE, overrides: { colour: "red" } }, /unknown parameter "colour"/);
    await refuse({ notebook: SMOKE, overrides: { bars: "lots" } }, /"bars" must be an integer/);
    await refuse({ notebook: join(dir, "missing.ipynb") }, /Cannot run notebook .*missing\.ipynb/);
    await refuse(
      { notebook: SMOKE, kernelName: "no-such-kernel" },
      /kernel "no-such-kernel".*bash \.ci\/setup/,
    );
    const noParams = join(dir, "noparams.ipynb");
    await Deno.writeTextFile(noParams, _failingNotebook().replace('["parameters"]', "[]"));
    await refuse({ notebook: noParams, overrides: { n: "2" } }, /no cell tagged "parameters"/);
  },
});

Deno.test({
  name: "nb:run-all runs the notebooks in name order and reports the failed one",
  ignore: !READY,
  async fn() {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(join(dir, "b_broken.ipynb"), _failingNotebook());
    const ok = JSON.parse(_failingNotebook());
    ok.cells = ok.cells.slice(0, 2);
    await Deno.writeTextFile(join(dir, "a_ok.ipynb"), JSON.stringify(ok));
    const runs = join(dir, "runs");
    const seen: string[] = [];
    const entries = await runAllNotebooks(dir, { runsDir: runs, onResult: (e) => seen.push(e.status) });
    assert.deepEqual(entries.map((e) => [e.notebook.split("/").pop(), e.status]), [
      ["a_ok.ipynb", "ok"],
      ["b_broken.ipynb", "failed"],
    ]);
    assert.deepEqual(seen, ["ok", "failed"]);
    assert.match(entries[1].message!, /cell 2 .*the broken cell.*RangeError: boom 1/);
    assert.equal([...Deno.readDirSync(runs)].length, 2, "one run folder each");
  },
});

Deno.test({
  name: "nb:run stopped by Ctrl-C marks its manifest failed (interrupted), cleans its scratch and its kernel",
  ignore: !READY,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "candlelab-nb-int-" });
    const nbPath = join(dir, "sleepy.ipynb");
    const nb = JSON.parse(_failingNotebook());
    nb.cells = [nb.cells[0], { ...nb.cells[1], source: "await new Promise((r) => setTimeout(r, 120_000));" }];
    await Deno.writeTextFile(nbPath, JSON.stringify(nb));
    const out = join(dir, "out");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "lib/tasks/nb_run.ts"), nbPath, "--out", out],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const manifestPath = join(out, "manifest.json");
    const alive = async (pattern: string) =>
      (await new Deno.Command("pgrep", { args: ["-f", pattern], stdout: "null" }).output()).success;
    // wait for the Jupyter runner (its arguments name the out folder) to be up, then interrupt
    const runner = `_execute\\.py.*${out}`;
    for (let i = 0; i < 600 && !(await _exists(manifestPath) && await alive(runner)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 3000));
    child.kill("SIGINT");
    assert.equal((await child.status).code, 130);
    const m = JSON.parse(await Deno.readTextFile(manifestPath)) as NotebookRunManifest;
    assert.equal(m.status, "failed");
    assert.match(m.error!.message, /interrupted by SIGINT/);
    assert.ok(m.endedAt);
    const leftovers = [...Deno.readDirSync(out)].map((e) => e.name).filter((n) => n.startsWith("."));
    assert.deepEqual(leftovers, [], "no scratch or temp files left");
    let gone = false;
    for (let i = 0; i < 300 && !gone; i++) {
      gone = !(await alive(out)); // the runner, or a kernel whose connection file is under out/
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(gone, "the Jupyter runner or kernel outlived the interrupted nb:run");
    await Deno.remove(dir, { recursive: true });
  },
});
