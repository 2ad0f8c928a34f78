/**
 * The sweep report over real trials of a base config with a lockbox: the returns matrix stops before the
 * hold-out, the walk-forward optimisation's outer folds are the trials' recorded test folds, and runs that
 * break either rule are caught.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { createWorkerMemo } from "./memo.ts";
import { planSweep } from "./plan.ts";
import { recordTrial } from "./record.ts";
import { formatWalkForward, sweepReport } from "./report.ts";
import { runTrial } from "./trial.ts";
import { makeSweepProject } from "./_test_project.ts";

const HOLDOUT = "2024-11-01";

Deno.test("trials of a base config with a hold-out never put lockbox bars in the returns matrix; the walk-forward folds are the trials' own", async () => {
  const root = await makeSweepProject();
  const base = `${root}/configs/strategies/tiny.yaml`;
  const c = parse(await Deno.readTextFile(base));
  c.holdout = { start: HOLDOUT };
  await Deno.writeTextFile(base, stringify(c));
  await Deno.writeTextFile(
    `${root}/configs/sweeps/lock.yaml`,
    stringify({
      name: "lock",
      base: "configs/strategies/tiny.yaml",
      search: { kind: "grid", space: { "label.horizon": [4, 8] } },
      pbo: { blocks: 4 },
      walk_forward: {},
    }),
  );
  const plan = await planSweep(`${root}/configs/sweeps/lock.yaml`, { projectRoot: root });
  const memo = createWorkerMemo();
  const roots = { runs: join(root, "experiments/runs"), registry: join(root, "models") };
  const dirs: string[] = [];
  for (const t of plan.trials) {
    const o = await runTrial(
      { sweepId: plan.id, trialId: t.id, index: t.index, config: t.config, datasets: t.datasets },
      { memo, projectRoot: root },
    );
    assert.equal(o.status, "ok", o.error ?? "");
    dirs.push((await recordTrial(o, roots)).runDir!);
  }
  const lock = Date.parse(HOLDOUT);
  const runs: { metrics: { folds: { test_start: string }[] } }[] = [];
  for (const d of dirs) {
    const run = JSON.parse(await Deno.readTextFile(join(d, "run.json")));
    const bt = JSON.parse(await Deno.readTextFile(join(d, "backtest.json")));
    assert.equal(run.holdout.opened, false);
    assert(bt.timestamp.length > 1000);
    assert(bt.timestamp.every((t: number) => t < lock), `${d}: a backtest bar at or after the hold-out`);
    runs.push(run);
  }

  const r = await sweepReport(plan, { projectRoot: root });
  assert.equal(r.nOk, 2);
  assert(r.pbo && r.commonBars > 1000);
  const w = r.walkForward;
  assert(w, r.walkForwardError ?? "no walk-forward result");
  assert.equal(r.walkForwardError, null);
  assert.deepEqual([w.gap, w.minGap, w.objective], [8, 8, "sharpe"]);
  // outer folds = the trials' test folds 2..4, each starting at the later of the two trials' recorded starts
  assert.deepEqual(w.folds.map((f) => f.trialFold), [2, 3, 4]);
  for (const f of w.folds) {
    const starts = runs.map((run) => Date.parse(run.metrics.folds[f.trialFold! - 1].test_start));
    assert.equal(f.testStartTime, new Date(Math.max(...starts)).toISOString());
    assert.equal(f.chooseEnd, f.testStart - 8);
  }
  assert(Date.parse(w.folds.at(-1)!.testEndTime!) < lock);
  assert(w.chosenTrials!.every((i) => i === 0 || i === 1));
  assert.match(formatWalkForward(w).join("\n"), /fold 4 .*trial [01] \{"label.horizon":[48]\}/);

  // a run without fold periods: the walk-forward section says why, the rest of the report stands
  const first = join(dirs[0], "run.json");
  const rec = JSON.parse(await Deno.readTextFile(first));
  const bare = {
    ...rec,
    metrics: { ...rec.metrics, folds: rec.metrics.folds.map((f: { fold: number }) => ({ fold: f.fold })) },
  };
  await Deno.writeTextFile(first, JSON.stringify(bare));
  const old = await sweepReport(plan, { projectRoot: root });
  assert.equal(old.walkForward, null);
  assert.match(old.walkForwardError ?? "", /records no start for its test fold 1 .*rerun that trial/);
  assert(old.pbo);
  // returns that reach a trial's lockbox are refused outright
  await Deno.writeTextFile(
    first,
    JSON.stringify({ ...rec, holdout: { ...rec.holdout, start: "2024-09-01T00:00:00.000Z" } }),
  );
  await assert.rejects(
    () => sweepReport(plan, { projectRoot: root }),
    /returns reach its hold-out \(2024-09-01/,
  );
  await Deno.remove(root, { recursive: true });
});
