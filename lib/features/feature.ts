/**
 * What a feature is: a registry entry that declares its parameters (zod), its lookback, its output
 * columns and what market data it needs, plus a causal `compute` over Float64Arrays.
 *
 * A feature only adds columns, named with their parameters (`close_ema_50`, `vol_60`); the value at
 * row t may read rows `t - lookback(params) .. t` and nothing later.
 *
 * @module
 */
import type { z } from "zod";
import { CandlelabError } from "../util/errors.ts";

/** Market data a feature needs: any bars, a perpetual (funding, mark), or a perpetual with spot closes. */
export type Requires = "any" | "perpetual" | "perpetual+spot";

/** Bar and funding cadence, used by lookbacks counted in funding events. */
export interface FeatureTiming {
  /** Bar interval in ms. */
  intervalMs: number;
  /** Funding interval in ms (8 h on Binance). */
  fundingIntervalMs: number;
}

/** What `compute` sees: validated input columns and a per-call memo for shared intermediates. */
export interface FeatureContext {
  readonly rows: number;
  readonly timing: FeatureTiming;
  /** An input column as a Float64Array; throws a clear error if missing or holding bad values. */
  col(name: string): Float64Array;
  /** A new zero-filled Float64Array of `rows` (or `n`) entries, from the caller's allocator if one was given. */
  alloc(n?: number): Float64Array;
  /** Computes `make()` once per key within one feature-set computation. */
  memo(key: string, make: () => Float64Array): Float64Array;
}

/** A registry entry. `P` is the parsed parameter type. */
export interface FeatureDef<P = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** zod schema of the parameters (a strict object whose fields all have defaults). */
  readonly params: z.ZodType<P>;
  readonly requires: Requires;
  /** Input columns read by `compute`. */
  readonly inputs: readonly string[];
  /** Earlier bars a value depends on (for recursive ones: until older weight < WARMUP_TOLERANCE). */
  lookback(params: P, timing: FeatureTiming): number;
  /** Output column names, in order. */
  columns(params: P): string[];
  /** One Float64Array per output column, same order as `columns`. */
  compute(ctx: FeatureContext, params: P): Float64Array[];
  /**
   * True when every NaN `compute` stores is the canonical NaN (bits 0x7ff8000000000000): written as the
   * `NaN` literal, or a computed value `v` stored as `v === v ? v : NaN` wherever it can be NaN (x86 gives
   * 0xfff8.. for a run-time 0/0, and NaN inputs may carry any bits). The runner then skips its own
   * canonicalisation pass over the columns. Leave it unset when unsure: the pass is always correct.
   */
  readonly canonicalNaN?: boolean;
}

/** A feature definition with its parameter type erased (what a registry holds). */
// deno-lint-ignore no-explicit-any
export type AnyFeatureDef = FeatureDef<any>;

/**
 * Declares a feature with type-checked params (identity at runtime).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { z } from "zod";
 * import { defineFeature } from "./feature.ts";
 * const twice = defineFeature({
 *   name: "twice", description: "2 x close", params: z.strictObject({}), requires: "any",
 *   inputs: ["close"], lookback: () => 0, columns: () => ["twice"],
 *   compute: (ctx) => [ctx.col("close").map((v) => 2 * v)],
 * });
 * assert(twice.name === "twice");
 * ```
 */
export function defineFeature<S extends z.ZodType>(
  def: FeatureDef<z.output<S>> & { params: S },
): FeatureDef<z.output<S>> {
  return def;
}

/**
 * Parses `params` for `def`, turning zod issues into a sentence that names the feature and field.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseFeatureParams } from "./feature.ts";
 * import { FEATURES } from "./registry.ts";
 * assert(parseFeatureParams(FEATURES.get("log_return")!, { lag: 5 }).lag === 5);
 * ```
 */
export function parseFeatureParams<P>(def: FeatureDef<P>, params: unknown): P {
  const r = def.params.safeParse(params ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const at = i.path.length ? i.path.join(".") : "(params)";
    return `${at}: ${i.message}`;
  });
  throw new CandlelabError(
    `Cannot use feature "${def.name}": invalid params ${JSON.stringify(params)} (${issues.join("; ")}); ` +
      `see its schema in the registry (lib/features/registry.ts)`,
  );
}
