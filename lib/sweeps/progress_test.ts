import assert from "node:assert/strict";
import { terminalSweepProgress } from "./progress.ts";

Deno.test("terminalSweepProgress without a TTY: a line per trial; rate and ETA leave out the trials done before", () => {
  let out = "";
  let t = 0;
  const p = terminalSweepProgress("grid", { tty: false, write: (s) => out += s, now: () => t, barWidth: 10 });
  p({ done: 2, total: 6, failed: 0, skipped: 2 });
  t = 30_000;
  p({ done: 3, total: 6, failed: 0, skipped: 2 });
  t = 60_000;
  p({ done: 4, total: 6, failed: 1, skipped: 2 });
  t = 90_000;
  p({ done: 5, total: 6, failed: 1, skipped: 2 });
  t = 120_000;
  p({ done: 6, total: 6, failed: 1, skipped: 2 });
  assert.equal(
    out,
    [
      "grid [###.......] 2/6",
      "grid [#####.....] 3/6 · 2.0 trials/min · ETA 1m30s",
      "grid [#######...] 4/6 · 1 failed · 2.0 trials/min · ETA 1m00s",
      "grid [########..] 5/6 · 1 failed · 2.0 trials/min · ETA 0m30s",
      "grid [##########] 6/6 · 1 failed · 2.0 trials/min",
      "",
    ].join("\n"),
  );
});

Deno.test("terminalSweepProgress on a TTY: a live line, and the finished sweep's line ends with a newline", () => {
  let out = "";
  let t = 0;
  const p = terminalSweepProgress("grid", {
    tty: true,
    write: (s) => out += s,
    now: () => t,
    barWidth: 4,
    refreshMs: 1_000_000,
    columns: () => 200,
  });
  p({ done: 0, total: 2, failed: 0, skipped: 0 });
  assert.equal(out, "\r\x1b[2K▸ grid [....] 0/2");
  t = 60_000;
  p({ done: 1, total: 2, failed: 0, skipped: 0 });
  assert.ok(out.endsWith("\r\x1b[2K▸ grid [##..] 1/2 · 1.0 trials/min · ETA 1m00s"), JSON.stringify(out));
  t = 120_000;
  p({ done: 2, total: 2, failed: 0, skipped: 0 });
  assert.ok(out.endsWith("\r\x1b[2Kgrid [####] 2/2 · 1.0 trials/min\n"), JSON.stringify(out));
});
