/**
 * The findings of issue #11 about the guard and silent losses, reproduced through the whole pipeline on small
 * null markets: the guard cannot be switched off quietly, the warm-up check runs, violations name timestamps,
 * dropped rows are counted per cause and fail the run below `guard.minKeptShare` (before any model is
 * registered), missing funding is a warning.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { parse } from "yaml";
import { ConfigError } from "../../lib/config/load.ts";
import { validateConfig } from "../../lib/config/load.ts";
import { type ExperimentConfig, ExperimentConfigSchema } from "../../lib/experiments/config.ts";
import { runExperiment } from "../../lib/experiments/pipeline.ts";
import { silentProgress } from "../../lib/experiments/progress.ts";
import { readRunRecord } from "../../lib/experiments/run_record.ts";
import { type AnyFeatureDef, defineFeature } from "../../lib/features/feature.ts";
import { rollingMean } from "../../lib/series/kernels.ts";
import { FEATURES } from "../../lib/features/registry.ts";
import { CandlelabError } from "../../lib/util/errors.ts";
import { mulberry32 } from "../../lib/util/random.ts";
import { makeCanaryProject, nullBars, perpSeries, REPO, writeSeries } from "./_market.ts";

const SPOT = `${REPO}/configs/strategies/btc_spot_ema_cross_rsi.yaml`;
const PERP = `${REPO}/configs/strategies/btc_perp_funding_basis.yaml`;
const D = "data/raw/binance_BTC_USDT";

function _raw(file: string, edit: (c: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const c = parse(Deno.readTextFileSync(file)) as Record<string, unknown>;
  const data = c.data as { market: string; paths: Record<string, string> };
  data.paths = data.market === "spot" ? { candles: `${D}_spot_1h.parquet` } : {
    candles: `${D}_perp_1h.parquet`,
    funding: `${D}_perp_8h_funding.parquet`,
    mark: `${D}_perp_1h_mark.parquet`,
    spot: `${D}_spot_1h.parquet`,
  };
  const m = c.model as Record<string, unknown>;
  if ("nTrees" in m) m.nTrees = 5;
  if ("nRounds" in m) (m.nRounds = 5), (m.learningRate = 0.3);
  m.nWorkers = 1;
  c.validation = { scheme: "walk_forward", folds: 2, window: "expanding" };
  c.guard = { causalityCuts: 1, causalityRows: 2500 };
  edit(c);
  return c;
}

function _cfg(file: string, edit?: (c: Record<string, unknown>) => void): ExperimentConfig {
  return validateConfig(_raw(file, edit), ExperimentConfigSchema, "guard_test.yaml");
}

/** A project with a random-walk spot and perpetual; `drop` edits the mark and funding series before writing. */
async function _project(
  drop: { markShare?: number; fundingEvents?: number } = {},
): Promise<string> {
  const root = await makeCanaryProject();
  const bars = await nullBars("random_walk", 3000, 21);
  const p = perpSeries(bars, 21);
  const rand = mulberry32(5);
  const keep = (n: number, share: number) =>
    Int32Array.from({ length: n }, (_, i) => i).filter(() => rand() >= share);
  const pick = (cols: Record<string, Float64Array>, idx: Int32Array) =>
    Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Float64Array.from(idx, (i) => v[i])]));
  const mark = p.mark as unknown as Record<string, Float64Array>;
  await writeSeries(root, `${D}_spot_1h.parquet`, p.spot as unknown as Record<string, Float64Array>);
  await writeSeries(root, `${D}_perp_1h.parquet`, bars as unknown as Record<string, Float64Array>);
  await writeSeries(
    root,
    `${D}_perp_1h_mark.parquet`,
    pick(mark, keep(bars.close.length, drop.markShare ?? 0)),
  );
  const nf = p.funding.timestamp.length;
  const gone = new Set(Array.from({ length: drop.fundingEvents ?? 0 }, (_, k) => Math.floor(nf / 2) + 3 * k));
  const fidx = Int32Array.from({ length: nf }, (_, i) => i).filter((i) => !gone.has(i));
  await writeSeries(root, `${D}_perp_8h_funding.parquet`, pick(p.funding, fidx));
  return root;
}

Deno.test("guard config: causalityCuts 0 no longer switches the check off, and off needs a reason", () => {
  assert.throws(
    () => _cfg(SPOT, (c) => (c.guard = { causalityCuts: 0 })),
    (e: Error) =>
      e instanceof ConfigError && /causalityCuts/.test(e.message) && /causality: false/.test(e.message),
  );
  for (const guard of [{ causality: false }, { warmup: false }, { causality: false, reason: "   " }]) {
    assert.throws(
      () => _cfg(SPOT, (c) => (c.guard = guard)),
      (e: Error) => e instanceof ConfigError && /guard\.reason|reason/.test(e.message),
      JSON.stringify(guard),
    );
  }
  const ok = _cfg(SPOT, (c) => (c.guard = { warmup: false, reason: "bisecting a slow feature" }));
  assert.equal(ok.guard.warmup, false);
  assert.equal(ok.guard.minKeptShare, 0.9);
});

