/**
 * The verdict of a run, against nulls of the same metric (ADR-028):
 *
 * - **label skill**: out-of-sample macro-F1 beside the macro-F1 of the majority-class and prior-random
 *   predictors on the same rows (accuracy beside accuracy), and a circular-shift p-value of the predictions
 *   against the labels (lib/validation/null_models.ts). Yes when p < alpha and macro-F1 beats both nulls.
 * - **economic skill**: a circular-shift permutation test of the held exposure against the bar returns. The
 *   statistic is the gross sum over bars of what the engine's order of events earns (ADR-018): the position
 *   carried into bar b's open earns the gap `open_b / close_{b-1} - 1` minus the funding rate of an event at
 *   that open (paid by longs), and the position after the fill at that open (decided at the previous close)
 *   earns `close_b / open_b - 1`; each as a fraction of the equity at the previous close. Shifts are at least the
 *   label horizon, seeded, ~1,000 draws. A shift keeps the exposure's mix, runs and turnover (one wrap
 *   aside), so costs are the same for every draw and the test is on gross returns; economic skill also
 *   needs the net return (after fees, slippage, funding) to be positive. Yes when p < alpha and net > 0.
 *
 * Both use alpha = 0.01 by default (ADR-028: 1,000 draws resolve p down to 0.001, a leak sits there, and
 * researchers run many configs). The one-line text starts with "evidence of skill" or "no evidence of skill", then says both parts, e.g.
 * "no evidence of skill (label skill yes, economic skill no): ...".
 *
 * @module
 */
import type { Attribution } from "../backtest/backtest.ts";
import { CandlelabError } from "../util/errors.ts";
import { mulberry32 } from "../util/random.ts";
import { labelShiftTest, nullScores } from "../validation/null_models.ts";

/** What run.json stores as `verdict` (snake_case: a file format). */
export type Verdict = {
  text: string;
  label_skill: boolean;
  economic_skill: boolean;
  macro_f1: number;
  macro_f1_majority: number;
  macro_f1_prior_random: number;
  accuracy: number;
  accuracy_majority: number;
  accuracy_prior_random: number;
  /** Circular-shift p-value of the predictions against the labels (macro-F1). */
  label_p_value: number;
  /** Circular-shift p-value of the exposure against the returns (gross). */
  p_value: number;
  permutation_draws: number;
  min_shift_bars: number;
  alpha: number;
  /** Total return after every cost (the backtest's). */
  net_return: number;
  /** Total return before fees and slippage (price, gap and funding PnL over the initial equity). */
  gross_return: number;
  /** (fees + slippage) / |gross PnL|; null when the gross PnL is 0. */
  costs_share_of_gross: number | null;
  /** The permutation statistic (sum of w_t r_{t+1}) observed, and its null mean and standard deviation. */
  gross_statistic: number;
  gross_null_mean: number;
  gross_null_sd: number;
};

/** Result of {@link returnShiftTest}. */
export interface ReturnShiftTest {
  observed: number;
  nullMean: number;
  nullSd: number;
  pValue: number;
  draws: number;
  minShift: number;
}

/**
 * Circular-shift test of `weight` (exposure held over each step) against `ret` (the step's return):
 * statistic `sum_t weight[t] * ret[t]`; null: `weight` shifted by `s` in `[minShift, n - minShift]`.
 * One-sided: p = (1 + #{null >= observed}) / (1 + draws).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mulberry32 } from "../util/random.ts";
 * import { returnShiftTest } from "./verdict.ts";
 * const rand = mulberry32(3);
 * const ret = Float64Array.from({ length: 2000 }, () => rand() - 0.5);
 * const peek = ret.map(Math.sign); // knows the return it is exposed to: a leak
 * assert.ok(returnShiftTest(peek, ret, { minShift: 4, draws: 200, seed: 1 }).pValue < 0.01);
 * const blind = Float64Array.from({ length: 2000 }, () => Math.sign(rand() - 0.5));
 * assert.ok(returnShiftTest(blind, ret, { minShift: 4, draws: 200, seed: 1 }).pValue > 0.01);
 * ```
 */
