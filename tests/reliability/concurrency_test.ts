/**
 * Concurrency: three experiments (two of them identical, so they save the same model id at once) and a
 * notebook run start together against one project's registry, feature cache and SQLite state file. All
 * complete, no file is interleaved, and run logs and registry agree. The experiments run with the
 * narrowed flags proposed for `deno task experiment`, which proves those flags suffice.
 */
import assert from "node:assert/strict";
import { checkProjectIntegrity } from "./_invariants.ts";
import { makeProject, recordCounts, REPO, runDeno, smallConfig, writeConfig } from "./_project.ts";

/** The flags proposed for `deno task experiment` (relative to the repository, here absolute). */
export const EXPERIMENT_FLAGS = [
  `--allow-read=.,${REPO}`,
  "--allow-write=data/cache,models,experiments",
  `--allow-ffi=${REPO}/node_modules`,
  "--allow-run=git",
  "--allow-env=LOG_TOKENS,LOG_STREAM",
];

Deno.test("3 experiments and a notebook run at once all complete; registry, cache, state and run logs agree", async () => {
  const root = await makeProject();
  const rel = await writeConfig(root, "conc", smallConfig());
  const jobs = [
    runDeno(root, EXPERIMENT_FLAGS, "lib/tasks/experiment.ts", [rel, "--set", "seed=1"]),
    runDeno(root, EXPERIMENT_FLAGS, "lib/tasks/experiment.ts", [rel, "--set", "seed=2"]),
    runDeno(root, EXPERIMENT_FLAGS, "lib/tasks/experiment.ts", [rel, "--set", "seed=2"]),
    runDeno(root, ["-A"], "lib/tasks/nb_run.ts", [
      `${REPO}/notebooks/00_smoke.ipynb`,
      "--out",
      `${root}/experiments/notebooks/smoke`,
    ]),
  ];
  const results = await Promise.all(jobs);
  results.forEach((r, i) => assert.equal(r.code, 0, `job ${i} failed: ${r.stderr.slice(-2000)}`));
  const models = results.slice(0, 3).map((r) => /^model (\w+)$/m.exec(r.stdout)![1]);
  assert.equal(models[1], models[2], "identical configs gave different model ids");
  assert.notEqual(models[0], models[1]);

  const report = await checkProjectIntegrity(root);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.models, [...new Set(models)].sort());
  assert.equal(report.runs.ok, 3, JSON.stringify(report.runs));
  for await (const d of Deno.readDir(`${root}/experiments/runs`)) {
    const lines = (await Deno.readTextFile(`${root}/experiments/runs/${d.name}/log.jsonl`)).trim().split(
      "\n",
    );
    for (const line of lines) JSON.parse(line); // an interleaved line would not parse
  }
  const manifest = JSON.parse(await Deno.readTextFile(`${root}/experiments/notebooks/smoke/manifest.json`));
  assert.equal(manifest.status, "ok");
  await Deno.remove(root, { recursive: true });
  await recordCounts("concurrency", { concurrent_runs: results.length });
});
