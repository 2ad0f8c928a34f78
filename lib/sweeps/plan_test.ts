import assert from "node:assert/strict";
import { planSweep, walkForwardGap } from "./plan.ts";
import { expandSpace } from "./space.ts";
import { parse, stringify } from "yaml";
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

Deno.test("a sweep cannot vary or set the hold-out: holdout.* and the ledger are refused in fixed and in search", async () => {
  for (
    const [text, key] of [
      [
        `fixed: { holdout.start: "2024-06-01" }\nsearch: { kind: grid, space: { policy.entry: [0.4] } }\n`,
        "holdout.start",
      ],
      [`search: { kind: grid, space: { holdout.last: [30d, 60d] } }\n`, "holdout.last"],
      [`fixed: { holdout: null }\nsearch: { kind: grid, space: { policy.entry: [0.4] } }\n`, "holdout"],
      [
        `fixed: { output.holdout_ledger: x.sqlite }\nsearch: { kind: grid, space: { policy.entry: [0.4] } }\n`,
        "output.holdout_ledger",
      ],
    ]
  ) {
    const file = await sweepFile(`name: h\n${BASE}${text}`);
    await assert.rejects(() => planSweep(file, { projectRoot: REPO }), (err: Error) => {
      assert.match(err.message, /a sweep cannot vary or set the hold-out/);
      assert(err.message.includes(`remove ${key} from`), err.message);
      return true;
    });
  }
});

/** A base strategy config with `change` applied, written beside a sweep file over it. */
async function baseWith(change: (c: Record<string, unknown>) => void): Promise<string> {
  const c = parse(await Deno.readTextFile(`${REPO}/configs/strategies/btc_spot_ema_cross_rsi.yaml`));
  change(c);
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  await Deno.writeTextFile(file, stringify(c));
  return file;
}

Deno.test("a base config whose lockbox is the last part of the data refuses a sweep over data.range or data.paths", async () => {
  const last = await baseWith((c) => (c.holdout = { last: "90d" }));
  const moved = await sweepFile(
    `name: m\nbase: ${last}\nsearch: { kind: grid, space: { data.range.end: ["2024-06-01", "2024-12-01"] } }\n`,
  );
  await assert.rejects(
    () => planSweep(moved, { projectRoot: REPO }),
    /cannot move the hold-out: the base config's holdout.last 90d .*data\.range\.end/,
  );
  // a lockbox fixed by date does not move with the data
  const dated = await baseWith((c) => (c.holdout = { start: "2024-10-01" }));
  const ok = await sweepFile(
    `name: m\nbase: ${dated}\nsearch: { kind: grid, space: { data.range.end: ["2024-06-01", "2024-12-01"] } }\n`,
  );
  assert.equal((await planSweep(ok, { projectRoot: REPO })).trials.length, 2);
});

Deno.test("walk_forward: gap defaults to the largest label horizon + embargo and is refused below it", async () => {
  const space = `search: { kind: grid, space: { label.horizon: [4, 8] } }\n`;
  const plan = await planSweep(await sweepFile(`name: w\n${BASE}${space}walk_forward: {}\n`), {
    projectRoot: REPO,
  });
  assert.deepEqual(walkForwardGap(plan.config, plan.trials), { gap: 8, minGap: 8 });
  const embargo = await planSweep(
    await sweepFile(`name: w\n${BASE}fixed: { validation.embargo: 10 }\n${space}walk_forward: { gap: 30 }\n`),
    { projectRoot: REPO },
  );
  assert.deepEqual(walkForwardGap(embargo.config, embargo.trials), { gap: 30, minGap: 18 });
  const low = await sweepFile(
    `name: w\n${BASE}fixed: { validation.embargo: 10 }\n${space}walk_forward: { gap: 17 }\n`,
  );
  await assert.rejects(
    () => planSweep(low, { projectRoot: REPO }),
    /walk_forward\.gap 17 is below the minimum 18/,
  );
});

Deno.test("walk_forward needs walk-forward trials cut into the same folds", async () => {
  const kfold = await sweepFile(
    `name: k\n${BASE}fixed: { validation.scheme: purged_kfold }\nsearch: { kind: grid, space: { policy.entry: [0.4] } }\nwalk_forward: {}\n`,
  );
  await assert.rejects(
    () => planSweep(kfold, { projectRoot: REPO }),
    /needs walk-forward trials: .*purged_kfold/,
  );
  const folds = await sweepFile(
    `name: f\n${BASE}search: { kind: grid, space: { validation.folds: [3, 4] } }\nwalk_forward: {}\n`,
  );
  await assert.rejects(
    () => planSweep(folds, { projectRoot: REPO }),
    /every trial needs the same ones: trial 1/,
  );
  const count = await sweepFile(
    `name: c\n${BASE}search: { kind: grid, space: { policy.entry: [0.4] } }\nwalk_forward: { folds: 3 }\n`,
  );
  await assert.rejects(
    () => planSweep(count, { projectRoot: REPO }),
    /walk_forward\.folds is 3, .*validation\.folds 4/,
  );
  // without walk_forward the same sweeps plan
  const plain = await sweepFile(
    `name: f\n${BASE}search: { kind: grid, space: { validation.folds: [3, 4] } }\n`,
  );
  assert.equal((await planSweep(plain, { projectRoot: REPO })).trials.length, 2);
});
