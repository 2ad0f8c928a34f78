/**
 * Model metadata (models/metadata/<id>.json) and the id rule.
 *
 * The id is `hashId` of the canonical training configuration: strategy, asset, market, interval, model
 * kind + format version + params, feature set + hash, label spec, training range, validation config,
 * the SHA-256 of every dataset file (sorted; paths are not part of it), the code version (commit, dirty
 * flag, diff hash) and the seed. Not part of the id: `created`, timings, metrics, `parent`, dataset
 * paths and the artifact hash (outputs and bookkeeping, not inputs).
 *
 * @module
 */
import { z } from "zod";
import { hashId } from "../util/hash.ts";
import type { ClassificationReport } from "../validation/metrics.ts";

/** Format version of the metadata files. */
export const METADATA_VERSION = 1;

const _Dataset = z.strictObject({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex SHA-256"),
  metadataPath: z.string().optional(),
  kind: z.enum(["ohlcv", "funding", "mark"]).optional(),
});

const _Code = z.strictObject({
  commit: z.string().nullable(),
  dirty: z.boolean().nullable(),
  diffSha256: z.string().nullable(),
  note: z.string().optional(),
});

/** What the trainer passes to `saveModel` (besides the model JSON). */
export const ModelRecordInputSchema = z.strictObject({
  strategy: z.string().min(1),
  asset: z.string().min(1),
  market: z.enum(["spot", "perpetual"]),
  interval: z.string().min(1),
  features: z.strictObject({
    set: z.string().min(1),
    hash: z.string().min(1),
    names: z.array(z.string()).optional(),
    lookback: z.int().nonnegative().optional(),
  }),
  label: z.looseObject({ horizon: z.int().nonnegative() }),
  training: z.strictObject({
    /** UTC ms of the first and last training bar (inclusive). */
    start: z.number(),
    end: z.number(),
    rows: z.int().nonnegative(),
  }),
  validation: z.record(z.string(), z.unknown()).optional(),
  datasets: z.array(_Dataset).min(1),
  /** Flat numeric metrics (queryable): e.g. macro_f1, accuracy, majority_baseline, log_loss. */
  metrics: z.record(z.string(), z.number()).default({}),
  /** Full evaluation detail (per fold, confusion, calibration...): stored, not indexed. */
  evaluation: z.unknown().optional(),
  code: _Code,
  seed: z.int(),
  parent: z.string().nullable().default(null),
  /** Which leakage checks ran before training, and why one did not (issue #11, ADR-028). Not part of the id. */
  guard: z.strictObject({ causality: z.boolean(), warmup: z.boolean(), reason: z.string().nullable() })
    .optional(),
  /** ISO time; default now. Not part of the id. */
  created: z.iso.datetime().optional(),
});

/** Input of `saveModel`. */
export type ModelRecordInput = z.input<typeof ModelRecordInputSchema>;

/** Schema of a metadata file. */
export const ModelMetadataSchema = ModelRecordInputSchema.extend({
  metadataVersion: z.literal(METADATA_VERSION),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  created: z.iso.datetime(),
  model: z.strictObject({
    kind: z.string(),
    formatVersion: z.number(),
    params: z.record(z.string(), z.unknown()),
  }),
  artifact: z.strictObject({
    /** Relative to the registry root. */
    path: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.int().nonnegative(),
  }),
});

/** A metadata file's content. */
export type ModelMetadata = z.output<typeof ModelMetadataSchema>;

/**
 * The model id: a 16-hex-digit hash of the canonical training configuration (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { modelId } from "./metadata.ts";
 * const base = {
 *   strategy: "s", asset: "BTC", market: "spot" as const, interval: "1h",
 *   features: { set: "f", hash: "h" }, label: { horizon: 4 }, training: { start: 0, end: 1, rows: 2 },
 *   datasets: [{ path: "a", sha256: "0".repeat(64) }], code: { commit: null, dirty: null, diffSha256: null }, seed: 1,
 * };
 * const m = { kind: "k", formatVersion: 1, params: {} };
 * assert(modelId(base, m) === modelId({ ...base, created: "2020-01-01T00:00:00Z" }, m));
 * assert(modelId(base, m) !== modelId({ ...base, seed: 2 }, m));
 * ```
 */
export function modelId(
  input: ModelRecordInput,
  model: { kind: string; formatVersion: number; params: Record<string, unknown> },
): string {
  return hashId({
    v: METADATA_VERSION,
    strategy: input.strategy,
    asset: input.asset,
    market: input.market,
    interval: input.interval,
    model: { kind: model.kind, formatVersion: model.formatVersion, params: model.params },
    features: { set: input.features.set, hash: input.features.hash },
    label: input.label,
    training: input.training,
    validation: input.validation,
    datasets: input.datasets.map((d) => d.sha256).sort(),
    code: { commit: input.code.commit, dirty: input.code.dirty, diffSha256: input.code.diffSha256 },
    seed: input.seed,
  });
}

/**
 * Flat, queryable metrics from a classification report (names in snake_case).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { metricsFromReport } from "./metadata.ts";
 * import { classificationReport } from "../validation/metrics.ts";
 * const p = { nRows: 2, nClasses: 3, data: Float64Array.of(0.8, 0.1, 0.1, 0.1, 0.1, 0.8) };
 * assert(metricsFromReport(classificationReport(Int32Array.of(0, 2), p)).macro_f1 === 1);
 * ```
 */
export function metricsFromReport(r: ClassificationReport): Record<string, number> {
  const out: Record<string, number> = {
    accuracy: r.accuracy,
    majority_baseline: r.majorityBaseline,
    balanced_accuracy: r.balancedAccuracy,
    macro_f1: r.macroF1,
    log_loss: r.logLoss,
    n_test: r.n,
  };
  for (const [k, v] of Object.entries(out)) if (!Number.isFinite(v)) delete out[k];
  return out;
}