// Under-declared: a 500-bar mean that declares a 5-bar lookback (the finding of issue #11).
const mean500 = defineFeature({
  name: "mean500_short",
  description: "500-bar mean of close / close, lookback wrongly declared as 5",
  params: z.strictObject({}),
  requires: "any",
  inputs: ["close"],
  lookback: () => 5,
  columns: () => ["mean500_ratio"],
  compute: (ctx) => {
    const c = ctx.col("close");
    const m = rollingMean(c, 500);
    return [m.map((v, i) => v / c[i])];
  },
});
const REGISTRY = new Map<string, AnyFeatureDef>([...FEATURES, ["mean500_short", mean500]]);

Deno.test("pipeline: the warm-up check runs before training and names the feature, timestamp and values", async () => {
  const root = await _project();
  try {
    await Deno.writeTextFile(
      join(root, "configs/features/short.yaml"),
      "name: short\nfeatures:\n  - { feature: log_return, params: { lag: 1 } }\n  - { feature: mean500_short }\n",
    );
    const cfg = _cfg(SPOT, (c) => (c.features = "short"));
    await assert.rejects(
      () =>
        runExperiment(cfg, {
          projectRoot: root,
          progress: silentProgress,
          persistState: false,
          featureRegistry: REGISTRY,
        }),
      (e: Error) =>
        e instanceof CandlelabError && /warm-up violation/.test(e.message) &&
        /mean500_ratio/.test(e.message) &&
        /declares lookback 5/.test(e.message) && /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/.test(e.message),
    );
    // switched off with a reason it trains, and says so everywhere
    const off = _cfg(SPOT, (c) => {
      c.features = "short";
      c.guard = {
        warmup: false,
        reason: "guard_test: prove the stamp",
        causalityCuts: 1,
        causalityRows: 2500,
      };
    });
    const r = await runExperiment(off, {
      projectRoot: root,
      progress: silentProgress,
      persistState: false,
      featureRegistry: REGISTRY,
    });
    const want = { causality: true, warmup: false, reason: "guard_test: prove the stamp" };
    assert.deepEqual(r.guard, want);
    assert.ok(
      r.warnings.some((w) => /warmup check is switched off \(reason: guard_test: prove the stamp\)/.test(w)),
    );
    const rec = await readRunRecord(join(r.runDir, "run.json"));
    assert.deepEqual(rec.guard, want);
    assert.ok(rec.warnings!.some((w) => /switched off/.test(w)));
    assert.deepEqual(r.model.guard, want);
    const meta = JSON.parse(await Deno.readTextFile(join(root, "models/metadata", `${r.model.id}.json`)));
    assert.deepEqual(meta.guard, want);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pipeline: rows are counted per cause; a kept share below guard.minKeptShare fails before registering", async () => {
  const root = await _project({ markShare: 0.2 });
  try {
    const cfg = _cfg(PERP);
    let message = "";
    await assert.rejects(
      () => runExperiment(cfg, { projectRoot: root, progress: silentProgress, persistState: false }),
      (e: Error) => {
        message = e.message;
        return e instanceof CandlelabError && /eligible rows were kept/.test(e.message) &&
          /missing aux \d+/.test(e.message) && /guard\.minKeptShare is 0\.9/.test(e.message);
      },
    );
    const runs = [...Deno.readDirSync(join(root, "experiments/runs"))];
    const rec = await readRunRecord(join(root, "experiments/runs", runs[0].name, "run.json"));
    assert.equal(rec.status, "failed");
    assert.ok(rec.rows!.dropped.missing_aux > 0 && rec.rows!.kept_share < 0.9, message);
    assert.equal(rec.model_id, null);
    assert.ok(![...Deno.readDirSync(root)].some((e) => e.name === "models"), "a model was registered");
    // the same data passes with a lower threshold, and the counts are in run.json
    const low = _cfg(PERP, (c) => (c.guard = { causalityCuts: 1, causalityRows: 2500, minKeptShare: 0.1 }));
    const r = await runExperiment(low, { projectRoot: root, progress: silentProgress, persistState: false });
    assert.equal(r.rows.kept + Object.values(r.rows.dropped).reduce((a, b) => a + b, 0), r.rows.total);
    assert.ok(r.rows.dropped.missing_aux > 0);
    assert.ok(
      r.warnings.some((w) => /have no prediction .* traded as flat/.test(w)),
      JSON.stringify(r.warnings),
    );
    assert.ok(
      Array.isArray(r.rows.joins) && (r.rows.joins as { series: string }[]).some((j) => j.series === "mark"),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pipeline: missing funding under onMissingFunding: flag is a warning in the result and run.json", async () => {
  const root = await _project({ fundingEvents: 4 });
  try {
    const r = await runExperiment(_cfg(PERP), {
      projectRoot: root,
      progress: silentProgress,
      persistState: false,
    });
    const w = r.warnings.find((x) => /funding event\(s\) missing/.test(x));
    assert.ok(w, JSON.stringify(r.warnings));
    assert.match(w!, /paid as zero \(market\.onMissingFunding: flag\)/);
    const rec = await readRunRecord(join(r.runDir, "run.json"));
    assert.ok(rec.warnings!.includes(w!));
    assert.ok(r.backtest.flags.missingFunding.count > 0);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
