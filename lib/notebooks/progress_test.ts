import assert from "node:assert/strict";
import { type JupyterDisplay, notebookProgress, notebookSweepProgress, trainProgress } from "./progress.ts";

function fakeDisplay() {
  const calls: { html: string; plain: string; id: string; update?: boolean }[] = [];
  const display: JupyterDisplay = (b, o) => {
    calls.push({ html: b["text/html"], plain: b["text/plain"], id: o.display_id, update: o.update });
    return Promise.resolve();
  };
  return { calls, display };
}

Deno.test("trainProgress in a notebook: one output per run, updated in place as folds and trees finish", async () => {
  const { calls, display } = fakeDisplay();
  let lines = "";
  const p = trainProgress({ display, write: (t) => lines += t, now: () => 0 });
  for (let fold = 1; fold <= 3; fold++) {
    for (let d = 1; d <= 100; d++) p.onTrainProgress({ fold, folds: 3, stage: "fit", done: d, total: 100 });
    p.onTrainProgress({ fold, folds: 3, stage: "done" });
  }
  p.onTrainProgress({ fold: 0, folds: 3, stage: "final" });
  for (let d = 1; d <= 100; d++) {
    p.onTrainProgress({ fold: 0, folds: 3, stage: "final", done: d, total: 100 });
  }
  await p.done();
  assert.equal(calls[0].update, false);
  assert.ok(calls.slice(1).every((c) => c.update === true && c.id === calls[0].id));
  assert.ok(calls.length >= 100 && calls.length <= 102, `one update per whole percent, got ${calls.length}`);
  assert.match(
    calls[40].html,
    /<progress value="40" max="100"><\/progress> 40% \(1\/4\) · fold 2 60\/100<\/div>$/,
  );
  assert.equal(
    calls.at(-1)!.html,
    '<div class="candlelab-progress"><code>walk-forward folds + final model</code> ' +
      '<progress value="100" max="100"></progress> 100% (4/4)</div>',
  );
  assert.match(calls.at(-1)!.plain, /^walk-forward folds \+ final model \[#{30}\] 4\/4$/);
  assert.equal(lines, "", "nothing on stderr in the notebook");
});

Deno.test("trainProgress: done() ends a run whose final fit reports nothing at its folds", async () => {
  const { calls, display } = fakeDisplay();
  const p = trainProgress({ display, now: () => 0 });
  p.onTrainProgress({ fold: 1, folds: 1, stage: "done" });
  p.onTrainProgress({ fold: 0, folds: 1, stage: "final" });
  await p.done();
  assert.deepEqual(calls.map((c) => c.plain.slice(-3)), ["0/2", "1/2"]); // the end changed nothing shown
});

Deno.test("notebookSweepProgress: one output with failures, rate and ETA; labels are escaped in HTML", async () => {
  const { calls, display } = fakeDisplay();
  const p = notebookSweepProgress("sweep <a>", display);
  p({ done: 0, total: 2, failed: 0, skipped: 0 });
  p({ done: 1, total: 2, failed: 1, skipped: 0 });
  p({ done: 2, total: 2, failed: 1, skipped: 0 });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(calls[0].update, false);
  assert.ok(calls.slice(1).every((c) => c.update === true && c.id === calls[0].id));
  assert.match(calls.at(-1)!.plain, /^sweep <a> \[#{30}\] 2\/2 · 1 failed · [\d.]+ trials\/min$/);
  assert.match(calls[1].plain, /^sweep <a> \[#{15}\.{15}\] 1\/2 · 1 failed · [\d.]+ trials\/min · ETA /);
  assert.ok(calls[1].html.includes("<code>sweep &lt;a&gt;</code>"));
  assert.ok(calls[1].html.includes(" · 1 failed · "));
});

Deno.test("notebookProgress: a display that fails is reported by flush(), not swallowed", async () => {
  const { progress, flush } = notebookProgress({ display: () => Promise.reject(new Error("kernel gone")) });
  progress.start("x", { total: 1 });
  await assert.rejects(flush(), /kernel gone/);
});

Deno.test("notebookProgress: outside the kernel, jupyter mode is refused with what to do", () => {
  assert.throws(
    () => notebookProgress({ mode: "jupyter" }),
    /Deno\.jupyter is not available.*mode "terminal" or "lines"/,
  );
});

Deno.test("notebookProgress in lines mode: stages and counted tasks as plain lines", () => {
  let out = "";
  const { progress, mode } = notebookProgress({ mode: "lines", write: (t) => out += t, now: () => 0 });
  progress.start("load");
  progress.end("load", { seconds: 0.5 });
  progress.start("folds", { total: 2 });
  progress.step("folds", { done: 1 });
  progress.end("folds");
  assert.equal(mode, "lines");
  assert.equal(
    out,
    "stage load started\nstage load ok in 0.50 s\n" +
      "folds [..............................] 0/2\nfolds [###############...............] 1/2\n",
  );
});
