/**
 * Resolving a feature-set spec against the registry and computing it over a bar table.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";
import {
  type AnyFeatureDef,
  type FeatureContext,
  type FeatureTiming,
  parseFeatureParams,
} from "./feature.ts";
import { FEATURES, getFeature } from "./registry.ts";
import { type FeatureSetInput, FeatureSetSchema, type FeatureSetSpec } from "./config.ts";
import { float64Column } from "../series/columns.ts";

/** One resolved entry: definition, parsed params and final output names. */
export interface FeatureSetEntry {
  def: AnyFeatureDef;
  params: Record<string, unknown>;
  /** Names the feature generates. */
  sourceColumns: string[];
  /** Names after `rename`, in the same order. */
  columns: string[];
}

/** A resolved feature set. `spec` holds the params with defaults filled in (what the cache key hashes). */
export interface FeatureSet {
  name: string;
  spec: FeatureSetSpec;
  entries: FeatureSetEntry[];
  /** All output columns, in order. */
  columns: string[];
}

/** Options of a feature computation. */
export interface ComputeOptions {
  /** Bar/funding cadence; `intervalMs` defaults to the smallest timestamp step, funding to 8 h. */
  timing?: Partial<FeatureTiming>;
  /** Market of the table; default: "perpetual" when it has a `funding_rate` column, else "spot". */
  market?: "spot" | "perpetual";
  /** Allocator of output/intermediate columns (default `new Float64Array(n)`); bench/alloc.ts uses it. */
  alloc?: (n: number) => Float64Array;
}

const _BASE_COLUMNS = new Set(["timestamp", "open", "high", "low", "close", "volume"]);

/**
 * Resolves a spec: checks every feature name and parameter and that output names are unique.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveFeatureSet } from "./set.ts";
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "log_return", params: { lag: 5 } }] });
 * assert(set.columns[0] === "ret_5");
 * ```
 */
export function resolveFeatureSet(
  spec: FeatureSetInput | FeatureSetSpec,
  registry: ReadonlyMap<string, AnyFeatureDef> = FEATURES,
): FeatureSet {
  const parsed = FeatureSetSchema.safeParse(spec);
  if (!parsed.success) {
    throw new CandlelabError(
      `Cannot resolve feature set: the spec is invalid (${
        parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")
      })`,
    );
  }
  const s = parsed.data;
  const entries: FeatureSetEntry[] = [];
  const seen = new Map<string, string>();
  const normalized: FeatureSetSpec["features"] = [];
  s.features.forEach((e, i) => {
    const where = `feature set "${s.name}", entry ${i} (feature "${e.feature}")`;
    let def: AnyFeatureDef;
    try {
      def = getFeature(e.feature, registry);
    } catch (err) {
      throw new CandlelabError(`Cannot resolve ${where}: ${(err as Error).message}`);
    }
    let params: Record<string, unknown>;
    try {
      params = parseFeatureParams(def, e.params);
    } catch (err) {
      throw new CandlelabError(`Cannot resolve ${where}: ${(err as Error).message}`);
    }
    const sourceColumns = def.columns(params);
    for (const from of Object.keys(e.rename)) {
      if (!sourceColumns.includes(from)) {
        throw new CandlelabError(
          `Cannot resolve ${where}: rename key "${from}" is not one of its columns (${
            sourceColumns.join(", ")
          }); fix the rename`,
        );
      }
    }
    const columns = sourceColumns.map((c) => e.rename[c] ?? c);
    for (const c of columns) {
      if (seen.has(c) || _BASE_COLUMNS.has(c)) {
        throw new CandlelabError(
          `Cannot resolve ${where}: output column "${c}" is already produced by ${
            seen.get(c) ?? "the input table"
          }; ` +
            `remove the duplicate entry or rename the column`,
        );
      }
      seen.set(c, `entry ${i} (${e.feature})`);
    }
    entries.push({ def, params, sourceColumns, columns });
    normalized.push({ feature: e.feature, params, rename: e.rename });
  });
  return {
    name: s.name,
    spec: { ...s, features: normalized },
    entries,
    columns: entries.flatMap((e) => e.columns),
  };
}

/**
 * Lookback of the whole set: the largest of its entries' lookbacks.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { featureSetLookback, resolveFeatureSet } from "./set.ts";
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "volatility", params: { window: 60 } }] });
 * assert(featureSetLookback(set) === 60);
 * ```
 */
