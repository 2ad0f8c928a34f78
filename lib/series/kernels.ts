/**
 * O(n) numeric kernels over Float64Arrays: the compute-heavy part of every feature.
 *
 * Conventions (shared by every kernel, and matched to pandas where the peer relies on it):
 * - NaN marks "not defined yet". Kernels are causal: output `i` reads inputs `<= i` only.
 * - Rolling windows of length `w` give NaN until `w` consecutive finite inputs were seen; a NaN input
 *   restarts the window (so leading NaNs, e.g. of a diff, simply delay the first value).
 * - Recursive smoothers (`ewm`) seed with the first finite input (pandas `adjust=False`). pandas divides
 *   each step by `(1 - a) + a`, which is exactly 1.0 in IEEE doubles for every `a` in (0, 1] (`1 - a` is
 *   within 2^-54 of the true value, so the sum rounds back to 1), and `x / 1 === x`; the kernels skip that
 *   division, which would otherwise sit on the loop-carried dependency chain (same bits, ~3x faster).
 *
 * How the loops are written (V8, measured with `--trace-gc`): a float local that keeps its old value on
 * one path (`if (y !== v) y = next`, or `out[i] = c ? x : NaN` and friends) or that stays live around an
 * inner loop (the periodic re-sums of the rolling kernels) can be boxed into a heap number on every row
 * even in optimized code: ~16 bytes of garbage a row, scavenges every few ms, and 1.5-3x slower loops.
 * So: select between two fresh values (`y = y === v ? v : next`), store NaN in its own branch
 * (`if (r === r) out[i] = r; else out[i] = NaN;`), and keep the state of the rolling kernels in a small
 * Float64Array ("State in a Float64Array"). Same arithmetic, same bits.
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
 * import assert from "node:assert";
 * import { recursiveLookback } from "./kernels.ts";
 * assert(recursiveLookback(2 / 201) === 1382);
 * ```
 */
export function recursiveLookback(alpha: number, tolerance = WARMUP_TOLERANCE): number {
  if (alpha >= 1) return 0;
  return Math.ceil(Math.log(tolerance) / Math.log(1 - alpha));
}

/**
 * Exponentially weighted mean with `adjust=False`: `y_0 = x_0`, `y_t = (1-a) y_{t-1} + a x_t`
 * (as pandas computes it; its division by `(1-a) + a` = 1.0 is exact and skipped). A NaN input gives NaN
 * and restarts the seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ewm } from "./kernels.ts";
 * const y = ewm(new Float64Array([1, 2, 3]), 0.5);
 * assert(y[0] === 1 && y[1] === 1.5 && y[2] === 2.25);
 * ```
 */
