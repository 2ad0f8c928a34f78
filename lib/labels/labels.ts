/**
 * Labels: the only code that looks forward. Each spec declares its horizon h; a row whose label would
 * need bars past the end (t + h >= n), or whose volatility is not yet defined, is marked invalid and
 * dropped, never guessed. The horizon counts bars, not time: on data with gaps, fill or split first.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";
import { float64Column } from "../series/columns.ts";
import { logReturns, rollingStd } from "../series/kernels.ts";
import { LONG, NEUTRAL, SHORT } from "./classes.ts";
import { type LabelSpec, type LabelSpecInput, LabelSpecSchema } from "./config.ts";

/** Class index used in `y` for rows without a label. */
export const NO_LABEL = -1;

/** Labels of every row plus which rows are valid. */
export interface Labels {
  spec: LabelSpec;
  /** Bars looked forward. */
  horizon: number;
  /** Class per row (0 short, 1 neutral, 2 long), NO_LABEL (-1) where invalid. */
  y: Int32Array;
  /** 1 where the label is defined. */
  valid: Uint8Array;
  validCount: number;
  /** Forward log return log(c_{t+h} / c_t) (NaN past the end). */
  fwd: Float64Array;
}

/**
 * Parses a spec (defaults filled in); errors name the bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseLabelSpec } from "./labels.ts";
 * assert(parseLabelSpec({ kind: "vol_scaled" }).horizon === 15);
 * ```
 */
export function parseLabelSpec(spec: LabelSpecInput | LabelSpec): LabelSpec {
  const r = LabelSpecSchema.safeParse(spec);
  if (r.success) return r.data;
  throw new CandlelabError(
    `Cannot build labels: invalid label spec ${JSON.stringify(spec)} (${
      r.error.issues.map((i) => `${i.path.join(".") || "(spec)"}: ${i.message}`).join("; ")
    }); kinds are fixed, vol_scaled, triple_barrier`,
  );
}

/** Options of {@link computeLabels}. */
export interface LabelOptions {
  /**
   * Allocator of the output columns (`fwd`, `y`, `valid`, and the volatility when computed here), e.g.
   * bench/alloc.ts's huge-page arena; default `new Float64Array(n)`. Must return
   * zero-filled arrays that share no bytes with each other.
   */
  alloc?: (n: number) => Float64Array;
  /**
   * The rolling sample std (ddof = 1) of one-bar log returns over `volWindow` bars, when the caller has it
   * already (the feature `vol_{volWindow}` over the same table is exactly that), so it is not computed
   * twice. Spot-checked against a direct computation at a few rows; a mismatch throws.
   */
  vol?: Float64Array;
  /**
   * `log(c_t / c_{t - horizon})` at every row (the feature `ret_{horizon}` over the same table), when the
   * caller has it: the forward return `fwd[t]` is exactly its row `t + horizon`, so it is copied instead of
   * computed again. Spot-checked at a few rows; a mismatch throws.
   */
  logReturn?: Float64Array;
}

function _vol(close: Float64Array, window: number, alloc: (n: number) => Float64Array): Float64Array {
  return rollingStd(logReturns(close, alloc(close.length)), window, 1, alloc(close.length));
}

/** An Int32Array of `n` entries carved from the allocator's Float64 memory. */
function _int32(alloc: (n: number) => Float64Array, n: number): Int32Array {
  const f = alloc((n + 1) >> 1);
  return new Int32Array(f.buffer, f.byteOffset, n);
}

/** A Uint8Array of `n` entries carved from the allocator's Float64 memory. */
function _uint8(alloc: (n: number) => Float64Array, n: number): Uint8Array {
  const f = alloc((n + 7) >> 3);
  return new Uint8Array(f.buffer, f.byteOffset, n);
}

/** Checks a caller's `vol` against a two-pass std of the log returns at a few rows (cheap: O(window)). */
function _checkVol(vol: Float64Array, close: Float64Array, w: number): void {
  const n = close.length;
  const where = (row: number, got: number, expected: number) =>
    new CandlelabError(
      `Cannot build labels: options.vol is not the rolling std of one-bar log returns over volWindow = ${w}` +
        ` (row ${row}: ${got}, expected ${expected}); pass the feature vol_${w} computed on the same table,` +
        ` or omit vol to compute it`,
    );
  if (vol.length !== n) {
    throw new CandlelabError(
      `Cannot build labels: options.vol has ${vol.length} rows but the table has ${n}; pass the feature ` +
        `vol_${w} computed on the same table, or omit vol to compute it`,
    );
  }
  if (w - 1 < n && w - 1 >= 0 && !Number.isNaN(vol[w - 1])) throw where(w - 1, vol[w - 1], NaN);
  for (const t of [w, w + ((n - w) >> 1), n - 1]) {
    if (t < w || t >= n) continue;
    let mean = 0;
    for (let j = t - w + 1; j <= t; j++) mean += Math.log(close[j] / close[j - 1]);
    mean /= w;
    let m2 = 0;
    for (let j = t - w + 1; j <= t; j++) {
      const d = Math.log(close[j] / close[j - 1]) - mean;
      m2 += d * d;
    }
    const expected = Math.sqrt(m2 / (w - 1));
    const got = vol[t];
    if (!(Math.abs(got - expected) <= 1e-7 * expected + 1e-300)) throw where(t, got, expected);
  }
}

