/**
 * Per-bar return moments of an equity curve: what the deflated Sharpe ratio needs from a backtest.
 *
 * @module
 */
import type { BacktestSummary } from "./run_record.ts";

const _YEAR_MS = 365 * 24 * 3600_000;

/**
 * Sharpe (per bar and annualised), skewness and Pearson kurtosis (3 for normal returns) of the simple
 * returns `equity[t] / equity[t-1] - 1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { returnMoments } from "./returns.ts";
 * const m = returnMoments(Float64Array.of(100, 101, 100, 102, 101), 3600_000);
 * assert(m.n_periods === 4 && m.periods_per_year === 8760);
 * ```
 */
export function returnMoments(
  equity: Float64Array,
  intervalMs: number,
): Pick<
  BacktestSummary,
  "sharpe" | "sharpe_annualised" | "periods_per_year" | "n_periods" | "skew" | "kurtosis"
> {
  const n = Math.max(0, equity.length - 1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = equity[i + 1] / equity[i] - 1;
  let mean = 0;
  for (const v of r) mean += v;
  mean = n ? mean / n : 0;
  let m2 = 0, m3 = 0, m4 = 0;
  for (const v of r) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const variance = n > 1 ? m2 / (n - 1) : 0;
  const pop = n ? m2 / n : 0;
  const std = Math.sqrt(variance);
  const periodsPerYear = _YEAR_MS / intervalMs;
  const sharpe = std > 0 ? mean / std : 0;
  return {
    sharpe,
    sharpe_annualised: sharpe * Math.sqrt(periodsPerYear),
    periods_per_year: periodsPerYear,
    n_periods: n,
    skew: pop > 0 ? (m3 / n) / pop ** 1.5 : 0,
    kurtosis: pop > 0 ? (m4 / n) / (pop * pop) : 3,
  };
}
