/**
 * Label specs: a zod discriminated union on `kind`, so each strategy chooses its target in config.
 * Every spec declares its `horizon` (bars looked forward).
 *
 * @module
 */
import { z } from "zod";
import { loadConfig } from "../config/load.ts";

const _horizon = z.number().int().min(1).max(1_000_000, "horizon must be at most 1,000,000 bars").default(15);
const _volWindow = z.number().int().min(2).max(1_000_000, "volWindow must be at most 1,000,000 bars").default(
  60,
);

/** long if fwd > threshold, short if fwd < -threshold (fwd = log(c_{t+h} / c_t)). */
export const FixedLabelSchema = z.strictObject({
  kind: z.literal("fixed"),
  horizon: _horizon,
  /** Log-return threshold of the neutral band. */
  threshold: z.number().nonnegative().default(0.001),
});

/** Neutral band = k * vol * sqrt(h), vol = rolling sample std of 1-bar log returns (the peer's label). */
export const VolScaledLabelSchema = z.strictObject({
  kind: z.literal("vol_scaled"),
  horizon: _horizon,
  k: z.number().nonnegative().default(0.5),
  volWindow: _volWindow,
});

/**
 * Triple barrier: upper = c_t * exp(profitTake * s), lower = c_t * exp(-stopLoss * s), s = vol * sqrt(h);
 * the first bar among the next h whose high/low touches a barrier decides long/short. Both touched in the
 * same bar: neutral (the order inside a bar is unknown). Time barrier: `onTimeout` = "neutral" or "sign"
 * (the sign of the return at t+h against the band +-0).
 */
export const TripleBarrierLabelSchema = z.strictObject({
  kind: z.literal("triple_barrier"),
  horizon: _horizon,
  profitTake: z.number().positive().default(1),
  stopLoss: z.number().positive().default(1),
  volWindow: _volWindow,
  onTimeout: z.enum(["neutral", "sign"]).default("neutral"),
});

/** Any label spec. */
export const LabelSpecSchema = z.discriminatedUnion("kind", [
  FixedLabelSchema,
  VolScaledLabelSchema,
  TripleBarrierLabelSchema,
]);

/** A parsed label spec. */
export type LabelSpec = z.output<typeof LabelSpecSchema>;
/** A label spec as written (defaults optional). */
export type LabelSpecInput = z.input<typeof LabelSpecSchema>;

/** Folder of label presets, relative to the repository root. */
export const LABEL_SPEC_DIR = "configs/labels";

/**
 * Loads a label spec by preset name (`configs/labels/<name>.yaml`) or by path (ending in .yaml/.yml).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadLabelSpec } from "./config.ts";
 * const spec = await loadLabelSpec("peer", new URL("../../configs/labels", import.meta.url).pathname);
 * assert(spec.kind === "vol_scaled" && spec.horizon === 15);
 * ```
 */
export function loadLabelSpec(nameOrPath: string, dir = LABEL_SPEC_DIR): Promise<LabelSpec> {
  const file = /\.ya?ml$/.test(nameOrPath) ? nameOrPath : `${dir}/${nameOrPath}.yaml`;
  return loadConfig(file, LabelSpecSchema);
}
