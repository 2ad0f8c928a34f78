import assert from "node:assert/strict";
import { createWorkerMemo } from "./memo.ts";
import { planSweep } from "./plan.ts";
import { DatasetMismatchError, runTrial, type TrialJob } from "./trial.ts";
import { makeSweepProject } from "./_test_project.ts";

Deno.test("runTrial() writes nothing to experiments/ or models/, returns the run + model, and reuses loaded data", async () => {
  const root = await makeSweepProject();
  const plan = await planSweep(`${root}/configs/sweeps/tiny.yaml`, { projectRoot: root });
  const memo = createWorkerMemo();
  const job = (i: number): TrialJob => ({
    sweepId: plan.id,
    trialId: plan.trials[i].id,
    index: i,
    config: plan.trials[i].config,
    datasets: plan.trials[i].datasets,
  });
  const a = await runTrial(job(0), { memo, projectRoot: root });
  const b = await runTrial(job(1), { memo, projectRoot: root });
  for (const o of [a, b]) {
    assert.equal(o.status, "ok", o.error ?? "");
    assert(o.files && o.model && o.runId);
    assert.equal(JSON.parse(o.files.run).model_id, o.model.id);
    assert(o.files.backtest?.includes('"equity"'));
  }
  assert.equal(memo.hits.dataset, 1);
  assert.equal(memo.hits.quality, 1);
  assert.equal(memo.hits.features, 1);
  for (const d of ["experiments", "models"]) {
    await assert.rejects(() => Deno.stat(`${root}/${d}`), Deno.errors.NotFound, `${d}/ was written`);
  }
  const scratch = await Array.fromAsync(Deno.readDir(`${root}/data/cache/trials`));
  assert.deepEqual(scratch, [], "scratch folders left behind");
  await assert.rejects(
    () =>
      runTrial({ ...job(2), datasets: [{ ...job(2).datasets[0], sha256: "0".repeat(64) }] }, {
        memo,
        projectRoot: root,
      }),
    DatasetMismatchError,
  );
  await Deno.remove(root, { recursive: true });
});
