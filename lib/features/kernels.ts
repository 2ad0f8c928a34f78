/**
 * O(n) numeric kernels over Float64Arrays: the compute-heavy part of every feature.
 *
 * Conventions (shared by every kernel, and matched to pandas where the peer relies on it):
 * - NaN marks "not defined yet". Kernels are causal: output `i` reads inputs `<= i` only.
 * - Rolling windows of length `w` give NaN until `w` consecutive finite inputs were seen; a NaN input
 *   restarts the window (so leading NaNs, e.g. of a diff, simply delay the first value).
 * - Recursive smoothers (`ewm`) seed with the first finite input (pandas `adjust=False`).
 *
 * @module
 */

/** Weight of pre-window history below which a recursive indicator counts as warmed up. */
export const WARMUP_TOLERANCE = 1e-6;

/**
 * Bars after which a recursive smoother with factor `alpha` has forgotten its seed: the weight of
 * everything older is below `WARMUP_TOLERANCE`, i.e. `ceil(ln(tol) / ln(1 - alpha))`.
 *
 * @example
 * ```ts
 * import { recursiveLookback } from "./kernels.ts";
 * console.assert(recursiveLookback(2 / 201) === 1382);
 * ```
 */
export function recursiveLookback(alpha: number, tolerance = WARMUP_TOLERANCE): number {
  if (alpha >= 1) return 0;
  return Math.ceil(Math.log(tolerance) / Math.log(1 - alpha));
}

/**
 * Exponentially weighted mean with `adjust=False`: `y_0 = x_0`, `y_t = (1-a) y_{t-1} + a x_t`
 * (computed as pandas does, divided by `(1-a) + a`). A NaN input gives NaN and restarts the seed.
 *
 * @example
 * ```ts
 * import { ewm } from "./kernels.ts";
 * const y = ewm(new Float64Array([1, 2, 3]), 0.5);
 * console.assert(y[0] === 1 && y[1] === 1.5 && y[2] === 2.25);
 * ```
 */
export function ewm(
  x: Float64Array,
  alpha: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const old = 1 - alpha;
  const norm = old + alpha;
  let y = NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      y = NaN;
    } else if (y !== y) {
      y = v;
    } else if (y !== v) {
      y = (old * y + alpha * v) / norm;
    }
    out[i] = y;
  }
  return out;
}

/**
 * Lagged difference `x_t - x_{t-lag}` (NaN for the first `lag` rows).
 *
 * @example
 * ```ts
 * import { diff } from "./kernels.ts";
 * const d = diff(new Float64Array([1, 4, 9]), 1);
 * console.assert(Number.isNaN(d[0]) && d[1] === 3 && d[2] === 5);
 * ```
 */
export function diff(x: Float64Array, lag = 1, out: Float64Array = new Float64Array(x.length)): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = i >= lag ? x[i] - x[i - lag] : NaN;
  return out;
}

/**
 * One-bar log returns `log(x_t / x_{t-1})` (NaN at row 0).
 *
 * @example
 * ```ts
 * import { logReturns } from "./kernels.ts";
 * const r = logReturns(new Float64Array([1, Math.E]));
 * console.assert(Number.isNaN(r[0]) && r[1] === 1);
 * ```
 */
export function logReturns(x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  if (x.length) out[0] = NaN;
  for (let i = 1; i < x.length; i++) out[i] = Math.log(x[i] / x[i - 1]);
  return out;
}

/**
 * Rolling mean over `w` rows (Kahan-compensated sliding sum, re-summed every `w` rows to bound drift).
 *
 * @example
 * ```ts
 * import { rollingMean } from "./kernels.ts";
 * const m = rollingMean(new Float64Array([1, 2, 3, 4]), 2);
 * console.assert(Number.isNaN(m[0]) && m[1] === 1.5 && m[3] === 3.5);
 * ```
 */
