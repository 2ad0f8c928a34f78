import assert from "node:assert/strict";
import { walkForwardOptimise } from "./walk_forward.ts";

Deno.test("walkForwardOptimise() chooses on past bars only: a trial that is good only in the test fold is not chosen for it", () => {
  const T = 500;
  // trial 0: steady small gain; trial 1: loses before bar 400, then gains a lot (the last fold)
  const steady = Float64Array.from({ length: T }, (_, t) => 0.001 + 0.0005 * Math.sin(t));
  const late = Float64Array.from({ length: T }, (_, t) => (t < 400 ? -0.002 : 0.01) + 0.0005 * Math.cos(t));
  const w = walkForwardOptimise([steady, late], { folds: 4, gap: 5 });
  assert.deepEqual(w.folds.map((f) => f.trial), [0, 0, 0, 0]);
  assert.equal(w.folds[3].testStart, 400);
  assert(w.folds.every((f) => f.chooseEnd === f.testStart - 5));
  assert.equal(w.distinctChoices, 1);
  // the stitched result is the steady trial's bars 100..499
  assert.equal(w.returns.length, 400);
  assert.equal(w.returns[0], steady[100]);
});

Deno.test("walkForwardOptimise() follows a change of regime one fold late and reports each fold's choice", () => {
  const T = 600;
  const a = Float64Array.from({ length: T }, (_, t) => (t < 250 ? 0.004 : -0.004) + 0.001 * Math.sin(t));
  const b = Float64Array.from({ length: T }, (_, t) => (t < 250 ? -0.001 : 0.006) + 0.001 * Math.cos(t));
  const w = walkForwardOptimise([a, b], { folds: 5, gap: 0, objective: "total_return" });
  assert.deepEqual(w.folds.map((f) => f.trial), [0, 0, 0, 1, 1]);
  assert.equal(w.distinctChoices, 2);
  assert.throws(() => walkForwardOptimise([a], { folds: 50, gap: 20 }), /too few/);
});
