/**
 * Comparing runs: config keys that differ, metrics side by side, and the deflated Sharpe ratio of
 * each run given every trial of its strategy (all ok runs with a backtest under the same root).
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { canonicalJson } from "../util/hash.ts";
import { deflatedSharpe, sharpeVariance } from "./deflated_sharpe.ts";
import { listRuns, resolveRunRef, type RunSummary, summariseRun } from "./list.ts";
import type { RunRecord } from "./run_record.ts";
import { fmtNum, formatTable } from "./table.ts";
import { holdoutLooks } from "./holdout_looks.ts"; // issue #13

/** A config key (dotted path) whose value is not the same in every compared run. */
export interface ConfigDifference {
  key: string;
  /** Value per compared run, in run order; `undefined` where the key is absent. */
  values: unknown[];
}

/**
 * The trials of one strategy: every ok run with a backtest, identical reruns included (ADR-026); `repeats`
 * says how many of them are identical reruns.
 */
export interface TrialSet {
  strategy: string;
  n_trials: number;
  /** How many of the trials repeat an earlier trial's config hash and dataset hashes (identical reruns). */
  repeats: number;
  /** Sample variance of the trials' per-period Sharpe ratios. */
  sharpe_variance: number;
  run_ids: string[];
  /** issue #13: looks at the lockbox counted as trials on top of the runs (lib/experiments/holdout_looks.ts). */
  holdout_looks?: number;
}

/** Multiple-testing-aware Sharpe of one run. */
export interface RunDeflatedSharpe {
  run_id: string;
  /** Raw per-period and annualised Sharpe (null without a backtest). */
  sharpe: number | null;
  sharpe_annualised: number | null;
  n_trials: number;
  /** Expected maximum per-period Sharpe of the trials under the null, and annualised. */
  sr0: number | null;
  sr0_annualised: number | null;
  /** Deflated Sharpe ratio: P(true Sharpe > sr0). Null with the reason when it cannot be computed. */
  dsr: number | null;
  reason: string | null;
  // issue #11 (ADR-028): the verdict beside the deflation, and a rank a one-trial run cannot win
  /** Circular-shift p-value of the run's exposure against the returns (run.json `verdict`); null if absent. */
  p_value: number | null;
  /** The run's verdict found economic skill; null for runs recorded before verdicts. */
  economic_skill: boolean | null;
  /** Rank by DSR (1 = best) among the compared runs with economic skill and at least 2 trials; else null. */
  rank: number | null;
}

/** Everything `experiments:compare` shows. */
export interface RunComparison {
  runs: RunSummary[];
  config_differences: ConfigDifference[];
  /** Metric name -> value per run (overall metrics and backtest fields). */
  metrics: { name: string; values: (number | null)[] }[];
  trials: TrialSet[];
  deflated: RunDeflatedSharpe[];
}

/**
 * Flattens nested objects to dotted keys; arrays and scalars are leaves.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { flattenConfig } from "./compare.ts";
 * const f = flattenConfig({ a: { b: 1, c: [1, 2] } });
 * assert(f["a.b"] === 1 && Array.isArray(f["a.c"]));
 * ```
 */
export function flattenConfig(value: unknown, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) {
        Object.assign(out, flattenConfig(v, key));
      } else {
        out[key] = v;
      }
    }
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/**
 * Config keys whose values differ between the given configs (absent counts as a value), sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { configDifferences } from "./compare.ts";
 * const d = configDifferences([{ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }]);
 * assert(d.length === 1 && d[0].key === "b.c" && d[0].values[1] === 3);
 * ```
 */
export function configDifferences(configs: readonly unknown[]): ConfigDifference[] {
  const flats = configs.map((c) => flattenConfig(c));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
  const out: ConfigDifference[] = [];
  for (const key of keys) {
    const values = flats.map((f) => f[key]);
    const texts = new Set(values.map((v) => (v === undefined ? "\u0000absent" : canonicalJson(v))));
    if (texts.size > 1) out.push({ key, values });
  }
  return out;
}

/**
 * The trial set of each strategy among `allRuns`: ok runs with a backtest summary. Identical reruns (same
 * config hash and dataset hashes) are trials too, and are counted in `repeats` so a reader can see them.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { trialSets } from "./compare.ts";
 * const bt = (s: number) => ({ sharpe: s, sharpe_annualised: s * 10, n_periods: 100, skew: 0, kurtosis: 3 });
 * const runs = [
 *   { run_id: "a", strategy: "x", status: "ok", config_hash: "h1", datasets: [], backtest: bt(0.1) },
 *   { run_id: "b", strategy: "x", status: "ok", config_hash: "h2", datasets: [], backtest: bt(0.3) },
 *   { run_id: "c", strategy: "x", status: "failed", config_hash: "h3", datasets: [], backtest: null },
 * ] as any;
 * const t = trialSets(runs).get("x")!;
 * assert(t.n_trials === 2 && Math.abs(t.sharpe_variance - 0.02) < 1e-12);
 * ```
 */