export function rollingMean(
  x: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  let run = 0;
  let untilReset = w;
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      untilReset = w;
      sum = 0;
      comp = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    if (run > w && --untilReset === 0) {
      untilReset = w;
      // fresh sum over the window (i-w, i]
      sum = 0;
      comp = 0;
      for (let j = i - w + 1; j <= i; j++) sum += x[j];
    } else {
      let y = v - comp;
      let t = sum + y;
      comp = (t - sum) - y;
      sum = t;
      if (run > w) {
        y = -x[i - w] - comp;
        t = sum + y;
        comp = (t - sum) - y;
        sum = t;
      }
    }
    out[i] = run >= w ? sum / w : NaN;
  }
  return out;
}

/**
 * Rolling sample standard deviation (`ddof` = 1 by default) over `w` rows: Welford updates when a
 * row enters and leaves, with a fresh two-pass recomputation every `w` rows to bound rounding drift.
 *
 * @example
 * ```ts
 * import { rollingStd } from "./kernels.ts";
 * const s = rollingStd(new Float64Array([1, 2, 3, 5]), 3);
 * console.assert(Number.isNaN(s[1]) && s[2] === 1);
 * ```
 */
export function rollingStd(
  x: Float64Array,
  w: number,
  ddof = 1,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  let run = 0;
  let untilReset = w;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      untilReset = w;
      mean = 0;
      m2 = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    if (run > w && --untilReset === 0) {
      untilReset = w;
      let s = 0;
      for (let j = i - w + 1; j <= i; j++) s += x[j];
      mean = s / w;
      m2 = 0;
      for (let j = i - w + 1; j <= i; j++) {
        const d = x[j] - mean;
        m2 += d * d;
      }
    } else {
      const nIn = run > w ? w : run;
      if (run > w) {
        // replace x_old by v in a window of constant size w
        const old = x[i - w];
        const prevMean = mean;
        mean = prevMean + (v - old) / w;
        m2 += (v - old) * (v - mean + old - prevMean);
      } else {
        const d = v - mean;
        mean += d / nIn;
        m2 += d * (v - mean);
      }
    }
    if (run >= w && w > ddof) {
      const varr = m2 / (w - ddof);
      out[i] = varr > 0 ? Math.sqrt(varr) : 0;
    } else {
      out[i] = NaN;
    }
  }
  return out;
}

function _rollingExtreme(x: Float64Array, w: number, isMax: boolean, out: Float64Array): Float64Array {
  const n = x.length;
  // monotonic deque of indices in a ring buffer of w + 1 slots (at most w live entries)
  const cap = w + 1;
  const dq = new Int32Array(cap);
  let head = 0;
  let size = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      size = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    while (size > 0) {
      const last = x[dq[(head + size - 1) % cap]];
      if (isMax ? last <= v : last >= v) size--;
      else break;
    }
    dq[(head + size) % cap] = i;
    size++;
    if (dq[head] <= i - w) {
      head = (head + 1) % cap;
      size--;
    }
    out[i] = run >= w ? x[dq[head]] : NaN;
  }
  return out;
}

/**
 * Rolling maximum over `w` rows (monotonic deque, O(n)).
 *
 * @example
 * ```ts
 * import { rollingMax } from "./kernels.ts";
 * const m = rollingMax(new Float64Array([3, 1, 2, 0]), 2);
 * console.assert(Number.isNaN(m[0]) && m[1] === 3 && m[2] === 2 && m[3] === 2);
 * ```
 */
export function rollingMax(
  x: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  return _rollingExtreme(x, w, true, out);
}

/**
 * Rolling minimum over `w` rows (monotonic deque, O(n)).
 *
 * @example
 * ```ts
 * import { rollingMin } from "./kernels.ts";
 * const m = rollingMin(new Float64Array([3, 1, 2, 0]), 2);
 * console.assert(m[1] === 1 && m[2] === 1 && m[3] === 0);
 * ```
 */
export function rollingMin(
  x: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  return _rollingExtreme(x, w, false, out);
}
