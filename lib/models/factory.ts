/**
 * One door to every model: `createModel(spec)` from a config (validated by `ModelConfigSchema`) and
 * `loadModel(json)` from a saved model, both dispatching on `kind`.
 *
 * @module
 */
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";
import type { Estimator } from "./estimator.ts";
import { type ModelConfigInput, ModelConfigSchema } from "./config.ts";
import { HistRandomForest } from "./hist_random_forest.ts";
import { HistGradientBoosting } from "./hist_gradient_boosting.ts";
import { MlRandomForest } from "./ml_random_forest.ts";

/** Every model kind Candlelab knows. */
export const MODEL_KINDS = ["hist_random_forest", "hist_gradient_boosting", "ml_random_forest"] as const;

/**
 * Creates an unfitted model from a config `{ kind, ...params }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createModel } from "./factory.ts";
 * const m = createModel({ kind: "hist_random_forest", nTrees: 10 });
 * assert(m.kind === "hist_random_forest" && m.params.nTrees === 10);
 * ```
 */
export function createModel(spec: ModelConfigInput): Estimator {
  const r = ModelConfigSchema.safeParse(spec);
  if (!r.success) {
    throw new CandlelabError(
      `Cannot create model: invalid model config\n${z.prettifyError(r.error)}\n` +
        `kind must be one of ${MODEL_KINDS.join(", ")}; see ModelConfigSchema in lib/models/config.ts`,
    );
  }
  const spec2 = r.data;
  switch (spec2.kind) {
    case "hist_random_forest": {
      const { kind: _, ...params } = spec2;
      return new HistRandomForest(params);
    }
    case "hist_gradient_boosting": {
      const { kind: _, ...params } = spec2;
      return new HistGradientBoosting(params);
    }
    case "ml_random_forest": {
      const { kind: _, ...params } = spec2;
      return new MlRandomForest(params);
    }
  }
}

/**
 * Rebuilds a fitted model from its `toJSON()` output, choosing the class from `kind`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel } from "./factory.ts";
 * let msg = "";
 * try { loadModel({ kind: "svm", formatVersion: 1, params: {} }); } catch (e) { msg = (e as Error).message; }
 * assert(msg.includes("svm"));
 * ```
 */
export function loadModel(json: unknown): Estimator {
  const kind = (json as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "hist_random_forest":
      return HistRandomForest.load(json);
    case "hist_gradient_boosting":
      return HistGradientBoosting.load(json);
    case "ml_random_forest":
      return MlRandomForest.load(json);
    default:
      throw new CandlelabError(
        `Cannot load model: unknown kind ${JSON.stringify(kind)}; expected one of ${
          MODEL_KINDS.join(", ")
        } ` +
          `(was the file written by Candlelab's toJSON()?)`,
      );
  }
}