export function ewm(
  x: Float64Array,
  alpha: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const old = 1 - alpha;
  let y = NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      y = NaN;
    } else if (y !== y) {
      y = v;
    } else if (y !== v) {
      y = old * y + alpha * v;
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
 * import assert from "node:assert";
 * import { diff } from "./kernels.ts";
 * const d = diff(new Float64Array([1, 4, 9]), 1);
 * assert(Number.isNaN(d[0]) && d[1] === 3 && d[2] === 5);
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
 * import assert from "node:assert";
 * import { logReturns } from "./kernels.ts";
 * const r = logReturns(new Float64Array([1, Math.E]));
 * assert(Number.isNaN(r[0]) && r[1] === 1);
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
 * import assert from "node:assert";
 * import { rollingMean } from "./kernels.ts";
 * const m = rollingMean(new Float64Array([1, 2, 3, 4]), 2);
 * assert(Number.isNaN(m[0]) && m[1] === 1.5 && m[3] === 3.5);
 * ```
 */
export function rollingMean(
  x: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  let run = 0;
  let untilReset = w;
  const st = new Float64Array(2); // [sum, comp]: see "State in a Float64Array" above
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      untilReset = w;
      st[0] = 0;
      st[1] = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    if (run > w && --untilReset === 0) {
      untilReset = w;
      // fresh sum over the window (i-w, i]
      let sum = 0;
      for (let j = i - w + 1; j <= i; j++) sum += x[j];
      st[0] = sum;
      st[1] = 0;
    } else {
      let sum = st[0];
      let comp = st[1];
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
      st[0] = sum;
      st[1] = comp;
    }
    if (run >= w) out[i] = st[0] / w;
    else out[i] = NaN;
  }
  return out;
}

/**
 * Rolling sample standard deviation (`ddof` = 1 by default) over `w` rows: Welford updates when a
 * row enters and leaves, with a fresh two-pass recomputation every `w` rows to bound rounding drift.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rollingStd } from "./kernels.ts";
 * const s = rollingStd(new Float64Array([1, 2, 3, 5]), 3);
 * assert(Number.isNaN(s[1]) && s[2] === 1);
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
  const st = new Float64Array(2); // [mean, m2]: see "State in a Float64Array" above
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      untilReset = w;
      st[0] = 0;
      st[1] = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    if (run > w && --untilReset === 0) {
      untilReset = w;
      let s = 0;
      for (let j = i - w + 1; j <= i; j++) s += x[j];
      const mean = s / w;
      let m2 = 0;
      for (let j = i - w + 1; j <= i; j++) {
        const d = x[j] - mean;
        m2 += d * d;
      }
      st[0] = mean;
      st[1] = m2;
    } else if (run > w) {
      // replace x_old by v in a window of constant size w
      const old = x[i - w];
      const prevMean = st[0];
      const mean = prevMean + (v - old) / w;
      st[0] = mean;
      st[1] += (v - old) * (v - mean + old - prevMean);
    } else {
      const prevMean = st[0];
      const d = v - prevMean;
      const mean = prevMean + d / run;
      st[0] = mean;
      st[1] += d * (v - mean);
    }
    if (run >= w && w > ddof) {
      const varr = st[1] / (w - ddof);
      if (varr > 0) out[i] = Math.sqrt(varr);
      else out[i] = 0;
    } else {
      out[i] = NaN;
    }
  }
  return out;
}

/**
 * Rolling sample mean and standard deviation over `w` rows in one pass, into `mean` and `std`: the same
 * values, bit for bit, as {@link rollingMean} and {@link rollingStd} (same update order, same re-sums every
 * `w` rows), at the cost of one pass over `x` instead of two.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rollingMeanStd } from "./kernels.ts";
 * const x = new Float64Array([1, 2, 3, 5]);
 * const mean = new Float64Array(4);
 * const std = new Float64Array(4);
 * rollingMeanStd(x, 3, 1, mean, std);
 * assert(Number.isNaN(mean[1]) && mean[2] === 2 && std[2] === 1);
 * ```
 */
export function rollingMeanStd(
  x: Float64Array,
  w: number,
  ddof: number,
  mean: Float64Array,
  std: Float64Array,
): void {
  _rollingMoments(x, w, ddof, mean, std, false);
}

/**
 * Rolling z-score `(x - rollingMean) / rollingStd` over `w` rows in one pass, without the mean and std
 * columns: bit for bit what the two kernels and a division give, except that every NaN (a window of
 * equal values gives 0 / 0) is stored as the canonical NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rollingZScore } from "./kernels.ts";
 * const z = rollingZScore(new Float64Array([1, 2, 3, 5]), 3, 1);
 * assert(Number.isNaN(z[1]) && z[2] === 1 && z[3] === (5 - 10 / 3) / Math.sqrt(7 / 3));
 * ```
 */
export function rollingZScore(
  x: Float64Array,
  w: number,
  ddof = 1,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  _rollingMoments(x, w, ddof, out, out, true);
  return out;
}

// rollingMean's Kahan-compensated sliding sum and rollingStd's Welford state side by side; writes mean to
// `a` and std to `b`, or (zscore) the z-score to `a`.
function _rollingMoments(
  x: Float64Array,
  w: number,
  ddof: number,
  a: Float64Array,
  b: Float64Array,
  zscore: boolean,
): void {
  const defined = w > ddof;
  let run = 0;
  let untilReset = w;
  // [sum, comp, mean, m2]: rollingMean's Kahan sum and rollingStd's Welford state (see "State in a
  // Float64Array" above)
  const st = new Float64Array(4);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      untilReset = w;
      st.fill(0);
      a[i] = NaN;
      if (!zscore) b[i] = NaN;
      continue;
    }
    run++;
    if (run > w && --untilReset === 0) {
      untilReset = w;
      let s = 0;
      for (let j = i - w + 1; j <= i; j++) s += x[j];
      const mu = s / w;
      let m2 = 0;
      for (let j = i - w + 1; j <= i; j++) {
        const d = x[j] - mu;
        m2 += d * d;
      }
      st[0] = s;
      st[1] = 0;
      st[2] = mu;
      st[3] = m2;
    } else {
      let sum = st[0];
      let comp = st[1];
      let y = v - comp;
      let t = sum + y;
      comp = (t - sum) - y;
      sum = t;
      const prev = st[2];
      if (run > w) {
        const old = x[i - w];
        y = -old - comp;
        t = sum + y;
        comp = (t - sum) - y;
        sum = t;
        const mu = prev + (v - old) / w;
        st[2] = mu;
        st[3] += (v - old) * (v - mu + old - prev);
      } else {
        const d = v - prev;
        const mu = prev + d / run;
        st[2] = mu;
        st[3] += d * (v - mu);
      }
      st[0] = sum;
      st[1] = comp;
    }
    if (run < w) {
      a[i] = NaN;
      if (!zscore) b[i] = NaN;
      continue;
    }
    const m = st[0] / w;
    let sd = NaN;
    if (defined) {
      const varr = st[3] / (w - ddof);
      sd = varr > 0 ? Math.sqrt(varr) : 0;
    }
    if (zscore) {
      const z = (v - m) / sd;
      if (z === z) a[i] = z;
      else a[i] = NaN;
    } else {
      a[i] = m;
      b[i] = sd;
    }
  }
}

