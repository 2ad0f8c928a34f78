/**
 * Test fixtures for the registry: a valid record input and a fake model JSON.
 *
 * @module
 */
import type { ModelJSON } from "../models/estimator.ts";
import type { ModelRecordInput } from "./metadata.ts";

/**
 * A valid `saveModel` input; `over` replaces top-level fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { recordInput } from "./_fixtures.ts";
 * assert(recordInput({ seed: 3 }).seed === 3);
 * ```
 */
export function recordInput(over: Partial<ModelRecordInput> = {}): ModelRecordInput {
  return {
    strategy: "btc_trend",
    asset: "BTC",
    market: "spot",
    interval: "1h",
    features: { set: "basic30", hash: "feat0001", lookback: 240 },
    label: { kind: "vol_band", horizon: 15, k: 0.5 },
    training: { start: Date.UTC(2020, 0, 1), end: Date.UTC(2023, 11, 31, 23), rows: 35000 },
    validation: { scheme: "walk_forward", folds: 4 },
    datasets: [{ path: "data/raw/btc_spot_1h.parquet", sha256: "ab".repeat(32), kind: "ohlcv" }],
    metrics: { macro_f1: 0.31, accuracy: 0.42, majority_baseline: 0.4 },
    code: { commit: "e353377ee199c8b51d035b01c1865303db07bb83", dirty: false, diffSha256: null },
    seed: 0,
    created: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

/**
 * A fake fitted model's JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fakeModel } from "./_fixtures.ts";
 * assert(fakeModel({ trees: 3 }).params.trees === 3);
 * ```
 */
export function fakeModel(
  params: Record<string, unknown> = { trees: 10 },
  state: unknown = [0.1, 0.2],
): ModelJSON {
  return { kind: "test_forest", formatVersion: 1, params, state };
}