export function featureSetLookback(set: FeatureSet, timing: Partial<FeatureTiming> = {}): number {
  const t = { intervalMs: 3_600_000, fundingIntervalMs: 8 * 3_600_000, ...timing };
  return Math.max(0, ...set.entries.map((e) => e.def.lookback(e.params, t)));
}

/**
 * Bar and funding cadence of a timestamp column: the smallest positive step, funding 8 h unless given.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { inferTiming } from "./set.ts";
 * assert(inferTiming(new Float64Array([0, 60000, 180000])).intervalMs === 60000);
 * ```
 */
export function inferTiming(timestamp: Float64Array, given: Partial<FeatureTiming> = {}): FeatureTiming {
  let step = Infinity;
  if (given.intervalMs === undefined) {
    for (let i = 1; i < timestamp.length; i++) {
      const d = timestamp[i] - timestamp[i - 1];
      if (d > 0 && d < step) step = d;
    }
  }
  const intervalMs = given.intervalMs ?? (Number.isFinite(step) ? step : 3_600_000);
  return { intervalMs, fundingIntervalMs: given.fundingIntervalMs ?? 8 * 3_600_000 };
}

function _checkInput(name: string, x: Float64Array): void {
  const positive = name === "open" || name === "high" || name === "low" || name === "close" ||
    name === "mark_close" || name === "spot_close";
  const nanAllowed = !(_BASE_COLUMNS.has(name));
  // fast scan for the common all-valid case; the message is built only for the first bad row
  const bad = positive || name === "volume"
    ? _firstOutOfRange(x, positive, nanAllowed)
    : name === "timestamp"
    ? _firstNonFiniteOrUnordered(x)
    : _firstNonFinite(x, nanAllowed);
  if (bad >= 0) {
    const v = x[bad];
    const isPrice = name === "open" || name === "high" || name === "low" || name === "close";
    throw new CandlelabError(
      `Cannot compute features: input column "${name}" has the invalid value ${v} at row ${bad}` +
        ` (${
          isPrice
            ? "prices must be finite and > 0"
            : nanAllowed
            ? "only NaN marks a missing value"
            : "values must be finite"
        }); ` +
        `clean the data (see lib/data quality checks) before computing features`,
    );
  }
  if (bad < -1) {
    const i = -1 - bad;
    throw new CandlelabError(
      `Cannot compute features: timestamps must be strictly increasing, but row ${i} has ${x[i]} after ${
        x[i - 1]
      }; ` +
        `sort and deduplicate the bars first`,
    );
  }
}

/** First row that is Infinity, NaN (unless `nanAllowed`), <= 0 (`positive`) or < 0 (otherwise), or -1. */
function _firstOutOfRange(x: Float64Array, positive: boolean, nanAllowed: boolean): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === Infinity || v < 0 || (positive && v === 0)) return i;
    if (v !== v && !nanAllowed) return i;
  }
  return -1;
}

/**
 * One pass over a timestamp column: the first row that is not finite; else -1 - the first row that is not
 * after the previous one; else -1.
 */
function _firstNonFiniteOrUnordered(x: Float64Array): number {
  let unordered = -1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0) return i;
    if (unordered < 0 && i > 0 && !(v > x[i - 1])) unordered = i;
  }
  return unordered < 0 ? -1 : -1 - unordered;
}

/** First row that is +-Infinity, or NaN unless `nanAllowed`, or -1. */
function _firstNonFinite(x: Float64Array, nanAllowed: boolean): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0 && !(nanAllowed && v !== v)) return i;
  }
  return -1;
}

/**
 * Computes every feature of `set` over `table`; returns the new columns by output name, in order.
 * Throws on: a perpetual-only feature on spot data, a missing input column, non-finite inputs, or a
 * table not longer than the set's lookback (no row could be warmed up).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { computeFeatureColumns, resolveFeatureSet } from "./set.ts";
 * const t = aq.table({ timestamp: new Float64Array([0, 1, 2]), close: new Float64Array([1, 2, 4]) });
 * const set = resolveFeatureSet({ name: "s", features: [{ feature: "log_return" }] });
 * assert(computeFeatureColumns(t, set).ret_1[2] === Math.log(2));
 * ```
 */
