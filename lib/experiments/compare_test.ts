import assert from "node:assert/strict";
import { compareRecords, compareRuns, configDifferences, formatComparison, trialSets } from "./compare.ts";
import { deflatedSharpe, probabilisticSharpe } from "./deflated_sharpe.ts";
import { fakeRunRecord, writeFakeRun } from "./testing.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const cfg = (depth: number, horizon = 12) => ({
  model: { kind: "forest", depth },
  labels: { horizon },
  fees: [5, 2],
});

async function fakeRoot(): Promise<{ root: string; ids: string[] }> {
  const root = await Deno.makeTempDir();
  const recs = [
    fakeRunRecord({
      startMs: T0,
      suffix: "a",
      config: cfg(4),
      sharpe: 0.010,
      nPeriods: 4000,
      skew: -0.3,
      kurtosis: 6,
    }),
    fakeRunRecord({
      startMs: T0 + H,
      suffix: "b",
      config: cfg(6),
      sharpe: 0.030,
      nPeriods: 4000,
      skew: -0.3,
      kurtosis: 6,
    }),
    fakeRunRecord({
      startMs: T0 + 2 * H,
      suffix: "c",
      config: cfg(8, 24),
      sharpe: 0.020,
      nPeriods: 4000,
      skew: 0.1,
      kurtosis: 4,
    }),
    fakeRunRecord({ startMs: T0 + 3 * H, suffix: "d", config: cfg(10), status: "failed", sharpe: null }),
    fakeRunRecord({ startMs: T0 + 4 * H, suffix: "e", strategy: "xrp_spot_1h", config: cfg(6), sharpe: 0.5 }),
  ];
  for (const r of recs) await writeFakeRun(root, r);
  return { root, ids: recs.map((r) => r.run_id) };
}

Deno.test("configDifferences() lists only the dotted keys whose values differ, absent keys included", () => {
  const d = configDifferences([
    { model: { depth: 4, kind: "forest" }, fees: [5, 2], extra: 1 },
    { model: { depth: 6, kind: "forest" }, fees: [5, 2] },
    { model: { depth: 4, kind: "forest" }, fees: [5, 3] },
  ]);
  assert.deepEqual(d, [
    { key: "extra", values: [1, undefined, undefined] },
    { key: "fees", values: [[5, 2], [5, 2], [5, 3]] },
    { key: "model.depth", values: [4, 6, 4] },
  ]);
});

Deno.test("trialSets() counts the ok runs with a backtest, per strategy", async () => {
  const { root } = await fakeRoot();
  const { runs } = await (await import("./list.ts")).listRuns(root);
  const sets = trialSets(runs);
  assert.equal(sets.get("btc_perp_1h")?.n_trials, 3); // the failed run is not a trial
  assert.equal(sets.get("xrp_spot_1h")?.n_trials, 1);
  // sample variance of 0.01, 0.03, 0.02 = 0.0001
  assert.ok(Math.abs(sets.get("btc_perp_1h")!.sharpe_variance - 0.0001) < 1e-15);
  await Deno.remove(root, { recursive: true });
});

Deno.test("trialSets() counts an identical rerun (same config and data) as a trial and reports it as a repeat", () => {
  const a = fakeRunRecord({ startMs: T0, suffix: "a", config: cfg(4), sharpe: 0.01 });
  const again = fakeRunRecord({ startMs: T0 + H, suffix: "b", config: cfg(4), sharpe: 0.01 });
  const other = fakeRunRecord({ startMs: T0 + 2 * H, suffix: "c", config: cfg(6), sharpe: 0.03 });
  const otherData = {
    ...fakeRunRecord({ startMs: T0 + 3 * H, suffix: "d", config: cfg(4), sharpe: 0.02 }),
    datasets: [{ path: "data/raw/other.parquet", sha256: "e".repeat(64) }],
  };
  const t = trialSets([a, again, other, otherData]).get("btc_perp_1h")!;
  assert.equal(t.n_trials, 4);
  assert.equal(t.repeats, 1);
  assert.deepEqual(t.run_ids, [a.run_id, again.run_id, other.run_id, otherData.run_id]);
});

