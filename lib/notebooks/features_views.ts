/**
 * Views for notebook 02 (features): load a strategy's dataset and feature columns through the feature
 * cache, summarise and correlate the columns, report the causality and warm-up guards, and read the
 * impurity importance of the strategy's latest registered model.
 *
 * @module
 */
import { join } from "node:path";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { loadDataset } from "../data/market.ts";
import type { Dataset } from "../data/dataset.ts";
import {
  cachedFeatureColumns,
  type CausalityReport,
  type FeatureSet,
  loadFeatureSetSpec,
  resolveFeatureSet,
  type WarmupReport,
} from "../features/mod.ts";
import { type ExperimentConfig, loadExperimentConfig } from "../experiments/config.ts";
import { getLatestModel } from "../registry/query.ts";
import { loadRegisteredModel } from "../registry/store.ts";
import { loadModel } from "../models/factory.ts";
import { z } from "zod";

/** What {@link loadStrategyFeatures} returns. */
export interface StrategyFeatures {
  config: ExperimentConfig;
  dataset: Dataset;
  featureSet: FeatureSet;
  /** `timestamp` first, then the set's columns, over every bar. */
  columns: Record<string, Float64Array>;
  cacheHit: boolean;
  cachePath: string;
}

/**
 * Loads a strategy config's dataset and its feature columns through the same cache (and cache key) as
 * `runExperiment`. Relative paths of the config are resolved against `projectRoot`.
 *
 * @example
 * ```ts ignore
 * import { loadStrategyFeatures } from "./features_views.ts";
 * const f = await loadStrategyFeatures("configs/strategies/btc_spot_ema_cross_rsi.yaml", ".");
 * console.log(f.featureSet.columns, f.cacheHit);
 * ```
 */
export async function loadStrategyFeatures(configFile: string, projectRoot = "."): Promise<StrategyFeatures> {
  const at = (p: string) => (p.startsWith("/") ? p : join(projectRoot, p));
  const config = await loadExperimentConfig(configFile);
  const paths: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.data.paths)) if (typeof v === "string") paths[k] = at(v);
  const dataset = await loadDataset({ ...config.data, paths } as ExperimentConfig["data"]);
  const featureFile = /\.ya?ml$/.test(config.features)
    ? at(config.features)
    : at(`configs/features/${config.features}.yaml`);
  const featureSet = resolveFeatureSet(await loadFeatureSetSpec(featureFile));
  const r = await cachedFeatureColumns({
    table: dataset.table,
    datasetHashes: dataset.sources.map((s) => s.sha256),
    set: featureSet,
    dir: at(config.output.cache),
    timing: { intervalMs: dataset.intervalMs },
  });
  return { config, dataset, featureSet, columns: r.columns, cacheHit: r.hit, cachePath: r.path };
}

/**
 * One row per feature: finite values, NaN count (warm-up and gaps), mean, std, min, median, max.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { featureSummary } from "./features_views.ts";
 * const t = featureSummary({ a: Float64Array.of(NaN, 1, 2, 3) }, ["a"]);
 * assert(t.get("finite", 0) === 3 && t.get("nan", 0) === 1 && t.get("median", 0) === 2);
 * ```
 */
