import assert from "node:assert/strict";
import { createTerminalProgress } from "../util/progress_terminal.ts";
import { ProgressTracker } from "../util/progress.ts";
import type { WalkForwardProgress } from "../validation/walk_forward.ts";
import { trainingFeed } from "./progress.ts";

/** The events walkForward sends for `folds` folds of `trees` trees each, and the final model. */
function walkForwardEvents(folds: number, trees: number, finalReports = true): WalkForwardProgress[] {
  const out: WalkForwardProgress[] = [];
  for (let fold = 1; fold <= folds; fold++) {
    out.push({ fold, folds, stage: "fit" });
    for (let d = 1; d <= trees; d++) out.push({ fold, folds, stage: "fit", done: d, total: trees });
    out.push({ fold, folds, stage: "predict" }, { fold, folds, stage: "done" });
  }
  out.push({ fold: 0, folds, stage: "final" });
  if (finalReports) {
    for (let d = 1; d <= trees; d++) out.push({ fold: 0, folds, stage: "final", done: d, total: trees });
  }
  return out;
}

Deno.test("trainingFeed: walk-forward folds and the final model as one counted task inside the stage (plain lines)", () => {
  let out = "";
  const p = createTerminalProgress({ write: (t) => out += t, tty: false, now: () => 0, barWidth: 10 });
  const feed = trainingFeed(p);
  p.start("walkforward");
  for (const e of walkForwardEvents(4, 3)) feed(e);
  assert.equal(p.running().length, 1, "training ends with the final model");
  p.end("walkforward", { ok: true, seconds: 1, peakRssBytes: 1048576 });
  assert.equal(
    out,
    [
      "stage walkforward started",
      "training [..........] 0/5",
      "training [##........] 1/5",
      "training [####......] 2/5",
      "training [######....] 3/5",
      "training [########..] 4/5",
      "training [##########] 5/5",
      "stage walkforward ok in 1.00 s, peak RSS 1 MB",
      "",
    ].join("\n"),
  );
});

Deno.test("trainingFeed: the fit in flight is the inner step; a silent final fit ends with the stage", () => {
  const p = new ProgressTracker([], () => 0);
  const feed = trainingFeed(p, "fit");
  const events = walkForwardEvents(2, 4, false);
  p.start("walkforward");
  for (const e of events.slice(0, 4)) feed(e); // fold 1: fit, trees 1..3
  assert.deepEqual(p.running()[1].inner, { label: "fold 1", done: 3, total: 4 });
  feed(events[5]);
  assert.deepEqual(p.running()[1].inner, { label: "fold 1 predict" });
  for (const e of events.slice(6)) feed(e);
  assert.equal(p.running()[1].done, 2);
  assert.deepEqual(p.running()[1].inner, { label: "final fit", done: undefined, total: undefined });
  p.end("walkforward");
  assert.equal(p.running().length, 0);
});
