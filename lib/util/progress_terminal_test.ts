import assert from "node:assert/strict";
import { createTerminalProgress } from "./progress_terminal.ts";

Deno.test("without a TTY: plain start and end lines for stages, messages as lines, no escape codes", () => {
  let out = "";
  const p = createTerminalProgress({ write: (t) => out += t, tty: false, now: () => 0 });
  p.start("labels");
  p.end("labels", { ok: false, seconds: 0.25, peakRssBytes: 3 * 1048576 });
  p.message("done");
  p.close();
  assert.equal(out, "stage labels started\nstage labels FAILED in 0.25 s, peak RSS 3 MB\ndone\n");
  assert.ok(!out.includes("\x1b") && !out.includes("\r"));
});

Deno.test("without a TTY: a counted task prints a line when its whole percentage or failures change", () => {
  const lines: string[] = [];
  let t = 0;
  const p = createTerminalProgress({ write: (s) => lines.push(s), tty: false, now: () => t, barWidth: 10 });
  p.start("trials", { total: 1000, unit: "trials" });
  for (let i = 1; i <= 1000; i++) {
    t = i * 60; // one trial a second... of 60 ms: 1000 trials/min
    p.step("trials", { done: i, inner: i < 1000 ? { label: `trial ${i + 1}`, done: 1, total: 2 } : null });
  }
  p.step("trials", { failed: 1 });
  p.end("trials");
  assert.equal(lines.length, 1 + 100 + 1); // 0 %, each whole percent, the failure; the end repeats nothing
  assert.equal(lines[0], "trials [..........] 0/1000\n");
  assert.equal(lines[50], "trials [#####.....] 500/1000 · trial 501 1/2 · 1000.0 trials/min · ETA 0m30s\n");
  assert.equal(lines.at(-1), "trials [##########] 1000/1000 · 1 failed · 1000.0 trials/min\n");
});

Deno.test("on a TTY: one live line with each running stage's elapsed time, finished stages printed above", () => {
  let out = "";
  let t = 0;
  const p = createTerminalProgress({ write: (s) => out += s, tty: true, now: () => t, refreshMs: 1_000_000 });
  p.start("walkforward");
  t = 1500;
  p.start("fold 1");
  t = 4000;
  p.end("fold 1", { ok: true, seconds: 2.5, peakRssBytes: 0 });
  p.end("walkforward", { ok: true, seconds: 4, peakRssBytes: 0 });
  p.close();
  assert.ok(out.includes("\r\x1b[2K▸ walkforward 1.5 s › fold 1 0.0 s"), JSON.stringify(out));
  assert.ok(out.includes("\r\x1b[2K✓ stage fold 1 ok in 2.50 s, peak RSS 0 MB\n"));
  assert.ok(out.includes("\r\x1b[2K▸ walkforward 4.0 s"));
  assert.ok(out.endsWith("\r\x1b[2K✓ stage walkforward ok in 4.00 s, peak RSS 0 MB\n"), JSON.stringify(out));
});

Deno.test("on a TTY: a counted task shares the live line, fits the terminal width, and ends on its own line", () => {
  let out = "";
  let t = 0;
  let cols = 80;
  const p = createTerminalProgress({
    write: (s) => out += s,
    tty: true,
    now: () => t,
    refreshMs: 1_000_000,
    columns: () => cols,
  });
  const live = () => out.slice(out.lastIndexOf("\r\x1b[2K") + 5);
  p.start("walkforward");
  p.start("training", { total: 5 });
  t = 10_000;
  p.step("training", { done: 2, inner: { label: "fold 3", done: 100, total: 200 } });
  // 30-character bar: 97 characters; the bar narrows to 12 so the line fits 79
  assert.equal(live(), "▸ walkforward 10.0 s › training [######......] 2/5 · fold 3 100/200 · ETA 0m10s");
  cols = 40; // narrower than the 8-character bar allows: cut
  p.step("training", { done: 3, inner: { label: "fold 4", done: 120, total: 200 } });
  assert.ok(live().startsWith("▸ walkforward 10.0 s › training [") && live().endsWith("…"), live());
  assert.equal([...live()].length, 39);
  cols = 200;
  // within the refresh quarter, progress inside the step (trees) is not redrawn; a whole step is
  const before = out.length;
  p.step("training", { inner: { label: "fold 4", done: 121, total: 200 } });
  assert.equal(out.length, before);
  p.step("training", { done: 4, inner: null });
  assert.ok(out.length > before);
  assert.equal(live(), "▸ walkforward 10.0 s › training [######..] 4/5 · ETA 0m03s", "the bar stays narrow");
  p.step("training", { done: 5 });
  p.end("training");
  assert.ok(
    out.includes(`\r\x1b[2Ktraining [${"#".repeat(30)}] 5/5\n\r\x1b[2K▸ walkforward 10.0 s`),
    JSON.stringify(out),
  );
  p.message("warning: x");
  assert.ok(out.endsWith("\r\x1b[2Kwarning: x\n\r\x1b[2K▸ walkforward 10.0 s"), JSON.stringify(out));
  p.close();
  assert.ok(out.endsWith("\r\x1b[2K"), "close clears the live line");
});

Deno.test("on a TTY: the live line is redrawn on a timer (elapsed time moves without events)", async () => {
  let out = "";
  let t = 0;
  const p = createTerminalProgress({ write: (s) => out += s, tty: true, now: () => t, refreshMs: 5 });
  p.start("features");
  t = 2500;
  for (let i = 0; i < 200 && !out.includes("features 2.5 s"); i++) await new Promise((r) => setTimeout(r, 5));
  p.close();
  assert.ok(out.includes("\r\x1b[2K▸ features 2.5 s"), JSON.stringify(out));
});