export function featureSummary(columns: Record<string, Float64Array>, names: readonly string[]): ColumnTable {
  const stats = names.map((name) => {
    const v = columns[name].filter(Number.isFinite).sort();
    const n = v.length;
    let mean = 0;
    for (const x of v) mean += x / n;
    let ss = 0;
    for (const x of v) ss += (x - mean) ** 2;
    return {
      finite: n,
      nan: columns[name].length - n,
      mean: n ? mean : NaN,
      std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
      min: n ? v[0] : NaN,
      median: n ? (n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : NaN,
      max: n ? v[n - 1] : NaN,
    };
  });
  const col = (k: keyof (typeof stats)[number]) => Float64Array.from(stats, (s) => s[k]);
  return aq.table({
    feature: [...names],
    finite: col("finite"),
    nan: col("nan"),
    mean: col("mean"),
    std: col("std"),
    min: col("min"),
    median: col("median"),
    max: col("max"),
  });
}

/**
 * Pearson correlation of every pair of columns over the rows where all of them are finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { correlationMatrix } from "./features_views.ts";
 * const m = correlationMatrix({ a: Float64Array.of(1, 2, 3, NaN), b: Float64Array.of(2, 4, 7, 1) }, ["a", "b"]);
 * assert(m[0][0] === 1 && m[0][1] > 0.98 && m[0][1] === m[1][0]);
 * ```
 */
export function correlationMatrix(
  columns: Record<string, Float64Array>,
  names: readonly string[],
): Float64Array[] {
  const cols = names.map((n) => columns[n]);
  const rows: number[] = [];
  for (let i = 0; i < (cols[0]?.length ?? 0); i++) if (cols.every((c) => Number.isFinite(c[i]))) rows.push(i);
  const z = cols.map((c) => {
    let m = 0;
    for (const i of rows) m += c[i] / rows.length;
    let ss = 0;
    for (const i of rows) ss += (c[i] - m) ** 2;
    const sd = Math.sqrt(ss);
    return Float64Array.from(rows, (i) => (sd > 0 ? (c[i] - m) / sd : 0));
  });
  return z.map((a, p) =>
    Float64Array.from(z, (b, q) => {
      if (p === q) return 1;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    })
  );
}

/**
 * The causality guard's result as a table: one row per violation (column, feature, cut, first differing
 * row, full and truncated value), or one `ok` row naming the cuts checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { causalityTable } from "./features_views.ts";
 * const ok = causalityTable({ ok: true, cuts: [10, 20], columns: 3, violations: [] });
 * assert(ok.get("status", 0) === "ok" && ok.get("detail", 0).includes("10, 20"));
 * ```
 */
export function causalityTable(report: CausalityReport): ColumnTable {
  if (report.ok) {
    return aq.table({
      status: ["ok"],
      detail: [
        `${report.columns} columns identical on the full series and on prefixes cut at rows ${
          report.cuts.join(", ")
        }`,
      ],
    });
  }
  const v = report.violations;
  return aq.table({
    status: v.map(() => "LOOKS AHEAD"),
    column: v.map((x) => x.column),
    feature: v.map((x) => x.feature),
    cut: Float64Array.from(v, (x) => x.cut),
    row: Float64Array.from(v, (x) => x.row),
    full: Float64Array.from(v, (x) => x.full),
    truncated: Float64Array.from(v, (x) => x.truncated),
  });
}

/**
 * The warm-up guard's result as a table: one row per violation (declared vs needed lookback), or one
 * `ok` row.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { warmupTable } from "./features_views.ts";
 * const t = warmupTable({ ok: false, starts: [5], tolerance: 1e-4, violations: [
 *   { column: "ema", feature: "close_ema", declaredLookback: 10, start: 5, maxRelDiff: 0.01, neededLookback: 40,
 *     row: 60, timestamp: 0, full: 1, truncated: 1.01 }] });
 * assert(t.get("needed_lookback", 0) === 40);
 * ```
 */
export function warmupTable(report: WarmupReport): ColumnTable {
  if (report.ok) {
    return aq.table({
      status: ["ok"],
      detail: [
        `values after each declared lookback match (tolerance ${report.tolerance}) for starts ${
          report.starts.join(", ")
        }`,
      ],
    });
  }
  const v = report.violations;
  return aq.table({
    status: v.map(() => "WARM-UP TOO SHORT"),
    column: v.map((x) => x.column),
    feature: v.map((x) => x.feature),
    start: Float64Array.from(v, (x) => x.start),
    declared_lookback: Float64Array.from(v, (x) => x.declaredLookback),
    needed_lookback: Float64Array.from(v, (x) => x.neededLookback),
    max_rel_diff: Float64Array.from(v, (x) => x.maxRelDiff),
  });
}

/**
 * Impurity importance of the newest registered model of `strategy` in the registry at `root`, with its
 * id; undefined when the strategy has no model yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { latestModelImportance } from "./features_views.ts";
 * assert((await latestModelImportance(await Deno.makeTempDir(), "none")) === undefined);
 * ```
 */
export async function latestModelImportance(
  root: string,
  strategy: string,
): Promise<{ modelId: string; importance: Record<string, number> } | undefined> {
  const meta = await getLatestModel(root, strategy);
  if (!meta) return undefined;
  const { model } = await loadRegisteredModel(root, meta.id);
  return { modelId: meta.id, importance: loadModel(model).featureImportance() };
}

/**
 * A deliberately biased feature set for demonstrations and tests: `next_close` is the close of the NEXT
 * bar (a shift by -1), the classic lookahead bug. It is not in the feature registry, so no config can use
 * it; {@link checkCausality} must reject it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { checkCausality } from "../features/causality.ts";
 * import { leakyDemoFeatureSet } from "./features_views.ts";
 * const close = new Float64Array(60).map((_, i) => 100 + i);
 * const t = aq.table({ timestamp: close.map((_, i) => i * 3_600_000), close });
 * assert(!checkCausality(t, leakyDemoFeatureSet(), { cuts: [30] }).ok);
 * ```
 */
export function leakyDemoFeatureSet(): FeatureSet {
  const params = z.strictObject({});
  const def = {
    name: "leaky_next_close",
    description: "DELIBERATELY BIASED demo: the next bar's close (shift -1); never use it",
    params,
    requires: "any" as const,
    inputs: ["close"],
    lookback: () => 0,
    columns: () => ["next_close"],
    compute: (ctx: { col(name: string): Float64Array; alloc(n?: number): Float64Array; rows: number }) => {
      const close = ctx.col("close");
      const out = ctx.alloc();
      for (let i = 0; i < ctx.rows; i++) out[i] = i + 1 < ctx.rows ? close[i + 1] : NaN;
      return [out];
    },
  };
  return {
    name: "leaky_demo",
    spec: { name: "leaky_demo", features: [] } as unknown as FeatureSet["spec"],
    entries: [{ def, params: {}, sourceColumns: ["next_close"], columns: ["next_close"] }],
    columns: ["next_close"],
  };
}
