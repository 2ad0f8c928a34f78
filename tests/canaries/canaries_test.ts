/**
 * Leakage canaries (issue #11, ADR-028): every shipped strategy (configs/strategies/*.yaml) with every label
 * kind, on markets with no edge (shuffled BTC bar shapes and Gaussian random walks, several seeds; the
 * perpetual with mark, spot and funding derived from the same path, and with 4h mark/spot files), through
 * the whole pipeline (`runExperiment`): the verdict must say "no evidence of skill" and the net return must
 * be about minus the costs. A deliberately biased feature must be caught by the guard and, with the guard
 * switched off (with a reason), must fail the same no-edge assertions: the canaries can see a leak.
 *
 * Small data (4,000 hourly bars) and small models (10 trees / rounds, one worker) keep the whole file
 * under a minute on 2 cores.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { parse } from "yaml";
import { validateConfig } from "../../lib/config/load.ts";
import { type ExperimentConfig, ExperimentConfigSchema } from "../../lib/experiments/config.ts";
import { type ExperimentResult, runExperiment } from "../../lib/experiments/pipeline.ts";
import { silentProgress } from "../../lib/experiments/progress.ts";
import type { Verdict } from "../../lib/experiments/verdict.ts";
import { type AnyFeatureDef, defineFeature } from "../../lib/features/feature.ts";
import { FEATURES } from "../../lib/features/registry.ts";
import { CandlelabError } from "../../lib/util/errors.ts";
import type { Dataset } from "../../lib/data/dataset.ts";
import { loadDataset } from "../../lib/data/market.ts";
import { loadBars } from "../../lib/data/load.ts";
import {
  coarsen,
  makeCanaryProject,
  nullBars,
  type NullKind,
  perpSeries,
  REPO,
  writeSeries,
} from "./_market.ts";

const ROWS = 4000;
const SEEDS = [1, 2];
const KINDS: NullKind[] = ["shuffled", "random_walk"];
const LABELS = {
  fixed: { kind: "fixed", horizon: 4, threshold: 0.004 },
  vol_scaled: { kind: "vol_scaled", horizon: 4, k: 0.5, volWindow: 24 },
  triple_barrier: {
    kind: "triple_barrier",
    horizon: 8,
    profitTake: 1,
    stopLoss: 1,
    volWindow: 24,
    onTimeout: "neutral",
  },
} as const;
const STRATEGIES = [...Deno.readDirSync(`${REPO}/configs/strategies`)]
  .filter((e) => e.isFile && /\.ya?ml$/.test(e.name)).map((e) => e.name).sort();

/** One canary's figures, for the summary printed at the end. */
const SUMMARY: string[] = [];

/**
 * The per-run no-leak assertions. The verdict's test has size alpha = 0.01, so over the ~27 runs of this
 * file about one in four sets of seeds would show one "evidence of skill" by chance; each run is therefore
 * held to the family-wise level: the returns p-value above the floor of 1,000 draws (alpha / runs is below
 * it), the gross statistic within 4 null standard deviations of the shifted exposures' mean, and the gross
 * and net returns within the null's noise (net = gross - costs, so net is about minus the costs). A leak
 * sits at the floor and tens of standard deviations out. The verdict text itself is checked per family in
 * {@link assertFewVerdicts}.
 */
export function assertNoEdge(v: Verdict, what: string): void {
  assert.ok(v.p_value > 2 / (v.permutation_draws + 1), `${what}: returns p = ${v.p_value}: ${v.text}`);
  const z = (v.gross_statistic - v.gross_null_mean) / (v.gross_null_sd || 1e-12);
  assert.ok(z < 4, `${what}: gross statistic ${z.toFixed(1)} null sd above the shifted exposures'`);
  const band = Math.abs(v.gross_null_mean) + 4 * v.gross_null_sd + 0.01;
  assert.ok(v.gross_return < band, `${what}: gross return ${v.gross_return} above the null band ${band}`);
  assert.ok(v.net_return < band, `${what}: net return ${v.net_return} above the null band ${band}`);
}

/** Verdicts of every canary run: at most what chance gives at the verdict's alpha. */
const VERDICTS: { what: string; v: Verdict }[] = [];