// Monotonic deque of indices in a power-of-two ring (at most w + 1 live entries). Max and min are two
// copies of one loop (only the comparison differs) so each stays a tight loop without a mode branch.
function _ring(w: number): Int32Array {
  let cap = 1;
  while (cap < w + 1) cap <<= 1;
  return new Int32Array(cap);
}

function _rollingMax(x: Float64Array, w: number, out: Float64Array): Float64Array {
  const dq = _ring(w);
  const mask = dq.length - 1;
  let head = 0;
  let tail = 0; // one past the newest entry; size = tail - head
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      head = tail = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    while (tail > head && x[dq[(tail - 1) & mask]] <= v) tail--;
    dq[tail & mask] = i;
    tail++;
    if (dq[head & mask] <= i - w) head++;
    out[i] = run >= w ? x[dq[head & mask]] : NaN;
  }
  return out;
}

function _rollingMin(x: Float64Array, w: number, out: Float64Array): Float64Array {
  const dq = _ring(w);
  const mask = dq.length - 1;
  let head = 0;
  let tail = 0;
  let run = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      run = 0;
      head = tail = 0;
      out[i] = NaN;
      continue;
    }
    run++;
    while (tail > head && x[dq[(tail - 1) & mask]] >= v) tail--;
    dq[tail & mask] = i;
    tail++;
    if (dq[head & mask] <= i - w) head++;
    out[i] = run >= w ? x[dq[head & mask]] : NaN;
  }
  return out;
}

/**
 * Rolling maximum over `w` rows (monotonic deque, O(n)).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rollingMax } from "./kernels.ts";
 * const m = rollingMax(new Float64Array([3, 1, 2, 0]), 2);
 * assert(Number.isNaN(m[0]) && m[1] === 3 && m[2] === 2 && m[3] === 2);
 * ```
 */
export function rollingMax(
  x: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  return _rollingMax(x, w, out);
}

/**
 * Rolling minimum over `w` rows (monotonic deque, O(n)).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rollingMin } from "./kernels.ts";
 * const m = rollingMin(new Float64Array([3, 1, 2, 0]), 2);
 * assert(m[1] === 1 && m[2] === 1 && m[3] === 0);
 * ```
 */
