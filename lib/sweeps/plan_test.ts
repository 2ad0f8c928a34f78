import assert from "node:assert/strict";
import { planSweep } from "./plan.ts";
import { expandSpace } from "./space.ts";
import { REPO } from "./_test_project.ts";

async function sweepFile(text: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/s.yaml`;
  await Deno.writeTextFile(file, text);
  return file;
}

const BASE = "base: configs/strategies/btc_spot_ema_cross_rsi.yaml\n";

Deno.test("planSweep() applies fixed values and each grid point to the base config", async () => {
  const file = await sweepFile(
    `name: g\n${BASE}fixed: { model.nTrees: 11 }\nsearch:\n  kind: grid\n  space: { policy.entry: [0.4, 0.5], label.horizon: [2, 3, 4] }\n`,
  );
  const plan = await planSweep(file, { projectRoot: REPO });
  assert.equal(plan.trials.length, 6);
  assert(
    plan.trials.every((t) => t.config.model.kind === "hist_random_forest" && t.config.model.nTrees === 11),
  );
  assert.deepEqual(plan.trials.map((t) => [t.config.policy.entry, t.config.label.horizon]), [
    [0.4, 2],
    [0.4, 3],
    [0.4, 4],
    [0.5, 2],
    [0.5, 3],
    [0.5, 4],
  ]);
  assert.equal(plan.trials[0].datasets[0].path, "data/raw/binance_BTC_USDT_spot_1h.parquet");
  assert.match(plan.trials[0].datasets[0].sha256, /^[0-9a-f]{64}$/);
  // the same file over the same data plans the same ids
  const again = await planSweep(file, { projectRoot: REPO });
  assert.deepEqual(again.trials.map((t) => t.id), plan.trials.map((t) => t.id));
  assert.equal(again.id, plan.id);
});

Deno.test("a trial's id changes with its data bytes and its feature-set file, not with the sweep it is in", async () => {
  const file = await sweepFile(`name: a\n${BASE}search: { kind: grid, space: { policy.entry: [0.4] } }\n`);
  const other = await sweepFile(
    `name: b\n${BASE}search: { kind: grid, space: { policy.entry: [0.4, 0.5] } }\n`,
  );
  const a = await planSweep(file, { projectRoot: REPO });
  const b = await planSweep(other, { projectRoot: REPO });
  assert.equal(a.trials[0].id, b.trials[0].id);
  assert.notEqual(a.id, b.id);
  const changed = await planSweep(file, {
    projectRoot: REPO,
    hashFile: (p) => Promise.resolve(p.endsWith(".parquet") ? "0".repeat(64) : "f".repeat(64)),
  });
  assert.notEqual(changed.trials[0].id, a.trials[0].id);
});

Deno.test("random search is seeded, respects ranges and drops repeated points", async () => {
  const space = {
    "model.maxDepth": { min: 2, max: 4, int: true, log: false },
    "policy.entry": { min: 0.4, max: 0.6, int: false, log: false },
    "model.minSamplesLeaf": { min: 10, max: 1000, int: false, log: true },
  };
  const pts = expandSpace({ kind: "random", trials: 200, seed: 5, space });
  assert.deepEqual(pts, expandSpace({ kind: "random", trials: 200, seed: 5, space }));
  assert.notDeepEqual(pts, expandSpace({ kind: "random", trials: 200, seed: 6, space }));
  assert.deepEqual([...new Set(pts.map((p) => p["model.maxDepth"]))].sort(), [2, 3, 4]);
  assert(pts.every((p) => (p["policy.entry"] as number) >= 0.4 && (p["policy.entry"] as number) <= 0.6));
  const leaf = pts.map((p) => p["model.minSamplesLeaf"] as number);
  assert(leaf.filter((x) => x < 100).length > 60, "log-uniform puts about half the draws below 100");
  const file = await sweepFile(
    `name: r\n${BASE}search:\n  kind: random\n  trials: 20\n  seed: 1\n  space: { model.maxDepth: [3, 4] }\n`,
  );
  const plan = await planSweep(file, { projectRoot: REPO });
  assert.equal(plan.trials.length, 2);
  assert.equal(plan.duplicates, 18);
});

Deno.test("a point that makes an invalid config is refused naming the sweep file, the point and the field", async () => {
  const file = await sweepFile(
    `name: bad\n${BASE}search: { kind: grid, space: { policy.entry: [0.4, 7] } }\n`,
  );
  await assert.rejects(() => planSweep(file, { projectRoot: REPO }), (err: Error) => {
    assert.match(err.message, /s\.yaml point 1 \(policy\.entry=7\)/);
    assert.match(err.message, /policy\.entry/);
    return true;
  });
  const typo = await sweepFile(`name: t\n${BASE}search: { kind: grid, space: { model.maxDepht: [3] } }\n`);
  await assert.rejects(() => planSweep(typo, { projectRoot: REPO }), /model\.maxDepht does not exist/);
  const schema = await sweepFile(
    `name: t\n${BASE}search: { kind: grid, space: { model.maxDepth: [] } }\nextra: 1\n`,
  );
  await assert.rejects(() => planSweep(schema, { projectRoot: REPO }), /extra|space/);
});

Deno.test("the shipped sweep files plan: the grid has at least 24 trials, the random search its 16 draws", async () => {
  const grid = await planSweep(`${REPO}/configs/sweeps/btc_spot_grid.yaml`, { projectRoot: REPO });
  assert(grid.trials.length >= 24);
  const random = await planSweep(`${REPO}/configs/sweeps/btc_spot_random.yaml`, { projectRoot: REPO });
  assert.equal(random.trials.length + random.duplicates, 16);
  for (const t of random.trials) {
    assert(t.config.policy.entry >= 0.4 && t.config.policy.entry <= 0.52);
    assert(
      Number.isInteger(t.config.model.kind === "hist_random_forest" ? t.config.model.minSamplesLeaf : 0),
    );
  }
});