/**
 * The verdict says "no evidence of skill" on every null run but at most `max`: with n runs at alpha 0.01,
 * P(3 or more chance positives among 30) is 0.3 %, while a leak shows up in every run it touches.
 */
export function assertFewVerdicts(verdicts: { what: string; v: Verdict }[], max = 2): void {
  const skilled = verdicts.filter((x) => x.v.economic_skill || !x.v.text.startsWith("no evidence of skill"));
  assert.ok(
    skilled.length <= max,
    `${skilled.length} of ${verdicts.length} null runs read "evidence of skill":\n${
      skilled.map((x) => `${x.what}: ${x.v.text}`).join("\n")
    }`,
  );
}

function _summary(what: string, r: ExperimentResult): void {
  const v = r.verdict;
  if (!what.startsWith("biased")) VERDICTS.push({ what, v });
  SUMMARY.push(
    `${what.padEnd(58)} ${v.economic_skill ? "SKILL" : "none "} label ${v.label_skill ? "yes" : "no "} ` +
      `p ${v.p_value.toFixed(3)} F1 ${v.macro_f1.toFixed(3)} vs ${v.macro_f1_majority.toFixed(3)}/${
        v.macro_f1_prior_random.toFixed(3)
      } (p ${v.label_p_value.toFixed(3)}) net ${(v.net_return * 100).toFixed(2)} % gross ${
        (v.gross_return * 100).toFixed(2)
      } %, ${r.backtest.trades.length} trades`,
  );
}

/** Spot and perpetual files of one null market in a fresh project; returns the project root. */
async function _market(kind: NullKind, seed: number, coarse = false): Promise<string> {
  const root = await makeCanaryProject();
  const bars = await nullBars(kind, ROWS, seed);
  const perp = perpSeries(bars, seed);
  const d = "data/raw";
  const ohlcv = (b: typeof bars) => ({ ...b }) as unknown as Record<string, Float64Array>;
  await writeSeries(root, `${d}/binance_BTC_USDT_spot_1h.parquet`, ohlcv(perp.spot));
  await writeSeries(root, `${d}/binance_BTC_USDT_perp_1h.parquet`, ohlcv(bars));
  await writeSeries(root, `${d}/binance_BTC_USDT_perp_8h_funding.parquet`, perp.funding);
  if (coarse) {
    await writeSeries(root, `${d}/binance_BTC_USDT_perp_4h_mark.parquet`, ohlcv(coarsen(perp.mark, 4)));
    await writeSeries(root, `${d}/binance_BTC_USDT_spot_4h.parquet`, ohlcv(coarsen(perp.spot, 4)));
  } else {
    await writeSeries(root, `${d}/binance_BTC_USDT_perp_1h_mark.parquet`, ohlcv(perp.mark));
  }
  return root;
}

/** A shipped strategy shrunk for the canaries, on the project's files, with `label` and `edit` applied. */
function _config(
  file: string,
  label: unknown,
  coarse = false,
  edit: (c: Record<string, unknown>) => void = () => {},
): ExperimentConfig {
  const c = parse(Deno.readTextFileSync(`${REPO}/configs/strategies/${file}`)) as Record<string, unknown>;
  const data = c.data as { market: string; paths: Record<string, string> };
  const d = "data/raw/binance_BTC_USDT";
  data.paths = data.market === "spot" ? { candles: `${d}_spot_1h.parquet` } : {
    candles: `${d}_perp_1h.parquet`,
    funding: `${d}_perp_8h_funding.parquet`,
    mark: coarse ? `${d}_perp_4h_mark.parquet` : `${d}_perp_1h_mark.parquet`,
    spot: coarse ? `${d}_spot_4h.parquet` : `${d}_spot_1h.parquet`,
  };
  const m = c.model as Record<string, unknown>;
  if ("nTrees" in m) m.nTrees = 10;
  if ("nRounds" in m) (m.nRounds = 10), (m.learningRate = 0.3); // 10 rounds of 0.05 never leave the priors
  m.nWorkers = 1;
  c.label = label;
  c.validation = { scheme: "walk_forward", folds: 3, window: "expanding" };
  c.guard = { causalityCuts: 1, causalityRows: 2500 };
  edit(c);
  return validateConfig(c, ExperimentConfigSchema, `canary ${file}`);
}

