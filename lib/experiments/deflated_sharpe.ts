/**
 * Multiple-testing-aware Sharpe ratios (Bailey & López de Prado 2012, 2014):
 * the probabilistic Sharpe ratio (PSR) and the deflated Sharpe ratio (DSR).
 *
 * All Sharpe ratios here are per period (not annualised): mean / std of the per-bar returns.
 * `kurtosis` is Pearson's (not excess): 3 for normal returns.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { normalCdf, normalInv } from "./normal.ts";

/** Euler–Mascheroni constant. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of `nTrials` per-period Sharpe ratios drawn under the null (true Sharpe 0) with
 * variance `trialsVariance`: SR0 = sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e))).
 * One trial (or zero variance) gives 0: nothing was selected, so nothing to deflate.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { expectedMaxSharpe } from "./deflated_sharpe.ts";
 * assert(expectedMaxSharpe(1, 0.01) === 0);
 * assert(expectedMaxSharpe(100, 0.002) > 0.1);
 * ```
 */
export function expectedMaxSharpe(nTrials: number, trialsVariance: number): number {
  if (!Number.isInteger(nTrials) || nTrials < 1) {
    throw new CandlelabError(
      `Cannot compute the expected maximum Sharpe: the number of trials must be a positive integer, current value is ${nTrials}`,
    );
  }
  if (!(trialsVariance >= 0)) {
    throw new CandlelabError(
      `Cannot compute the expected maximum Sharpe: the variance of the trials' Sharpe ratios must be >= 0, current value is ${trialsVariance}`,
    );
  }
  if (nTrials === 1 || trialsVariance === 0) return 0;
  const z1 = normalInv(1 - 1 / nTrials);
  const z2 = normalInv(1 - 1 / (nTrials * Math.E));
  return Math.sqrt(trialsVariance) * ((1 - EULER_GAMMA) * z1 + EULER_GAMMA * z2);
}

/** Inputs of the PSR: the observed per-period Sharpe and the shape of the returns it came from. */
export interface SharpeSample {
  /** Observed per-period Sharpe ratio. */
  sharpe: number;
  /** Track length: number of return observations. */
  nPeriods: number;
  /** Skewness of the returns (0 for normal). */
  skew: number;
  /** Pearson kurtosis of the returns (3 for normal). */
  kurtosis: number;
}

/**
 * Probabilistic Sharpe ratio: P(true Sharpe > `benchmark`) given the observed sample,
 * Phi((SR - SR*) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1) / 4 SR^2)).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { probabilisticSharpe } from "./deflated_sharpe.ts";
 * const p = probabilisticSharpe({ sharpe: 0.1, nPeriods: 101, skew: 0, kurtosis: 3 }, 0);
 * assert(p > 0.84 && p < 0.85);
 * ```
 */
export function probabilisticSharpe(sample: SharpeSample, benchmark: number): number {
  const { sharpe, nPeriods, skew, kurtosis } = sample;
  for (const [name, v] of Object.entries({ sharpe, skew, kurtosis, benchmark })) {
    if (!Number.isFinite(v)) {
      throw new CandlelabError(
        `Cannot compute the probabilistic Sharpe ratio: ${name} must be a finite number, current value is ${v}; check the backtest summary in run.json`,
      );
    }
  }
  if (!Number.isInteger(nPeriods) || nPeriods < 2) {
    throw new CandlelabError(
      `Cannot compute the probabilistic Sharpe ratio: the track length must be an integer >= 2, current value is ${nPeriods}; check n_periods in the backtest summary`,
    );
  }
  const denom2 = 1 - skew * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe;
  if (!(denom2 > 0)) {
    throw new CandlelabError(
      `Cannot compute the probabilistic Sharpe ratio: 1 - skew*SR + (kurtosis-1)/4*SR^2 must be > 0, current value is ${denom2} (skew ${skew}, kurtosis ${kurtosis}, SR ${sharpe}); kurtosis must be Pearson's (3 for normal), not excess`,
    );
  }
  return normalCdf((sharpe - benchmark) * Math.sqrt(nPeriods - 1) / Math.sqrt(denom2));
}

/** Result of `deflatedSharpe`. */
export interface DeflatedSharpe {
  /** Probability that the true Sharpe exceeds the expected maximum of N null trials. */
  dsr: number;
  /** Expected maximum per-period Sharpe of the N trials under the null (the deflation benchmark). */
  sr0: number;
  nTrials: number;
  trialsVariance: number;
}

/**
 * Deflated Sharpe ratio: the PSR against the expected maximum Sharpe of `nTrials` trials whose
 * per-period Sharpe ratios have variance `trialsVariance`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deflatedSharpe } from "./deflated_sharpe.ts";
 * const r = deflatedSharpe({ sharpe: 2.5 / Math.sqrt(250), nPeriods: 1250, skew: -3, kurtosis: 10 }, 100, 0.5 / 250);
 * assert(r.dsr > 0.89 && r.dsr < 0.91);
 * ```
 */
export function deflatedSharpe(
  sample: SharpeSample,
  nTrials: number,
  trialsVariance: number,
): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(nTrials, trialsVariance);
  return { dsr: probabilisticSharpe(sample, sr0), sr0, nTrials, trialsVariance };
}

/**
 * Sample variance (n - 1 denominator) of the trials' Sharpe ratios; 0 when fewer than two.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sharpeVariance } from "./deflated_sharpe.ts";
 * assert(sharpeVariance([1, 2, 3]) === 1);
 * ```
 */
export function sharpeVariance(sharpes: readonly number[]): number {
  const n = sharpes.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const s of sharpes) mean += s;
  mean /= n;
  let ss = 0;
  for (const s of sharpes) ss += (s - mean) ** 2;
  return ss / (n - 1);
}
