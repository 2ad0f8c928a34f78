/**
 * The probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 * López de Prado, Zhu, "The Probability of Backtest Overfitting", 2016). The trials x bars matrix of
 * out-of-sample returns is cut into S equal blocks; for each of the C(S, S/2) ways to pick half the blocks
 * as "in sample", the trial with the best in-sample Sharpe is found and its rank among all trials on the
 * other half is taken: PBO is the share of splits where that winner ranks at or below the median out of
 * sample (logit <= 0). With no skill anywhere it is near 0.5; a real edge that persists drives it to 0.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/** Result of {@link cscvPbo}. */
export interface PboResult {
  /** Share of splits whose in-sample winner ranks at or below the out-of-sample median. */
  pbo: number;
  /** Number of splits C(S, S/2). */
  splits: number;
  blocks: number;
  /** Bars used (the common bars, all of them: block b is bars [floor(bT/S), floor((b+1)T/S))). */
  bars: number;
  trials: number;
  /** Logit of the winner's relative out-of-sample rank, one per split. */
  logits: Float64Array;
  /** Per split: in-sample Sharpe of the winner, its out-of-sample Sharpe, the out-of-sample median. */
  isSharpe: Float64Array;
  oosSharpe: Float64Array;
  oosMedian: Float64Array;
  /** How often each trial was the in-sample winner. */
  winnerCounts: Int32Array;
  /** Median over splits of (winner's out-of-sample Sharpe - median out-of-sample Sharpe), per bar. */
  bestMinusMedian: number;
  /** Slope of the winner's out-of-sample on its in-sample Sharpe across splits (degradation; < 1 means decay). */
  degradationSlope: number;
}

/**
 * Computes PBO over `returns` (one Float64Array of per-bar returns per trial, all the same length).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cscvPbo } from "./pbo.ts";
 * import { mulberry32 } from "../util/random.ts";
 * const rand = mulberry32(3);
 * const noise = () => Float64Array.from({ length: 800 }, () => rand() - 0.5);
 * const edge = Float64Array.from({ length: 800 }, () => rand() - 0.3);
 * const r = cscvPbo([noise(), noise(), edge, noise()], { blocks: 8 });
 * assert.equal(r.splits, 70);
 * assert(r.pbo < 0.05);
 * ```
 */
export function cscvPbo(returns: readonly Float64Array[], options: { blocks?: number } = {}): PboResult {
  const S = options.blocks ?? 16;
  const N = returns.length;
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0 || S > 24) {
    throw new CandlelabError(
      `Cannot compute PBO: blocks must be an even integer in 2..24, current value is ${S}`,
    );
  }
  if (N < 2) {
    throw new CandlelabError(
      `Cannot compute PBO: it needs at least 2 trials, current count is ${N}; a sweep of one setting cannot overfit by selection`,
    );
  }
  const T = returns[0].length;
  for (const [i, r] of returns.entries()) {
    if (r.length !== T) {
      throw new CandlelabError(
        `Cannot compute PBO: every trial needs the same bars; trial ${i} has ${r.length}, trial 0 has ${T}; align them on common timestamps first`,
      );
    }
  }
  if (T < 2 * S) {
    throw new CandlelabError(
      `Cannot compute PBO: ${T} bars are too few for ${S} blocks (at least 2 bars a block); use fewer blocks or a longer backtest`,
    );
  }
  // per trial, per block: sum, sum of squares, count
  const sum = new Float64Array(N * S), sq = new Float64Array(N * S);
  const cnt = new Float64Array(S);
  for (let b = 0; b < S; b++) {
    const lo = Math.floor((b * T) / S), hi = Math.floor(((b + 1) * T) / S);
    cnt[b] = hi - lo;
    for (let n = 0; n < N; n++) {
      const r = returns[n];
      let s = 0, q = 0;
      for (let t = lo; t < hi; t++) {
        const v = r[t];
        if (!Number.isFinite(v)) {
          throw new CandlelabError(`Cannot compute PBO: trial ${n} has a non-finite return ${v} at bar ${t}`);
        }
        s += v;
        q += v * v;
      }
      sum[n * S + b] = s;
      sq[n * S + b] = q;
    }
  }
  const combos = _combinations(S, S / 2);
  const C = combos.length;
  const logits = new Float64Array(C), isW = new Float64Array(C), oosW = new Float64Array(C);
  const oosMed = new Float64Array(C);
  const winnerCounts = new Int32Array(N);
  const inSet = new Uint8Array(S);
  const isSr = new Float64Array(N), oosSr = new Float64Array(N);
  for (let c = 0; c < C; c++) {
    inSet.fill(0);
    for (const b of combos[c]) inSet[b] = 1;
    for (let n = 0; n < N; n++) {
      let s1 = 0, q1 = 0, k1 = 0, s2 = 0, q2 = 0, k2 = 0;
      for (let b = 0; b < S; b++) {
        if (inSet[b]) {
          s1 += sum[n * S + b];
          q1 += sq[n * S + b];
          k1 += cnt[b];
        } else {
          s2 += sum[n * S + b];
          q2 += sq[n * S + b];
          k2 += cnt[b];
        }
      }
      isSr[n] = _sharpe(s1, q1, k1);
      oosSr[n] = _sharpe(s2, q2, k2);
    }
    let best = 0;
    for (let n = 1; n < N; n++) if (isSr[n] > isSr[best]) best = n;
    winnerCounts[best]++;
    let below = 0, ties = 0;
    for (let n = 0; n < N; n++) {
      if (n === best) continue;
      if (oosSr[n] < oosSr[best]) below++;
      else if (oosSr[n] === oosSr[best]) ties++;
    }
    const rank = 1 + below + ties / 2; // 1 = worst, N = best
    const w = rank / (N + 1);
    logits[c] = Math.log(w / (1 - w));
    isW[c] = isSr[best];
    oosW[c] = oosSr[best];
    oosMed[c] = _median(oosSr);
  }
  let over = 0;
  for (const l of logits) if (l <= 0) over++;
  const diff = Float64Array.from(oosW, (v, i) => v - oosMed[i]);
  return {
    pbo: over / C,
    splits: C,
    blocks: S,
    bars: T,
    trials: N,
    logits,
    isSharpe: isW,
    oosSharpe: oosW,
    oosMedian: oosMed,
    winnerCounts,
    bestMinusMedian: _median(diff),
    degradationSlope: _slope(isW, oosW),
  };
}

function _sharpe(s: number, q: number, k: number): number {
  if (k < 2) return 0;
  const mean = s / k;
  const v = (q - k * mean * mean) / (k - 1);
  return v > 0 ? mean / Math.sqrt(v) : 0;
}

function _median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function _slope(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

function _combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === k) {
      out.push([...cur]);
      return;
    }
    for (let i = start; i <= n - (k - cur.length); i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}
