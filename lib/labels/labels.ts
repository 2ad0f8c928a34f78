/**
 * Labels: the only code that looks forward. Each spec declares its horizon h; a row whose label would
 * need bars past the end (t + h >= n), or whose volatility is not yet defined, is marked invalid and
 * dropped, never guessed. The horizon counts bars, not time: on data with gaps, fill or split first.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";
import { float64Column } from "../features/columns.ts";
import { logReturns, rollingStd } from "../features/kernels.ts";
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
 * import { parseLabelSpec } from "./labels.ts";
 * console.assert(parseLabelSpec({ kind: "vol_scaled" }).horizon === 15);
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

function _vol(close: Float64Array, window: number): Float64Array {
  return rollingStd(logReturns(close), window);
}

/**
 * Computes the 3-class labels of `table` (needs `close`; triple barrier also `high`, `low`).
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { computeLabels } from "./labels.ts";
 * const t = aq.table({ close: new Float64Array([100, 101, 99, 99]) });
 * const l = computeLabels(t, { kind: "fixed", horizon: 1, threshold: 0.001 });
 * console.assert(l.y.join() === "2,0,1,-1" && l.validCount === 3);
 * ```
 */
export function computeLabels(table: ColumnTable, specInput: LabelSpecInput | LabelSpec): Labels {
  const spec = parseLabelSpec(specInput);
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
  const y = new Int32Array(n).fill(NO_LABEL);
  const valid = new Uint8Array(n);
  const fwd = new Float64Array(n).fill(NaN);
  for (let t = 0; t + h < n; t++) fwd[t] = Math.log(c[t + h] / c[t]);
  let validCount = 0;
  const set = (t: number, cls: number) => {
    y[t] = cls;
    valid[t] = 1;
    validCount++;
  };
  if (spec.kind === "fixed") {
    for (let t = 0; t + h < n; t++) {
      set(t, fwd[t] > spec.threshold ? LONG : fwd[t] < -spec.threshold ? SHORT : NEUTRAL);
    }
  } else if (spec.kind === "vol_scaled") {
    const vol = _vol(c, spec.volWindow);
    const sq = Math.sqrt(h);
    for (let t = 0; t + h < n; t++) {
      const thr = spec.k * vol[t] * sq;
      if (thr !== thr) continue;
      set(t, fwd[t] > thr ? LONG : fwd[t] < -thr ? SHORT : NEUTRAL);
    }
  } else {
    const hi = float64Column(table, "high");
    const lo = float64Column(table, "low");
    const vol = _vol(c, spec.volWindow);
    const sq = Math.sqrt(h);
    for (let t = 0; t + h < n; t++) {
      const s = vol[t] * sq;
      if (s !== s) continue;
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
        cls = spec.onTimeout === "neutral" ? NEUTRAL : fwd[t] > 0 ? LONG : fwd[t] < 0 ? SHORT : NEUTRAL;
      }
      set(t, cls);
    }
  }
  return { spec, horizon: h, y, valid, validCount, fwd };
}

/**
 * Labels as a Float64Array column (class index, NaN where invalid), e.g. to add to a table.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { computeLabels, labelColumn } from "./labels.ts";
 * const l = computeLabels(aq.table({ close: new Float64Array([1, 2]) }), { kind: "fixed", horizon: 1 });
 * const col = labelColumn(l);
 * console.assert(col[0] === 2 && Number.isNaN(col[1]));
 * ```
 */
export function labelColumn(labels: Labels): Float64Array {
  const out = new Float64Array(labels.y.length);
  for (let i = 0; i < out.length; i++) out[i] = labels.valid[i] ? labels.y[i] : NaN;
  return out;
}
