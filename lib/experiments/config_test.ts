import assert from "node:assert/strict";
import { loadExperimentConfig } from "./config.ts";
import { ConfigError } from "../config/load.ts";
import { listStrategies } from "../backtest/strategy.ts";

const DIR = "configs/strategies";

Deno.test("every shipped strategy config validates", async () => {
  const names = await listStrategies(DIR);
  assert.ok(names.includes("btc_spot_ema_cross_rsi"));
  assert.ok(names.some((n) => n.startsWith("btc_perp")));
  for (const n of names) {
    const c = await loadExperimentConfig(`${DIR}/${n}.yaml`);
    assert.equal(c.name, n, `${n}.yaml: name must equal the file name`);
    assert.equal(c.market.kind, c.data.market);
  }
});

Deno.test("loadExperimentConfig() names the file and every bad field", async () => {
  const dir = await Deno.makeTempDir();
  const text = (await Deno.readTextFile(`${DIR}/btc_spot_ema_cross_rsi.yaml`))
    .replace("seed: 7", "seed: -1\nmodle: {}")
    .replace("takerBps: 10", "takerBps: 5000");
  await Deno.writeTextFile(`${dir}/bad.yaml`, text);
  await assert.rejects(() => loadExperimentConfig(`${dir}/bad.yaml`), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /bad\.yaml/);
    const all = err.issues.join("\n");
    assert.match(all, /seed/);
    assert.match(all, /modle/);
    assert.match(all, /costs\.takerBps/);
    return true;
  });
});

Deno.test("a spot dataset cannot be traded as a perpetual", async () => {
  const dir = await Deno.makeTempDir();
  const text = (await Deno.readTextFile(`${DIR}/btc_spot_ema_cross_rsi.yaml`))
    .replace("market: { kind: spot }", "market: { kind: perpetual }");
  await Deno.writeTextFile(`${dir}/x.yaml`, text);
  await assert.rejects(() => loadExperimentConfig(`${dir}/x.yaml`), /market\.kind/);
});

Deno.test("--set overrides are applied and validated", async () => {
  const c = await loadExperimentConfig(`${DIR}/btc_spot_ema_cross_rsi.yaml`, ["model.nTrees=12", "seed=3"]);
  assert.equal(c.model.kind === "hist_random_forest" && c.model.nTrees, 12);
  assert.equal(c.seed, 3);
  await assert.rejects(
    () => loadExperimentConfig(`${DIR}/btc_spot_ema_cross_rsi.yaml`, ["model.nTrees=zero"]),
    /nTrees/,
  );
  await assert.rejects(
    () => loadExperimentConfig(`${DIR}/btc_spot_ema_cross_rsi.yaml`, ["modell.nTrees=3"]),
    /modell/,
  );
});