/** Checks a caller's `logReturn` against log(c_t / c_{t-h}) at a few rows (bit for bit). */
function _checkLogReturn(ret: Float64Array, close: Float64Array, h: number): void {
  const n = close.length;
  const fail = (what: string) =>
    new CandlelabError(
      `Cannot build labels: options.logReturn ${what}; pass the feature ret_${h} computed on the same ` +
        `table, or omit logReturn to compute the forward returns`,
    );
  if (ret.length !== n) throw fail(`has ${ret.length} rows but the table has ${n}`);
  for (const t of [h, h + ((n - h) >> 1), n - 1]) {
    if (t < h || t >= n) continue;
    const expected = Math.log(close[t] / close[t - h]);
    if (!Object.is(ret[t], expected)) {
      throw fail(`is not log(c_t / c_{t-${h}}) (row ${t}: ${ret[t]}, expected ${expected})`);
    }
  }
}

/**
 * Computes the 3-class labels of `table` (needs `close`; triple barrier also `high`, `low`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { computeLabels } from "./labels.ts";
 * const t = aq.table({ close: new Float64Array([100, 101, 99, 99]) });
 * const l = computeLabels(t, { kind: "fixed", horizon: 1, threshold: 0.001 });
 * assert(l.y.join() === "2,0,1,-1" && l.validCount === 3);
 * ```
 */
export function computeLabels(
  table: ColumnTable,
  specInput: LabelSpecInput | LabelSpec,
  options: LabelOptions = {},
): Labels {
  const spec = parseLabelSpec(specInput);
  const alloc = options.alloc ?? ((n: number) => new Float64Array(n));
  const c = float64Column(table, "close");
  const n = c.length;
  const h = spec.horizon;
  for (let i = 0; i < n; i++) {
    if (!(c[i] > 0) || c[i] === Infinity) {
      throw new CandlelabError(
        `Cannot build labels: close must be finite and > 0, but row ${i} has ${c[i]}; clean the data first`,
      );
    }
  }
  if (spec.kind !== "fixed" && options.vol) _checkVol(options.vol, c, spec.volWindow);
  if (options.logReturn) _checkLogReturn(options.logReturn, c, h);
  // y and fwd are written at every row below, valid only where it is 1 (allocated arrays start at 0)
  const y = _int32(alloc, n);
  const valid = _uint8(alloc, n);
  const fwd = alloc(n);
  const last = Math.max(0, n - h); // rows [last, n) have no bar t + h
  if (options.logReturn) fwd.set(options.logReturn.subarray(h, h + last));
  else for (let t = 0; t < last; t++) fwd[t] = Math.log(c[t + h] / c[t]);
  for (let t = last; t < n; t++) {
    fwd[t] = NaN;
    y[t] = NO_LABEL;
  }
  let validCount = 0;
  if (spec.kind === "fixed") {
    const thr = spec.threshold;
    for (let t = 0; t < last; t++) {
      const f = fwd[t];
      y[t] = f > thr ? LONG : f < -thr ? SHORT : NEUTRAL;
      valid[t] = 1;
    }
    validCount = last;
  } else if (spec.kind === "vol_scaled") {
    const vol = options.vol ?? _vol(c, spec.volWindow, alloc);
    const sq = Math.sqrt(h);
    const k = spec.k;
    for (let t = 0; t < last; t++) {
      const f = fwd[t];
      const thr = k * vol[t] * sq;
      if (thr !== thr) {
        y[t] = NO_LABEL;
        continue;
      }
      y[t] = f > thr ? LONG : f < -thr ? SHORT : NEUTRAL;
      valid[t] = 1;
      validCount++;
    }
  } else {
    const hi = float64Column(table, "high");
    const lo = float64Column(table, "low");
    const vol = options.vol ?? _vol(c, spec.volWindow, alloc);
    const sq = Math.sqrt(h);
    for (let t = 0; t < last; t++) {
      const f = fwd[t];
      const s = vol[t] * sq;
      if (s !== s) {
        y[t] = NO_LABEL;
        continue;
      }
      const up = c[t] * Math.exp(spec.profitTake * s);
      const dn = c[t] * Math.exp(-spec.stopLoss * s);
      let cls = -2;
      for (let j = 1; j <= h; j++) {
        const hitUp = hi[t + j] >= up;
        const hitDn = lo[t + j] <= dn;
        if (hitUp && hitDn) cls = NEUTRAL;
        else if (hitUp) cls = LONG;
        else if (hitDn) cls = SHORT;
        if (cls !== -2) break;
      }
      if (cls === -2) {
        cls = spec.onTimeout === "neutral" ? NEUTRAL : f > 0 ? LONG : f < 0 ? SHORT : NEUTRAL;
      }
      y[t] = cls;
      valid[t] = 1;
      validCount++;
    }
  }
  return { spec, horizon: h, y, valid, validCount, fwd };
}

/**
 * Labels as a Float64Array column (class index, NaN where invalid), e.g. to add to a table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import * as aq from "arquero";
 * import { computeLabels, labelColumn } from "./labels.ts";
 * const l = computeLabels(aq.table({ close: new Float64Array([1, 2]) }), { kind: "fixed", horizon: 1 });
 * const col = labelColumn(l);
 * assert(col[0] === 2 && Number.isNaN(col[1]));
 * ```
 */
export function labelColumn(labels: Labels): Float64Array {
  const out = new Float64Array(labels.y.length);
  for (let i = 0; i < out.length; i++) out[i] = labels.valid[i] ? labels.y[i] : NaN;
  return out;
}
