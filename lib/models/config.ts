/**
 * Zod schemas of every model's parameters and the `ModelConfigSchema` discriminated union on `kind`
 * that experiment configs use (`model: { kind: hist_random_forest, nTrees: 100, ... }`).
 *
 * @module
 */
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";
import { N_CLASSES } from "../labels/classes.ts";

const _classWeight = z
  .union([z.literal("balanced"), z.array(z.number().positive()), z.null()])
  .default(null)
  .describe(
    'null = all 1; "balanced" = n / (k * count(class)) on the training rows; or one weight per class',
  );

const _common = {
  nClasses: z.int().min(2).max(255).default(N_CLASSES).describe("classes are 0..nClasses-1"),
  seed: z.int().min(0).max(0xffffffff).default(0).describe("same data + params + seed = same model"),
};

const _binning = {
  maxBins: z.int().min(2).max(255).default(255).describe("histogram bins per feature (quantile edges)"),
  binSampleRows: z.int().min(100).default(50_000).describe("rows sampled (seeded) to place bin edges"),
};

/** Parameters of Candlelab's histogram random forest. */
export const HistRandomForestParamsSchema = z.strictObject({
  nTrees: z.int().min(1).max(100_000).default(100),
  maxDepth: z.int().min(1).max(64).default(10),
  minSamplesSplit: z.int().min(2).default(2),
  minSamplesLeaf: z.int().min(1).default(1),
  maxFeatures: z
    .union([z.literal("sqrt"), z.literal("log2"), z.literal("all"), z.number().gt(0).lte(1)])
    .default("sqrt")
    .describe('features tried per split: "sqrt" (scikit-learn default), "log2", "all" or a fraction'),
  bootstrap: z.boolean().default(true),
  maxSamples: z.number().gt(0).lte(1).default(1).describe("rows drawn per tree as a fraction of n (seeded)"),
  classWeight: _classWeight,
  ..._binning,
  ..._common,
  nWorkers: z.int().min(1).max(64).default(2).describe("worker threads; results do not depend on it"),
});
/** Parsed (defaults filled) hist random forest parameters. */
export type HistRandomForestParams = z.output<typeof HistRandomForestParamsSchema>;
/** Hist random forest parameters as a user writes them (all optional). */
export type HistRandomForestParamsInput = z.input<typeof HistRandomForestParamsSchema>;

/** Parameters of Candlelab's histogram gradient-boosted trees (multiclass softmax). */
export const HistGradientBoostingParamsSchema = z.strictObject({
  nRounds: z.int().min(1).max(100_000).default(100).describe("boosting rounds; one tree per class per round"),
  learningRate: z.number().gt(0).lte(1).default(0.1),
  maxDepth: z.int().min(1).max(64).default(6),
  maxLeaves: z.int().min(2).max(65_536).default(31).describe("leaves per tree, grown best-first"),
  minSamplesLeaf: z.int().min(1).default(20),
  minHessian: z.number().min(0).default(1e-3).describe("minimum sum of hessians in a leaf"),
  l2: z.number().min(0).default(1).describe("L2 penalty on leaf values"),
  featureFraction: z.number().gt(0).lte(1).default(1).describe("features sampled per tree"),
  rowFraction: z.number().gt(0).lte(1).default(1).describe("rows sampled per round, without replacement"),
  earlyStopping: z
    .strictObject({
      validationFraction: z.number().gt(0).lt(1).default(0.1).describe("last rows (time order) held out"),
      patience: z.int().min(1).default(10).describe("rounds without a lower validation loss before stopping"),
    })
    .optional()
    .describe(
      "absent = grow every round; else hold out the training set's most recent rows and keep the rounds with the lowest validation log-loss",
    ),
  classWeight: _classWeight,
  ..._binning,
  ..._common,
  nWorkers: z.int().min(1).max(64).default(2).describe(
    "worker threads (each builds the histograms of a block of features); results do not depend on it",
  ),
});
/** Parsed gradient boosting parameters. */
export type HistGradientBoostingParams = z.output<typeof HistGradientBoostingParamsSchema>;
/** Gradient boosting parameters as a user writes them. */
export type HistGradientBoostingParamsInput = z.input<typeof HistGradientBoostingParamsSchema>;

/** Parameters of the ml-random-forest reference learner (small data only: its fit time grows ~n^1.7). */
export const MlRandomForestParamsSchema = z.strictObject({
  nTrees: z.int().min(1).max(10_000).default(10),
  maxDepth: z.int().min(1).max(64).default(10),
  minSamplesSplit: z.int().min(2).default(3),
  maxFeatures: z.number().gt(0).lte(1).default(1).describe("fraction of features given to each tree"),
  maxRows: z
    .int()
    .min(2)
    .nullable()
    .default(5_000)
    .describe("train on a seeded random subset (kept in time order) when there are more rows; null = all"),
  ..._common,
});
/** Parsed ml-random-forest parameters. */
export type MlRandomForestParams = z.output<typeof MlRandomForestParamsSchema>;
/** ml-random-forest parameters as a user writes them. */
export type MlRandomForestParamsInput = z.input<typeof MlRandomForestParamsSchema>;

/** Every model config, discriminated by `kind`. */
export const ModelConfigSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("hist_random_forest"), ...HistRandomForestParamsSchema.shape }),
  z.strictObject({ kind: z.literal("hist_gradient_boosting"), ...HistGradientBoostingParamsSchema.shape }),
  z.strictObject({ kind: z.literal("ml_random_forest"), ...MlRandomForestParamsSchema.shape }),
]);
/** A parsed model config. */
export type ModelConfig = z.output<typeof ModelConfigSchema>;
/** A model config as written in YAML or code. */
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/**
 * Validates model parameters against `schema`; a CandlelabError lists every bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HistRandomForestParamsSchema, parseParams } from "./config.ts";
 * const p = parseParams(HistRandomForestParamsSchema, { nTrees: 5 }, "hist_random_forest");
 * assert(p.nTrees === 5 && p.maxDepth === 10);
 * ```
 */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown, kind: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new CandlelabError(
    `Cannot create model ${kind}: invalid parameters\n${z.prettifyError(r.error)}\n` +
      `fix the fields above (see ModelConfigSchema in lib/models/config.ts)`,
  );
}

/**
 * Per-class weights: null -> all 1, "balanced" -> n / (k * count(class)) (weighted by sample
 * weights; absent classes get 1), or the given array (its length must be nClasses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveClassWeights } from "./config.ts";
 * const w = resolveClassWeights("balanced", new Int32Array([0, 0, 0, 1]), 2);
 * assert(w[0] === 4 / 6 && w[1] === 2);
 * ```
 */
export function resolveClassWeights(
  spec: "balanced" | number[] | null,
  y: Int32Array,
  nClasses: number,
  weights?: Float64Array,
): Float64Array {
  const out = new Float64Array(nClasses).fill(1);
  if (spec === null) return out;
  if (Array.isArray(spec)) {
    if (spec.length !== nClasses) {
      throw new CandlelabError(
        `Cannot fit: classWeight has ${spec.length} values but nClasses is ${nClasses}; give one weight per class`,
      );
    }
    out.set(spec);
    return out;
  }
  const counts = new Float64Array(nClasses);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i] : 1;
    counts[y[i]] += w;
    total += w;
  }
  for (let c = 0; c < nClasses; c++) if (counts[c] > 0) out[c] = total / (nClasses * counts[c]);
  return out;
}