export function returnShiftTest(
  weight: Float64Array | Float64Array[],
  ret: Float64Array | Float64Array[],
  options: { minShift: number; draws?: number; seed?: number },
): ReturnShiftTest {
  // several (exposure, return) components shift together, e.g. the gap and the intrabar part of each bar
  const ws = Array.isArray(weight) ? weight : [weight];
  const rs = Array.isArray(ret) ? ret : [ret];
  const n = rs[0]?.length ?? 0;
  const draws = options.draws ?? 1000;
  const minShift = Math.max(1, Math.ceil(options.minShift));
  if (ws.length !== rs.length || ws.some((w) => w.length !== n) || rs.some((r) => r.length !== n)) {
    throw new CandlelabError(
      `Cannot run the return permutation test: exposures [${ws.map((w) => w.length)}] and returns [${
        rs.map((r) => r.length)
      }] do not align; pass one exposure per return, all of the same length`,
    );
  }
  if (n - 2 * minShift < 1) {
    throw new CandlelabError(
      `Cannot run the return permutation test: ${n} bars leave no circular shift of at least ${minShift} bars; ` +
        `backtest on more than ${2 * minShift} bars`,
    );
  }
  const stat = (s: number) => {
    let sum = 0;
    for (let k = 0; k < ws.length; k++) {
      const w = ws[k], r = rs[k];
      for (let t = 0; t < n; t++) {
        let j = t - s;
        if (j < 0) j += n;
        sum += w[j] * r[t];
      }
    }
    return sum;
  };
  const observed = stat(0);
  const rand = mulberry32(options.seed ?? 0);
  const span = n - 2 * minShift + 1;
  let ge = 0, sum = 0, sum2 = 0;
  for (let d = 0; d < draws; d++) {
    const v = stat(minShift + Math.floor(rand() * span));
    sum += v;
    sum2 += v * v;
    if (v >= observed - 1e-15 * Math.abs(observed)) ge++;
  }
  const nullMean = sum / draws;
  const nullSd = Math.sqrt(Math.max(0, sum2 / draws - nullMean * nullMean));
  return { observed, nullMean, nullSd, pValue: (1 + ge) / (1 + draws), draws, minShift };
}

/** Bars and the backtest's curves the economic test reads. */
export interface ExposureInput {
  /** Open and close of every bar of the dataset. */
  open: Float64Array;
  close: Float64Array;
  /** Funding rate at each bar's open (NaN where no event); perpetuals only. */
  fundingRate?: Float64Array;
  /** Dataset bar index of the backtest's first bar. */
  firstBar: number;
  /** Signed quantity held at each backtest bar's close. */
  position: Float64Array;
  /** Equity at each backtest bar's close. */
  equity: Float64Array;
}

/** The two parts of each bar's PnL as exposure x return pairs, one entry per bar after the first. */
export interface ExposureReturns {
  /** Position carried into the open (value at the previous close / equity) and the gap return net of funding. */
  gapWeight: Float64Array;
  gapReturn: Float64Array;
  /** Position after the open's fill (value at the open / previous equity) and the open-to-close return. */
  barWeight: Float64Array;
  barReturn: Float64Array;
}

/**
 * Splits each backtest bar's PnL the way the engine books it (ADR-018): the position carried into bar b's
 * open earns the gap and pays funding there, the position after the open's fill earns open to close.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exposureReturns } from "./verdict.ts";
 * const e = exposureReturns({
 *   open: Float64Array.of(100, 100, 110), close: Float64Array.of(100, 110, 121), firstBar: 0,
 *   position: Float64Array.of(0, 1, 1), equity: Float64Array.of(100, 110, 121),
 * });
 * assert.deepEqual([...e.barWeight], [1, 1]); // bought at bar 1's open, held through bar 2
 * assert.deepEqual([...e.gapWeight].map((w) => +w.toFixed(12)), [0, 1]);
 * assert.ok(Math.abs(e.barReturn[0] - 0.1) < 1e-12);
 * ```
 */
export function exposureReturns(input: ExposureInput): ExposureReturns {
  const { open, close, fundingRate, firstBar, position, equity } = input;
  const m = Math.max(0, Math.min(position.length, close.length - firstBar) - 1);
  const out: ExposureReturns = {
    gapWeight: new Float64Array(m),
    gapReturn: new Float64Array(m),
    barWeight: new Float64Array(m),
    barReturn: new Float64Array(m),
  };
  const fin = (x: number) => (Number.isFinite(x) ? x : 0);
  for (let t = 0; t < m; t++) {
    const b = firstBar + t; // previous close; the bar is b + 1
    const eq = equity[t];
    const f = fundingRate ? fundingRate[b + 1] : NaN;
    out.gapWeight[t] = eq > 0 ? fin((position[t] * close[b]) / eq) : 0;
    out.gapReturn[t] = fin(open[b + 1] / close[b] - 1 - (Number.isFinite(f) ? f : 0));
    out.barWeight[t] = eq > 0 ? fin((position[t + 1] * open[b + 1]) / eq) : 0;
    out.barReturn[t] = fin(close[b + 1] / open[b + 1] - 1);
  }
  return out;
}

