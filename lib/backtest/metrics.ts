/**
 * Performance metrics of an equity curve, annualised for the bar interval.
 *
 * @module
 */

/** Milliseconds in a (365-day) year: crypto trades every day, as the peer's sqrt(525600) assumes. */
export const YEAR_MS = 365 * 24 * 3600_000;

/** Curve metrics (fractions, not percent). */
export interface CurveMetrics {
  totalReturn: number;
  cagr: number;
  sharpe: number;
  sortino: number;
  /** Most negative equity / running peak - 1 (<= 0). */
  maxDrawdown: number;
  calmar: number;
}

/**
 * Metrics of `equity` (one value per bar). `skip[i] = 1` leaves bar i's return out of the Sharpe and
 * Sortino sample (used for the bar after a gap). Sharpe = mean / sample std x sqrt(bars per year);
 * Sortino uses the root mean square of the negative returns; CAGR over the wall time spanned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { curveMetrics } from "./metrics.ts";
 * const m = curveMetrics(new Float64Array([100, 110, 99]), new Float64Array([0, 3600000, 7200000]), 3600000);
 * assert.ok(Math.abs(m.totalReturn - -0.01) < 1e-12 && Math.abs(m.maxDrawdown - -0.1) < 1e-12);
 * ```
 */
export function curveMetrics(
  equity: Float64Array,
  timestamp: Float64Array,
  intervalMs: number,
  skip?: Uint8Array,
): CurveMetrics {
  const n = equity.length;
  if (n === 0) return { totalReturn: 0, cagr: 0, sharpe: 0, sortino: 0, maxDrawdown: 0, calmar: 0 };
  let sum = 0, sumSq = 0, down = 0, m = 0, peak = equity[0], mdd = 0;
  for (let i = 1; i < n; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    const dd = e / peak - 1;
    if (dd < mdd) mdd = dd;
    if (skip && skip[i]) continue;
    const r = e / equity[i - 1] - 1;
    sum += r;
    sumSq += r * r;
    if (r < 0) down += r * r;
    m++;
  }
  const mean = m > 0 ? sum / m : 0;
  const variance = m > 1 ? (sumSq - m * mean * mean) / (m - 1) : 0;
  const sd = Math.sqrt(Math.max(variance, 0));
  const ann = Math.sqrt(YEAR_MS / intervalMs);
  const dsd = m > 0 ? Math.sqrt(down / m) : 0;
  const totalReturn = equity[n - 1] / equity[0] - 1;
  const years = (timestamp[n - 1] - timestamp[0] + intervalMs) / YEAR_MS;
  const cagr = totalReturn <= -1 ? -1 : Math.pow(1 + totalReturn, 1 / years) - 1;
  return {
    totalReturn,
    cagr,
    sharpe: sd > 0 ? mean / sd * ann : 0,
    sortino: dsd > 0 ? mean / dsd * ann : 0,
    maxDrawdown: mdd,
    calmar: mdd < 0 ? cagr / -mdd : 0,
  };
}