export function rollingMin(
  x: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  return _rollingMin(x, w, out);
}

/**
 * `c / rollingMax(hi, w) - 1` into `toMax` and `c / rollingMin(lo, w) - 1` into `toMin`: bit for bit the
 * composition of {@link rollingMax} / {@link rollingMin} and the division (ties and the sign of zero
 * included), with every NaN stored as the canonical NaN. Uses the van Herk / Gil-Werman scheme (prefix and
 * suffix extremes over blocks of `w` rows, at most 3 comparisons a row, no data-dependent loop), ~4x faster
 * than the deque on minute bars.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rollingExtremeDistances } from "./kernels.ts";
 * const c = new Float64Array([2, 2, 2]);
 * const toMax = new Float64Array(3);
 * const toMin = new Float64Array(3);
 * rollingExtremeDistances(c, new Float64Array([4, 2, 2]), new Float64Array([1, 1, 2]), 2, toMax, toMin);
 * assert(Number.isNaN(toMax[0]) && toMax[1] === -0.5 && toMax[2] === 0 && toMin[1] === 1);
 * ```
 */
export function rollingExtremeDistances(
  c: Float64Array,
  hi: Float64Array,
  lo: Float64Array,
  w: number,
  toMax: Float64Array,
  toMin: Float64Array,
): void {
  _distanceToMax(c, hi, w, toMax);
  _distanceToMin(c, lo, w, toMin);
}

// Per run of non-NaN rows [s, e) (a NaN restarts the window, as in the deque kernels), blocks of w rows
// from s: `pre` is the maximum of the block so far, `suf[j]` the maximum of the previous block from its
// row j to its end. On ties the newer row wins everywhere, as in the deque (only the sign of zero can
// tell).
function _distanceToMax(c: Float64Array, x: Float64Array, w: number, out: Float64Array): void {
  const n = x.length;
  const suf = new Float64Array(w);
  let s = 0;
  while (s < n) {
    if (x[s] !== x[s]) {
      out[s++] = NaN;
      continue;
    }
    let e = s + 1;
    while (e < n && x[e] === x[e]) e++;
    for (let b0 = s; b0 < e; b0 += w) {
      const b1 = Math.min(e, b0 + w);
      let pre = -Infinity;
      for (let i = b0; i < b1; i++) {
        const v = x[i];
        pre = v >= pre ? v : pre;
        const k = i - w + 1; // first row of the window
        if (k < s) {
          out[i] = NaN;
          continue;
        }
        const older = k === b0 ? pre : suf[k - b0 + w];
        const m = older > pre ? older : pre;
        const r = c[i] / m - 1;
        if (r === r) out[i] = r;
        else out[i] = NaN;
      }
      let m = -Infinity;
      for (let i = b1 - 1; i >= b0; i--) {
        const v = x[i];
        m = v > m ? v : m;
        suf[i - b0] = m;
      }
    }
    s = e;
  }
}

// _distanceToMax with the comparisons flipped.
function _distanceToMin(c: Float64Array, x: Float64Array, w: number, out: Float64Array): void {
  const n = x.length;
  const suf = new Float64Array(w);
  let s = 0;
  while (s < n) {
    if (x[s] !== x[s]) {
      out[s++] = NaN;
      continue;
    }
    let e = s + 1;
    while (e < n && x[e] === x[e]) e++;
    for (let b0 = s; b0 < e; b0 += w) {
      const b1 = Math.min(e, b0 + w);
      let pre = Infinity;
      for (let i = b0; i < b1; i++) {
        const v = x[i];
        pre = v <= pre ? v : pre;
        const k = i - w + 1;
        if (k < s) {
          out[i] = NaN;
          continue;
        }
        const older = k === b0 ? pre : suf[k - b0 + w];
        const m = older < pre ? older : pre;
        const r = c[i] / m - 1;
        if (r === r) out[i] = r;
        else out[i] = NaN;
      }
      let m = Infinity;
      for (let i = b1 - 1; i >= b0; i--) {
        const v = x[i];
        m = v < m ? v : m;
        suf[i - b0] = m;
      }
    }
    s = e;
  }
}
