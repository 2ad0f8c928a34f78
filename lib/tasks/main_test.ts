import assert from "node:assert/strict";
import { join } from "node:path";
import type { NotebookRunResult, RunNotebookOptions } from "../notebooks/run.ts";
import { formatMainSummary, MAIN_STEPS, type MainStep, runMain } from "./main.ts";

function _fakeRunner(root: string, failOn?: string) {
  const calls: RunNotebookOptions[] = [];
  const run = async (o: RunNotebookOptions): Promise<NotebookRunResult> => {
    calls.push(o);
    const runDir = join(root, "experiments", "runs", `nb-${calls.length}`);
    await Deno.mkdir(runDir, { recursive: true });
    const failed = failOn !== undefined && o.notebook.endsWith(failOn);
    const nb = {
      cells: [{
        cell_type: "code",
        source: ["await show(x);"],
        outputs: o.notebook.includes("drop") && calls.filter((c) => c.notebook === o.notebook).length === 1
          ? []
          : [{ output_type: "display_data" }],
      }],
    };
    await Deno.writeTextFile(join(runDir, "n.ipynb"), JSON.stringify(nb));
    return {
      runId: `nb-${calls.length}`,
      runDir,
      manifest: {
        status: failed ? "failed" : "ok",
        artifacts: { notebook: "n.ipynb", html: "n.html" },
        error: failed
          ? { message: "x", cellIndex: 3, cellFirstLine: "await boom()", ename: "Error", evalue: "boom" }
          : undefined,
      },
    } as unknown as NotebookRunResult;
  };
  return { calls, run };
}

Deno.test("the main job trains both strategies, shows each backtest, then compares, in that order", () => {
  assert.deepEqual(MAIN_STEPS.map((s) => s.notebook.split("/").pop()), [
    "03_train_spot.ipynb",
    "04_train_perpetual.ipynb",
    "05_backtest.ipynb",
    "05_backtest.ipynb",
    "06_compare_experiments.ipynb",
  ]);
  assert.deepEqual(MAIN_STEPS.filter((s) => s.overrides).map((s) => s.overrides!.strategy), [
    "btc_spot_ema_cross_rsi",
    "btc_perp_funding_basis",
  ]);
});

Deno.test("runMain() stops at the first failing notebook and the summary names the cell and the rerun command", async () => {
  const root = await Deno.makeTempDir();
  const steps: MainStep[] = [
    { notebook: "a.ipynb" },
    { notebook: "b.ipynb", overrides: { strategy: "s" } },
    { notebook: "c.ipynb" },
  ];
  const fake = _fakeRunner(root, "b.ipynb");
  const results = await runMain({ root, steps, run: fake.run, log: () => {} });
  assert.equal(fake.calls.length, 2);
  assert.deepEqual(results.map((r) => r.ok), [true, false]);
  const summary = formatMainSummary(results, steps.length);
  assert.match(summary, /main FAILED at step 2 of 3/);
  assert.match(summary, /cell 3 .*await boom\(\).*Error: boom/);
  assert.match(summary, /deno task nb:run b\.ipynb -p strategy=s/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("runMain() runs a read-only notebook again once when a display was dropped", async () => {
  const root = await Deno.makeTempDir();
  const lines: string[] = [];
  const fake = _fakeRunner(root);
  const results = await runMain({
    root,
    steps: [{ notebook: "drop.ipynb" }],
    run: fake.run,
    log: (l) => lines.push(l),
  });
  assert.equal(fake.calls.length, 2);
  assert.deepEqual(results.map((r) => r.missing), [[]]);
  assert.ok(lines.some((l) => l.includes("running it again")));
  await Deno.remove(root, { recursive: true });
});

Deno.test("runMain() never reruns a training notebook and warns about its dropped display", async () => {
  const root = await Deno.makeTempDir();
  const lines: string[] = [];
  const fake = _fakeRunner(root);
  const steps: MainStep[] = [{ notebook: "t-drop.ipynb", trains: "s" }, { notebook: "b.ipynb" }];
  const results = await runMain({ root, steps, run: fake.run, log: (l) => lines.push(l) });
  assert.equal(fake.calls.length, 2);
  assert.deepEqual(results.map((r) => r.missing), [[0], []]);
  assert.ok(lines.some((l) => l.includes("warning: cell(s) 0")));
  const summary = formatMainSummary(results, 2);
  assert.match(summary, /main ok: 2 notebooks[\s\S]*WARNING: 1 display/);
  assert.match(summary, /s: \(not found\)/);
  await Deno.remove(root, { recursive: true });
});