export function trialSets(allRuns: readonly RunRecord[]): Map<string, TrialSet> {
  const by = new Map<string, RunRecord[]>();
  for (const r of allRuns) {
    if (r.status !== "ok" || r.backtest === null) continue;
    const list = by.get(r.strategy) ?? [];
    list.push(r);
    by.set(r.strategy, list);
  }
  const out = new Map<string, TrialSet>();
  for (const [strategy, runs] of by) {
    const distinct = new Set(
      runs.map((r) => `${r.config_hash}|${r.datasets.map((d) => d.sha256).join(",")}`),
    );
    const looks = holdoutLooks(allRuns, strategy); // issue #13: every look at the lockbox is a trial
    out.set(strategy, {
      strategy,
      n_trials: runs.length + looks,
      holdout_looks: looks,
      repeats: runs.length - distinct.size,
      sharpe_variance: sharpeVariance(runs.map((r) => r.backtest!.sharpe)),
      run_ids: runs.map((r) => r.run_id),
    });
  }
  return out;
}

function _deflated(r: RunRecord, trials: TrialSet | undefined): RunDeflatedSharpe {
  const bt = r.backtest;
  const base = {
    run_id: r.run_id,
    sharpe: bt?.sharpe ?? null,
    sharpe_annualised: bt?.sharpe_annualised ?? null,
    n_trials: trials?.n_trials ?? 0,
    sr0: null,
    sr0_annualised: null,
    dsr: null,
    p_value: r.verdict?.p_value ?? null, // issue #11
    economic_skill: r.verdict?.economic_skill ?? null,
    rank: null,
  };
  if (bt === null) return { ...base, reason: `run has no backtest summary (status ${r.status})` };
  if (r.status !== "ok") return { ...base, reason: `run status is ${r.status}; only ok runs are trials` };
  if (!trials) return { ...base, reason: "no trials found for this strategy" };
  if (bt.n_periods < 2) return { ...base, reason: `track too short: n_periods is ${bt.n_periods}` };
  try {
    const d = deflatedSharpe(
      { sharpe: bt.sharpe, nPeriods: bt.n_periods, skew: bt.skew, kurtosis: bt.kurtosis },
      trials.n_trials,
      trials.sharpe_variance,
    );
    const scale = bt.periods_per_year !== undefined
      ? Math.sqrt(bt.periods_per_year)
      : bt.sharpe !== 0
      ? bt.sharpe_annualised / bt.sharpe
      : null;
    return {
      ...base,
      sr0: d.sr0,
      sr0_annualised: scale === null ? null : d.sr0 * scale,
      dsr: d.dsr,
      // issue #11: with one trial there is no spread of trial Sharpes, so sr0 = 0 and the DSR is the plain PSR
      reason: trials.n_trials < 2
        ? "1 trial: nothing to deflate with (DSR = PSR vs 0), so not ranked; read the permutation p-value"
        : null,
    };
  } catch (err) {
    return { ...base, reason: (err as Error).message };
  }
}

/**
 * Ranks by DSR only the runs whose verdict found economic skill and whose strategy has at least 2 trials
 * (issue #11): a run with one trial has nothing to deflate, so its DSR is the undeflated PSR and would
 * otherwise look best for having been tried least.
 */
function _ranked(rows: RunDeflatedSharpe[]): RunDeflatedSharpe[] {
  const eligible = rows.filter((d) => d.dsr !== null && d.n_trials >= 2 && d.economic_skill === true);
  eligible.sort((a, b) => b.dsr! - a.dsr!);
  eligible.forEach((d, i) => (d.rank = i + 1));
  return rows;
}

/**
 * Compares `records` (in order) given every run of the root (`allRuns`, for the trial counts).
 * Pure: no file access.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareRecords } from "./compare.ts";
 * const c = compareRecords([], []);
 * assert(c.runs.length === 0 && c.config_differences.length === 0);
 * ```
 */
export function compareRecords(records: readonly RunRecord[], allRuns: readonly RunRecord[]): RunComparison {
  const sets = trialSets(allRuns);
  const metricNames = [...new Set(records.flatMap((r) => Object.keys(r.metrics.overall)))].sort();
  const btNames = [
    "sharpe",
    "sharpe_annualised",
    "total_return",
    "max_drawdown",
    "n_trades",
    "n_periods",
    "skew",
    "kurtosis",
  ];
  const metrics = [
    ...metricNames.map((name) => ({ name, values: records.map((r) => r.metrics.overall[name] ?? null) })),
    ...btNames.map((name) => ({
      name: `backtest.${name}`,
      values: records.map((r) => {
        const v = (r.backtest as Record<string, unknown> | null)?.[name];
        return typeof v === "number" ? v : null;
      }),
    })),
  ];
  const used = [...new Set(records.map((r) => r.strategy))];
  return {
    runs: records.map(summariseRun),
    config_differences: configDifferences(records.map((r) => r.config)),
    metrics,
    trials: used.map((s) =>
      sets.get(s) ?? { strategy: s, n_trials: 0, repeats: 0, sharpe_variance: 0, run_ids: [] }
    ),
    deflated: _ranked(records.map((r) => _deflated(r, sets.get(r.strategy)))),
  };
}