export function computeFeatureColumns(
  table: ColumnTable,
  set: FeatureSet,
  options: ComputeOptions = {},
): Record<string, Float64Array> {
  const names = table.columnNames();
  const market = options.market ?? (names.includes("funding_rate") ? "perpetual" : "spot");
  const rows = table.numRows();
  const inputs = new Map<string, Float64Array>();
  const col = (name: string): Float64Array => {
    let x = inputs.get(name);
    if (!x) {
      x = float64Column(table, name);
      _checkInput(name, x);
      inputs.set(name, x);
    }
    return x;
  };
  const timing = inferTiming(
    names.includes("timestamp") ? col("timestamp") : new Float64Array(0),
    options.timing,
  );
  const memo = new Map<string, Float64Array>();
  const ctx: FeatureContext = {
    rows,
    timing,
    col,
    alloc: (n = rows) => (options.alloc ? options.alloc(n) : new Float64Array(n)),
    memo(key, make) {
      let v = memo.get(key);
      if (!v) {
        v = make();
        memo.set(key, v);
      }
      return v;
    },
  };
  const out: Record<string, Float64Array> = {};
  for (const e of set.entries) {
    const label = `${e.def.name}(${JSON.stringify(e.params)})`;
    if (e.def.requires !== "any" && market !== "perpetual") {
      throw new CandlelabError(
        `Cannot compute feature ${label}: it needs a perpetual dataset but the table is ${market} ` +
          `(no funding_rate column); load a perpetual dataset or remove the feature from set "${set.name}"`,
      );
    }
    for (const input of e.def.inputs) {
      if (!names.includes(input)) {
        const hint = input === "spot_close"
          ? "load the perpetual together with its spot market (column spot_close)"
          : "load a dataset that has it";
        throw new CandlelabError(
          `Cannot compute feature ${label}: input column "${input}" is missing (columns: ${
            names.join(", ")
          }); ${hint}`,
        );
      }
    }
    const lookback = e.def.lookback(e.params, timing);
    if (rows <= lookback) {
      throw new CandlelabError(
        `Cannot compute feature ${label}: its window/warm-up is ${lookback} bars but the table has only ${rows} rows; ` +
          `load more history or use a shorter window`,
      );
    }
    const cols = e.def.compute(ctx, e.params);
    e.columns.forEach((name, k) => {
      // copy when a kernel returned a shared/input array, so output columns never alias each other; an
      // input's NaNs may have any bits, and a kernel that does not vouch for its NaNs gets the pass
      const c = cols[k];
      const isInput = [...inputs.values()].includes(c);
      const copy = isInput || Object.values(out).includes(c) ? c.slice() : c;
      out[name] = isInput || !e.def.canonicalNaN ? _canonicalNaN(copy) : copy;
    });
  }
  return out;
}

/**
 * Rewrites every NaN in `x` as the one canonical NaN (bits 0x7ff8000000000000), in place. A kernel's 0/0
 * is the x86 "indefinite" NaN (sign bit set) when run by the interpreter, but the optimizing compiler may
 * fold the same expression to the canonical NaN; without this, two computations of one feature could
 * differ in their bytes (cache files, Parquet exports, their hashes) depending on JIT timing.
 */
function _canonicalNaN(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) x[i] = NaN;
  return x;
}

/**
 * Adds every feature of `set` to `table` (a new table; the input is not changed).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { computeFeatureSet, resolveFeatureSet } from "./set.ts";
 * const t = aq.table({ timestamp: new Float64Array([0, 1, 2]), close: new Float64Array([1, 2, 4]) });
 * const out = computeFeatureSet(t, resolveFeatureSet({ name: "s", features: [{ feature: "log_return" }] }));
 * assert(out.columnNames().join() === "timestamp,close,ret_1");
 * ```
 */
export function computeFeatureSet(
  table: ColumnTable,
  set: FeatureSet,
  options: ComputeOptions = {},
): ColumnTable {
  return table.assign(computeFeatureColumns(table, set, options));
}

/**
 * One feature as the pure function `(table, params) => table` that only adds its columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { applyFeature } from "./set.ts";
 * const t = aq.table({ timestamp: new Float64Array([0, 1, 2]), close: new Float64Array([1, 2, 4]) });
 * assert(applyFeature(t, "log_return", { lag: 2 }).get("ret_2", 2) === Math.log(4));
 * ```
 */
export function applyFeature(
  table: ColumnTable,
  feature: string,
  params: Record<string, unknown> = {},
  options: ComputeOptions & { registry?: ReadonlyMap<string, AnyFeatureDef> } = {},
): ColumnTable {
  const set = resolveFeatureSet({ name: "single", features: [{ feature, params }] }, options.registry);
  return computeFeatureSet(table, set, options);
}