async function _run(root: string, cfg: ExperimentConfig, registry?: ReadonlyMap<string, AnyFeatureDef>) {
  return await runExperiment(cfg, {
    projectRoot: root,
    progress: silentProgress,
    persistState: false,
    featureRegistry: registry,
  });
}

for (const kind of KINDS) {
  for (const seed of SEEDS) {
    Deno.test(`canaries: no shipped strategy shows an edge on ${kind} bars (seed ${seed}), any label kind`, async () => {
      const root = await _market(kind, seed);
      try {
        for (const file of STRATEGIES) {
          for (const [name, label] of Object.entries(LABELS)) {
            const what = `${kind} seed ${seed} ${file.replace(/\.yaml$/, "")} ${name}`;
            const r = await _run(root, _config(file, label));
            _summary(what, r);
            assertNoEdge(r.verdict, what);
            assert.ok(r.rows.kept_share >= 0.9, `${what}: kept share ${r.rows.kept_share}`);
          }
        }
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    });
  }
}

Deno.test("canaries: with 4h mark and spot files the perpetual strategy refuses or shows no edge", async () => {
  const root = await _market("random_walk", 3, true);
  try {
    const perp = STRATEGIES.filter((f) => /perp/.test(f));
    assert.ok(perp.length > 0);
    for (const file of perp) {
      for (const [name, label] of Object.entries(LABELS)) {
        const what = `coarse 4h mark/spot ${file.replace(/\.yaml$/, "")} ${name}`;
        let r: ExperimentResult;
        try {
          r = await _run(root, _config(file, label, true));
        } catch (err) {
          // a refusal must be a clear message, not a crash
          assert.ok(err instanceof CandlelabError, String(err));
          SUMMARY.push(`${what.padEnd(58)} refused: ${(err as Error).message.split("\n")[0].slice(0, 160)}`);
          continue;
        }
        _summary(what, r);
        assertNoEdge(r.verdict, what);
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("canaries: on 15m candles with 1h mark and spot files the perpetual strategy refuses or shows no edge", async () => {
  const root = await makeCanaryProject();
  try {
    const bars = await nullBars("random_walk", ROWS, 6, 15 * 60_000);
    const perp = perpSeries(bars, 6);
    const d = "data/raw/binance_BTC_USDT";
    const cols = (b: typeof bars) => ({ ...b }) as unknown as Record<string, Float64Array>;
    await writeSeries(root, `${d}_perp_15m.parquet`, cols(bars));
    await writeSeries(root, `${d}_perp_8h_funding.parquet`, perp.funding);
    await writeSeries(root, `${d}_perp_1h_mark.parquet`, cols(coarsen(perp.mark, 4)));
    await writeSeries(root, `${d}_spot_1h.parquet`, cols(coarsen(perp.spot, 4)));
    for (const file of STRATEGIES.filter((f) => /perp/.test(f))) {
      for (const [name, label] of Object.entries(LABELS)) {
        const what = `15m candles, 1h mark/spot ${file.replace(/\.yaml$/, "")} ${name}`;
        const cfg = _config(file, label, false, (c) => {
          (c.data as { paths: Record<string, string> }).paths.candles = `${d}_perp_15m.parquet`;
        });
        let r: ExperimentResult;
        try {
          r = await _run(root, cfg);
        } catch (err) {
          assert.ok(err instanceof CandlelabError, String(err));
          SUMMARY.push(`${what.padEnd(58)} refused: ${(err as Error).message.split("\n")[0].slice(0, 160)}`);
          continue;
        }
        _summary(what, r);
        assertNoEdge(r.verdict, what);
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// Deliberately biased: the next bar's return (a negative shift). Lives here, never in the registry.
const peekNext = defineFeature({
  name: "peek_next",
  description: "BIASED: next close / close - 1",
  params: z.strictObject({}),
  requires: "any",
  inputs: ["close"],
  lookback: () => 0,
  columns: () => ["peek_next"],
  compute: (ctx) => {
    const c = ctx.col("close");
    return [c.map((v, i) => (i + 1 < c.length ? c[i + 1] / v - 1 : NaN))];
  },
});
const BIASED_REGISTRY = new Map<string, AnyFeatureDef>([...FEATURES, ["peek_next", peekNext]]);

Deno.test("canaries: a deliberately biased feature is caught by the guard, and by the canary if the guard is off", async () => {
  const root = await _market("random_walk", 4);
  try {
    await Deno.writeTextFile(
      join(root, "configs/features/biased.yaml"),
      "name: biased\nfeatures:\n  - { feature: log_return, params: { lag: 1 } }\n  - { feature: volatility, params: { window: 24 } }\n  - { feature: peek_next }\n",
    );
    const label = { kind: "fixed", horizon: 1, threshold: 0.001 };
    const perp = STRATEGIES.find((f) => /perp/.test(f))!;
    const guarded = _config(perp, label, false, (c) => (c.features = "biased"));
    await assert.rejects(
      () => _run(root, guarded, BIASED_REGISTRY),
      (e: Error) =>
        e instanceof CandlelabError && /peek_next/.test(e.message) && /looks ahead/.test(e.message) &&
        /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/.test(e.message),
    );
    const unguarded = _config(perp, label, false, (c) => {
      c.features = "biased";
      c.guard = {
        causality: false,
        causalityCuts: 1,
        causalityRows: 2500,
        reason: "canary: prove a leak is seen",
      };
    });
    const r = await _run(root, unguarded, BIASED_REGISTRY);
    _summary("biased feature, guard off (must show skill)", r);
    assert.ok(r.warnings.some((w) => /causality check is switched off/.test(w)));
    assert.deepEqual(r.guard, { causality: false, warmup: true, reason: "canary: prove a leak is seen" });
    assert.ok(r.verdict.economic_skill && r.verdict.text.startsWith("evidence of skill"), r.verdict.text);
    assert.throws(() => assertNoEdge(r.verdict, "biased"), assert.AssertionError);
    assert.throws(
      () => assertFewVerdicts([1, 2, 3].map((i) => ({ what: `leak ${i}`, v: r.verdict }))),
      assert.AssertionError,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("canaries: a deliberately mis-joined series (a 4h mark placed on the row of its open) is refused", async () => {
  const root = await _market("random_walk", 5, true);
  try {
    const perp = STRATEGIES.find((f) => /perp/.test(f))!;
    const cfg = _config(perp, LABELS.fixed, true);
    // the old join: each 4h mark candle on the 1h row with the same open time, carried over its 4 rows, so
    // the 00:00 row sees the 04:00 close (the leak of issue #11)
    const misJoin = async (data: ExperimentConfig["data"]) => {
      const ds = await loadDataset(data);
      const ts = ds.table.array("timestamp") as Float64Array;
      const mark =
        (await loadBars(join(root, "data/raw/binance_BTC_USDT_perp_4h_mark.parquet"), { kind: "ohlcv" }))
          .table;
      const mts = mark.array("timestamp") as Float64Array;
      const mclose = mark.array("close") as Float64Array;
      const col = new Float64Array(ts.length).fill(NaN);
      for (let i = 0, j = 0; i < ts.length; i++) {
        while (j + 1 < mts.length && mts[j + 1] <= ts[i]) j++;
        if (mts[j] <= ts[i]) col[i] = mclose[j];
      }
      return { ...ds, table: ds.table.assign({ mark_close: col }) } as Dataset;
    };
    await assert.rejects(
      () =>
        runExperiment(cfg, {
          projectRoot: root,
          progress: silentProgress,
          persistState: false,
          loaders: { loadDataset: misJoin },
        }),
      (e: Error) =>
        e instanceof CandlelabError && /Point-in-time check failed/.test(e.message) &&
        /mark_close/.test(e.message),
    );
    SUMMARY.push(
      `${"mis-joined 4h mark (old same-open join)".padEnd(58)} refused by the point-in-time check`,
    );
    // and nothing was registered
    const models = await Array.fromAsync(Deno.readDir(join(root, "models"))).catch(() => []);
    assert.equal(models.length, 0);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("canaries: the verdict reads 'no evidence of skill' on the null runs, but for chance", () => {
  console.log("\n" + SUMMARY.join("\n"));
  assert.ok(VERDICTS.length >= 24, `only ${VERDICTS.length} canary runs recorded`);
  assertFewVerdicts(VERDICTS);
});