Deno.test("compareRuns() shows config differences, metrics side by side and the DSR of every trial set", async () => {
  const { root, ids } = await fakeRoot();
  const c = await compareRuns(root, [ids[0], ids[1].slice(0, 20), ids[4]]); // a unique prefix works too
  assert.deepEqual(c.runs.map((r) => r.run_id), [ids[0], ids[1], ids[4]]);
  assert.deepEqual(c.config_differences.map((d) => d.key), ["model.depth"]);
  assert.deepEqual(c.config_differences[0].values, [4, 6, 6]);
  const sharpe = c.metrics.find((m) => m.name === "backtest.sharpe")!;
  assert.deepEqual(sharpe.values, [0.01, 0.03, 0.5]);
  assert.deepEqual(c.trials.map((t) => [t.strategy, t.n_trials]), [["btc_perp_1h", 3], ["xrp_spot_1h", 1]]);

  // Run b: N = 3 trials with variance 1e-4 of their per-period Sharpes; hand-check against the formula.
  const expected = deflatedSharpe({ sharpe: 0.03, nPeriods: 4000, skew: -0.3, kurtosis: 6 }, 3, 0.0001);
  const b = c.deflated[1];
  assert.equal(b.n_trials, 3);
  assert.ok(Math.abs(b.sr0! - expected.sr0) < 1e-15);
  assert.ok(Math.abs(b.dsr! - expected.dsr) < 1e-15);
  assert.ok(Math.abs(b.sr0_annualised! - expected.sr0 * Math.sqrt(8760)) < 1e-12);
  // SR0 = sqrt(1e-4) * (0.4227843 * Phi^-1(1 - 1/3) + 0.5772157 * Phi^-1(1 - 1/(3e)))
  //     = 0.01 * (0.4227843 * 0.430727 + 0.5772157 * 1.161957) = 0.01 * (0.182104 + 0.670700) = 0.008528
  assert.ok(Math.abs(b.sr0! - 0.008528) < 1e-6, `SR0 = ${b.sr0}`);
  // Deflation: the weakest run's DSR is below its undeflated PSR (benchmark 0).
  const psrA = probabilisticSharpe({ sharpe: 0.01, nPeriods: 4000, skew: -0.3, kurtosis: 6 }, 0);
  assert.ok(c.deflated[0].dsr! < psrA - 0.1, `DSR ${c.deflated[0].dsr} vs PSR ${psrA}`);
  // A strategy with one trial is not deflated.
  assert.equal(c.deflated[2].n_trials, 1);
  assert.equal(c.deflated[2].sr0, 0);
  await Deno.remove(root, { recursive: true });
});

Deno.test("compareRecords() explains why a failed run has no DSR", async () => {
  const { root, ids } = await fakeRoot();
  const { runs } = await (await import("./list.ts")).listRuns(root);
  const failed = runs.find((r) => r.run_id === ids[3])!;
  const c = compareRecords([failed], runs);
  assert.equal(c.deflated[0].dsr, null);
  assert.match(c.deflated[0].reason!, /no backtest summary \(status failed\)/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("compareRuns() names the id it cannot find or that is ambiguous", async () => {
  const { root } = await fakeRoot();
  await assert.rejects(compareRuns(root, ["20250101"]), {
    name: "CandlelabError",
    message: /no run with that id, prefix or suffix among 5 runs/,
  });
  await assert.rejects(compareRuns(root, ["20261124T"]), /it matches 5 runs/);
  await assert.rejects(compareRuns(root, []), /no run ids given/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("formatComparison() marks differing config keys and prints raw and deflated Sharpe", async () => {
  const { root, ids } = await fakeRoot();
  const text = formatComparison(await compareRuns(root, [ids[0], ids[2]]));
  assert.match(text, /Config keys that differ \(2\):/);
  assert.match(text, /\* labels\.horizon\s+12\s+24/);
  assert.match(text, /\* model\.depth\s+4\s+8/);
  assert.match(text, /backtest\.sharpe\s+0\.0100\s+0\.0200/);
  assert.match(text, /btc_perp_1h\s+3\s+0\s+0\.00010000/);
  assert.match(text, /DSR/);
  await Deno.remove(root, { recursive: true });
});
