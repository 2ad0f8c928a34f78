/**
 * Test helpers: valid fake run records and run folders, for tests of anything that reads runs.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic } from "../util/atomic.ts";
import { hashId } from "../util/hash.ts";
import { makeRunId } from "./run_id.ts";
import { RUN_FORMAT_VERSION, type RunRecord, RunRecordSchema } from "./run_record.ts";

/** Fields of a fake run that tests usually vary. */
export interface FakeRunOptions {
  strategy?: string;
  startMs?: number;
  suffix?: string;
  status?: RunRecord["status"];
  config?: unknown;
  /** Per-period Sharpe; null for no backtest. Default 0.02. */
  sharpe?: number | null;
  periodsPerYear?: number;
  nPeriods?: number;
  skew?: number;
  kurtosis?: number;
  macroF1?: number | null;
  totalReturn?: number;
  modelId?: string | null;
}

/**
 * A schema-valid run record with sensible defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fakeRunRecord } from "./testing.ts";
 * const r = fakeRunRecord({ strategy: "s", sharpe: 0.01 });
 * assert(r.status === "ok" && r.backtest!.sharpe === 0.01);
 * ```
 */
export function fakeRunRecord(o: FakeRunOptions = {}): RunRecord {
  const config = o.config ?? { model: { kind: "forest", depth: 6 } };
  const configHash = hashId(config);
  const startMs = o.startMs ?? Date.UTC(2026, 10, 24, 10, 0, 0);
  const status = o.status ?? "ok";
  const ppy = o.periodsPerYear ?? 8760;
  const sharpe = o.sharpe === undefined ? 0.02 : o.sharpe;
  return RunRecordSchema.parse({
    format_version: RUN_FORMAT_VERSION,
    run_id: makeRunId(startMs, configHash, o.suffix ?? "aaaaaa"),
    strategy: o.strategy ?? "btc_perp_1h",
    status,
    error: status === "failed" ? { name: "Error", message: "boom", stack: null } : null,
    started_at: new Date(startMs).toISOString(),
    ended_at: status === "running" ? null : new Date(startMs + 60_000).toISOString(),
    duration_seconds: status === "running" ? null : 60,
    config,
    config_hash: configHash,
    seed: 42,
    datasets: [{ path: "data/raw/btc.parquet", sha256: "0".repeat(64), kind: "ohlcv" }],
    feature_spec_hash: "f".repeat(16),
    label_spec_hash: "1".repeat(16),
    model_id: o.modelId === undefined ? "model-abc" : o.modelId,
    metrics: {
      folds: [{ fold: 0, macro_f1: o.macroF1 === undefined ? 0.4 : o.macroF1, accuracy: 0.5 }],
      overall: { macro_f1: o.macroF1 === undefined ? 0.4 : o.macroF1, accuracy: 0.5 },
    },
    backtest: sharpe === null ? null : {
      sharpe,
      sharpe_annualised: sharpe * Math.sqrt(ppy),
      periods_per_year: ppy,
      n_periods: o.nPeriods ?? 8760,
      skew: o.skew ?? 0,
      kurtosis: o.kurtosis ?? 3,
      total_return: o.totalReturn ?? 0.1,
      max_drawdown: 0.2,
      n_trades: 100,
    },
    stages: [],
    code: { commit: null, dirty: null },
    versions: { deno: "2.9.6", v8: "x", typescript: "x", libraries: {} },
    env: {},
  });
}

/**
 * Writes `record` as `<root>/<run_id>/run.json` and returns the folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fakeRunRecord, writeFakeRun } from "./testing.ts";
 * const dir = await writeFakeRun(await Deno.makeTempDir(), fakeRunRecord());
 * assert((await Deno.stat(`${dir}/run.json`)).isFile);
 * ```
 */
export async function writeFakeRun(root: string, record: RunRecord): Promise<string> {
  const dir = join(root, record.run_id);
  await writeJsonAtomic(join(dir, "run.json"), record);
  return dir;
}