/**
 * Finds a run by exact id or unique prefix among `runs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveRunId } from "./compare.ts";
 * const runs = [{ run_id: "20261124T101500Z-aa-1" }, { run_id: "20261124T111500Z-bb-2" }] as any;
 * assert(resolveRunId(runs, "20261124T11").run_id === "20261124T111500Z-bb-2");
 * ```
 */
export function resolveRunId(runs: readonly RunRecord[], id: string): RunRecord {
  const exact = runs.find((r) => r.run_id === id);
  if (exact) return exact;
  const matches = runs.filter((r) => r.run_id.startsWith(id));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new CandlelabError(
      `Cannot compare run "${id}": no run with that id or prefix among ${runs.length} runs; list them with deno task experiments:list`,
    );
  }
  throw new CandlelabError(
    `Cannot compare run "${id}": the prefix matches ${matches.length} runs (${
      matches.slice(0, 3).map((r) => r.run_id).join(", ")
    }...); give more of the id`,
  );
}

/**
 * Reads every run under `root` and compares the ones named by `ids` (ids or unique prefixes).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareRuns } from "./compare.ts";
 * let threw = false;
 * try { await compareRuns(await Deno.makeTempDir(), ["nope"]); } catch { threw = true; }
 * assert(threw);
 * ```
 */
export async function compareRuns(root: string, ids: readonly string[]): Promise<RunComparison> {
  if (ids.length === 0) {
    throw new CandlelabError(
      "Cannot compare runs: no run ids given; pass one or more ids from deno task experiments:list",
    );
  }
  // one id space (issue #15): ids, unique prefixes or suffixes, or a notebook run id for its experiment run
  const listing = await listRuns(root);
  return compareRecords(ids.map((id) => resolveRunRef(listing, id, "compare")), listing.runs);
}

function _show(v: unknown): string {
  if (v === undefined) return "(absent)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/**
 * Text report of a comparison: runs, config keys that differ, metrics side by side, trials and
 * the deflated Sharpe ratio beside the raw one.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareRecords, formatComparison } from "./compare.ts";
 * assert(formatComparison(compareRecords([], [])).includes("Config keys that differ"));
 * ```
 */
export function formatComparison(c: RunComparison): string {
  const heads = c.runs.map((_, i) => `run ${i + 1}`);
  const parts: string[] = [];
  parts.push(formatTable(
    ["#", "run id", "strategy", "status", "model id"],
    c.runs.map((r, i) => [`run ${i + 1}`, r.run_id, r.strategy, r.status, r.model_id]),
  ));
  parts.push(`\nConfig keys that differ (${c.config_differences.length}):`);
  parts.push(
    c.config_differences.length === 0 ? "  (none: all configs are identical)" : formatTable(
      ["key", ...heads],
      c.config_differences.map((d) => ["* " + d.key, ...d.values.map(_show)]),
    ),
  );
  parts.push("\nMetrics:");
  parts.push(
    formatTable(
      ["metric", ...heads],
      c.metrics.map((
        m,
      ) => [m.name, ...m.values.map((v) => (Number.isInteger(v) ? String(v) : fmtNum(v, 4)))]),
    ),
  );
  parts.push("\nTrials per strategy (ok runs with a backtest under the root, identical reruns included):");
  parts.push(formatTable(
    ["strategy", "trials", "identical reruns", "var(SR) per period", "hold-out looks"],
    c.trials.map((t) => {
      const looks = t.holdout_looks ?? 0; // issue #13
      return [t.strategy, t.n_trials, t.repeats, fmtNum(t.sharpe_variance, 8), looks];
    }),
  ));
  parts.push(
    "\nSharpe, raw and deflated (DSR = P(true SR > expected max SR of N null trials)); ranked by DSR only " +
      "among runs with economic skill (verdict) and at least 2 trials:",
  );
  parts.push(formatTable(
    [
      "#",
      "SR (ann.)",
      "SR/period",
      "trials",
      "SR0 (ann.)",
      "DSR",
      "returns p",
      "economic skill",
      "rank",
      "note",
    ],
    c.deflated.map((d, i) => [
      `run ${i + 1}`,
      fmtNum(d.sharpe_annualised, 3),
      fmtNum(d.sharpe, 5),
      d.n_trials,
      fmtNum(d.sr0_annualised, 3),
      fmtNum(d.dsr, 4),
      fmtNum(d.p_value, 3), // issue #11
      d.economic_skill === null ? "(no verdict)" : d.economic_skill ? "yes" : "no",
      d.rank ?? "-",
      d.reason,
    ]),
  ));
  return parts.join("\n");
}