/** Inputs of {@link computeVerdict}. */
export interface VerdictInput {
  /** Out-of-sample true classes and predicted (argmax) classes, same rows. */
  yTrue: Int32Array;
  yPred: Int32Array;
  exposure: ExposureInput;
  /** Backtest attribution (quote currency) and net total return. */
  attribution: Attribution;
  netReturn: number;
  /** Label horizon in bars: the smallest shift. */
  horizon: number;
  seed: number;
  /** Permutation draws (default 1000). */
  draws?: number;
  /** Significance level (default 0.01). */
  alpha?: number;
}

function _pct(x: number): string {
  return `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} %`;
}

/**
 * Label and economic skill of one run, each against its null (see the module doc), with the one-line text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeVerdict } from "./verdict.ts";
 * import { mulberry32 } from "../util/random.ts";
 * const rand = mulberry32(5), n = 800;
 * const close = new Float64Array(n + 1);
 * close[0] = 100;
 * for (let i = 1; i <= n; i++) close[i] = close[i - 1] * (1 + (rand() - 0.5) * 0.02);
 * const open = Float64Array.from(close, (_, i) => close[Math.max(0, i - 1)]);
 * const position = Float64Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
 * const y = Int32Array.from({ length: n }, () => Math.floor(rand() * 3));
 * const v = computeVerdict({
 *   yTrue: y, yPred: Int32Array.from(y, () => Math.floor(rand() * 3)),
 *   exposure: { open, close, firstBar: 0, position, equity: new Float64Array(n).fill(100) },
 *   attribution: { pricePnl: 1, gapPnl: 0, fees: 2, slippage: 1, funding: 0, net: -2 },
 *   netReturn: -0.02, horizon: 4, seed: 1, draws: 200,
 * });
 * assert.ok(v.text.startsWith("no evidence of skill (label skill no, economic skill no)"));
 * ```
 */
export function computeVerdict(input: VerdictInput): Verdict {
  const draws = input.draws ?? 1000;
  const alpha = input.alpha ?? 0.01;
  const minShift = Math.max(1, input.horizon);
  const nulls = nullScores(input.yTrue);
  const lab = labelShiftTest(input.yTrue, input.yPred, { minShift, draws, seed: input.seed });
  let hit = 0;
  for (let i = 0; i < input.yTrue.length; i++) if (input.yTrue[i] === input.yPred[i]) hit++;
  const acc = hit / input.yTrue.length;
  const e = exposureReturns(input.exposure);
  const eco = returnShiftTest([e.gapWeight, e.barWeight], [e.gapReturn, e.barReturn], {
    minShift,
    draws,
    seed: input.seed + 1,
  });
  const a = input.attribution;
  const grossPnl = a.pricePnl + a.gapPnl + a.funding;
  const costs = a.fees + a.slippage;
  const initial = input.exposure.equity.length
    ? input.exposure.equity[input.exposure.equity.length - 1] - a.net
    : NaN;
  const grossReturn = initial > 0 ? grossPnl / initial : NaN;
  const labelSkill = lab.pValue < alpha &&
    lab.observed > Math.max(nulls.macroF1Majority, nulls.macroF1PriorRandom);
  const economicSkill = eco.pValue < alpha && input.netReturn > 0;
  const yn = (b: boolean) => (b ? "yes" : "no");
  const text = `${economicSkill ? "evidence of skill" : "no evidence of skill"} ` +
    `(label skill ${yn(labelSkill)}, economic skill ${yn(economicSkill)}): ` +
    `macro-F1 ${lab.observed.toFixed(3)} vs majority ${nulls.macroF1Majority.toFixed(3)} / prior-random ${
      nulls.macroF1PriorRandom.toFixed(3)
    } (p = ${lab.pValue.toFixed(3)}), accuracy ${acc.toFixed(3)} vs ${nulls.accuracyMajority.toFixed(3)} / ${
      nulls.accuracyPriorRandom.toFixed(3)
    }; returns p = ${eco.pValue.toFixed(3)} (${draws} circular shifts >= ${minShift} bars), ` +
    `net ${_pct(input.netReturn)} (gross ${_pct(grossReturn)})`;
  return {
    text,
    label_skill: labelSkill,
    economic_skill: economicSkill,
    macro_f1: lab.observed,
    macro_f1_majority: nulls.macroF1Majority,
    macro_f1_prior_random: nulls.macroF1PriorRandom,
    accuracy: acc,
    accuracy_majority: nulls.accuracyMajority,
    accuracy_prior_random: nulls.accuracyPriorRandom,
    label_p_value: lab.pValue,
    p_value: eco.pValue,
    permutation_draws: draws,
    min_shift_bars: minShift,
    alpha,
    net_return: input.netReturn,
    gross_return: grossReturn,
    costs_share_of_gross: grossPnl !== 0 ? costs / Math.abs(grossPnl) : null,
    gross_statistic: eco.observed,
    gross_null_mean: eco.nullMean,
    gross_null_sd: eco.nullSd,
  };
}
