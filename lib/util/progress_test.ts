import assert from "node:assert/strict";
import {
  etaSeconds,
  formatTask,
  fractionDone,
  perMinute,
  type ProgressEvent,
  ProgressTracker,
} from "./progress.ts";

function recorder() {
  const events: string[] = [];
  const listener = (e: ProgressEvent) => {
    if (e.type === "end") events.push(`end ${e.task.name} ${e.result.ok} ${e.result.seconds}`);
    else if (e.type === "message") events.push(`message ${e.text}`);
    else if (e.type === "close") events.push("close");
    else events.push(`${e.type} ${e.task.name} ${e.task.done}/${e.task.total}`);
  };
  return { events, listener };
}

Deno.test("ProgressTracker keeps running tasks in start order and ends a task's sub-tasks with it", () => {
  let t = 0;
  const r = recorder();
  const p = new ProgressTracker([r.listener], () => t);
  p.start("walkforward");
  p.start("training", { total: 5 });
  t = 2000;
  p.step("training", { done: 2 });
  assert.deepEqual(p.running().map((x) => x.name), ["walkforward", "training"]);
  t = 3000;
  p.end("walkforward", { ok: false, seconds: 2.75 });
  assert.equal(p.running().length, 0);
  assert.deepEqual(r.events, [
    "start walkforward 0/null",
    "start training 0/5",
    "step training 2/5",
    "end training false 3", // its own time on the tracker's clock, the parent's outcome
    "end walkforward false 2.75",
  ]);
});

Deno.test("ProgressTracker ignores steps and ends of tasks that are not running, and rejects a bad total", () => {
  const r = recorder();
  const p = new ProgressTracker([r.listener], () => 0);
  p.step("nothing", { done: 1 });
  p.end("nothing");
  p.message("hello");
  p.close();
  assert.deepEqual(r.events, ["message hello", "close"]);
  assert.throws(() => p.start("trials", { total: -1 }), /task "trials": total must be a count >= 0, got -1/);
  assert.throws(() => p.start("trials", { total: NaN }), /got NaN/);
});

Deno.test("ETA and rate count only the work done since the task started, and the step in flight", () => {
  const p = new ProgressTracker([], () => 0);
  p.start("s", { total: 10, done: 2, unit: "trials" });
  const task = p.running()[0];
  assert.equal(etaSeconds(task, 60_000), null); // nothing ran yet
  assert.equal(perMinute(task, 60_000), null);
  p.step("s", { done: 6 });
  assert.equal(perMinute(task, 60_000), 4);
  assert.equal(etaSeconds(task, 60_000), 60);
  p.step("s", { done: 1, total: 4, inner: { label: "fold 2", done: 50, total: 100 } });
  assert.equal(fractionDone(task), 0.375);
  p.step("s", { done: 4 });
  assert.equal(etaSeconds(task, 60_000), null); // finished
});

Deno.test("formatTask shows the parts a task has: inner step, failures, rate with a unit, ETA", () => {
  const base = { name: "training", startedMs: 0, done: 2, total: 5, doneAtStart: 0, failed: 0 };
  assert.equal(
    formatTask({ ...base, inner: { label: "fold 3", done: 100, total: 200 } }, 10_000, 10),
    "training [#####.....] 2/5 · fold 3 100/200 · ETA 0m10s",
  );
  assert.equal(
    formatTask({ ...base, inner: { label: "fold 3 predict" } }, 0, 10),
    "training [####......] 2/5 · fold 3 predict",
  );
  assert.equal(formatTask({ ...base, done: 7, total: 5 }, 0, 4), "training [####] 7/5");
  assert.equal(formatTask({ ...base, total: 0 }, 0, 4), "training [####] 2/0");
});
