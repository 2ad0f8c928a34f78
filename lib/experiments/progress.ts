/**
 * Progress of runs, on the one progress model (lib/util/progress.ts): the recorder reports each stage to a
 * {@link Progress}; {@link trainingFeed} turns walk-forward training events (folds, and the trees or rounds
 * of each fit) into a counted task on the same model. Renderers: lib/util/progress_terminal.ts (tasks) and
 * lib/notebooks/progress.ts (notebooks).
 *
 * @module
 */
import type { Progress } from "../util/progress.ts";
import type { WalkForwardProgress } from "../validation/walk_forward.ts";

export { type Progress, silentProgress } from "../util/progress.ts";

/**
 * An `onTrainProgress` for `runExperiment` that feeds `progress` a counted task `label`: one step per
 * walk-forward fold plus the final model, the fit in flight (trees, rounds) as the inner step. The task ends
 * when the final model is fitted (or with the stage it runs in).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressTracker } from "../util/progress.ts";
 * import { trainingFeed } from "./progress.ts";
 * const p = new ProgressTracker();
 * const feed = trainingFeed(p);
 * feed({ fold: 1, folds: 2, stage: "fit", done: 5, total: 10 });
 * assert.equal(p.running()[0].inner?.label, "fold 1");
 * feed({ fold: 1, folds: 2, stage: "done" });
 * assert.equal(p.running()[0].done, 1);
 * assert.equal(p.running()[0].total, 3);
 * ```
 */
export function trainingFeed(progress: Progress, label = "training"): (p: WalkForwardProgress) => void {
  let started = false;
  let folds = 0;
  return (p) => {
    if (!started) {
      progress.start(label, { total: p.folds + 1 });
      started = true;
    }
    const step = p.fold === 0 ? "final fit" : `fold ${p.fold}`;
    if (p.stage === "done") {
      folds++;
      progress.step(label, { done: folds, inner: null });
    } else if (p.stage === "final" && p.done !== undefined && p.done === p.total) {
      progress.step(label, { done: folds + 1, inner: null });
      progress.end(label);
    } else if (p.stage === "predict") {
      progress.step(label, { inner: { label: `${step} predict` } });
    } else {
      progress.step(label, { inner: { label: step, done: p.done, total: p.total } });
    }
  };
}
