/**
 * Price features: log returns, EMA and price/EMA ratio, MACD, RSI, ATR, Bollinger, distance to extremes.
 *
 * @module
 */
import { z } from "zod";
import { defineFeature, type FeatureContext } from "./feature.ts";
import {
  ewm,
  logReturns,
  recursiveLookback,
  rollingExtremeDistances,
  rollingMeanStd,
} from "../series/kernels.ts";

const _int = (def: number, min = 1) =>
  z.number().int().min(min).max(1_000_000, "windows and lags must be at most 1,000,000 bars").default(def);

/** Shared within one computation: one-bar log return of close (NaN at row 0). */
function _logRet1(ctx: FeatureContext): Float64Array {
  return ctx.memo("log_ret_1", () => logReturns(ctx.col("close"), ctx.alloc()));
}

/** `ret_{lag}` = log(c_t / c_{t-lag}). */
export const logReturn = defineFeature({
  name: "log_return",
  description: "log(close_t / close_{t-lag})",
  params: z.strictObject({ lag: _int(1) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => p.lag,
  columns: (p) => [`ret_${p.lag}`],
  compute: (ctx, p) => {
    if (p.lag === 1) return [_logRet1(ctx)];
    const c = ctx.col("close");
    const n = c.length;
    const lag = p.lag;
    const out = ctx.alloc();
    const head = Math.min(lag, n);
    for (let i = 0; i < head; i++) out[i] = NaN;
    for (let i = head; i < n; i++) out[i] = Math.log(c[i] / c[i - lag]);
    return [out];
  },
});

/** `ema_{span}`: the EMA of close itself (price level). */
export const ema = defineFeature({
  name: "ema",
  description: "EMA of close (adjust=False, seeded with the first close)",
  params: z.strictObject({ span: _int(20) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => recursiveLookback(2 / (p.span + 1)),
  columns: (p) => [`ema_${p.span}`],
  compute: (ctx, p) => [ewm(ctx.col("close"), 2 / (p.span + 1), ctx.alloc())],
});

/** `close_ema_{span}` = close / EMA - 1. */
export const closeEma = defineFeature({
  name: "close_ema",
  description: "close / EMA(span) - 1",
  params: z.strictObject({ span: _int(20) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => recursiveLookback(2 / (p.span + 1)),
  columns: (p) => [`close_ema_${p.span}`],
  compute: (ctx, p) => {
    // streaming EMA (same recursion as kernels.ewm): no intermediate EMA array
    const c = ctx.col("close");
    const a = 2 / (p.span + 1);
    const old = 1 - a;
    const out = ctx.alloc();
    let y = c[0];
    for (let i = 0; i < c.length; i++) {
      const v = c[i];
      const next = old * y + a * v;
      y = y === v ? v : next; // = `if (y !== v) y = next` (see lib/series/kernels.ts on why not written so)
      out[i] = v / y - 1;
    }
    return [out];
  },
});

/** Percentage MACD: EMA(fast)/EMA(slow) - 1, its EMA(signal), and their difference. */
export const macd = defineFeature({
  name: "macd",
  description: "percentage MACD = EMA(fast)/EMA(slow) - 1, signal = EMA(signal) of it, hist = macd - signal",
  params: z.strictObject({ fast: _int(12), slow: _int(26), signal: _int(9) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) =>
    recursiveLookback(2 / (Math.max(p.fast, p.slow) + 1)) + recursiveLookback(2 / (p.signal + 1)),
  columns: (p) => {
    const s = `${p.fast}_${p.slow}_${p.signal}`;
    return [`macd_${s}`, `macd_signal_${s}`, `macd_hist_${s}`];
  },
  compute: (ctx, p) => {
    // streaming fast/slow/signal EMAs (same recursion as kernels.ewm): only the three outputs are allocated
    const c = ctx.col("close");
    const n = c.length;
    const m = ctx.alloc();
    const sig = ctx.alloc();
    const h = ctx.alloc();
    const af = 2 / (p.fast + 1), as = 2 / (p.slow + 1), ag = 2 / (p.signal + 1);
    const of = 1 - af, os = 1 - as, og = 1 - ag;
    if (n === 0) return [m, sig, h];
    // row 0: both EMAs are c_0, macd is c_0 / c_0 - 1 = 0 and seeds the signal EMA
    let ef = c[0];
    let es = c[0];
    let g = ef / es - 1;
    m[0] = g;
    sig[0] = g;
    h[0] = g - g;
    for (let i = 1; i < n; i++) {
      const v = c[i];
      const nf = of * ef + af * v;
      ef = ef === v ? v : nf; // = `if (ef !== v) ef = nf` (see lib/series/kernels.ts on why not written so)
      const ns = os * es + as * v;
      es = es === v ? v : ns;
      const x = ef / es - 1;
      const ng = og * g + ag * x;
      g = g === x ? x : ng;
      m[i] = x;
      sig[i] = g;
      h[i] = x - g;
    }
    return [m, sig, h];
  },
});

/** RSI with Wilder smoothing (alpha = 1/period, adjust=False), row-0 close diff taken as 0. */
export const rsi = defineFeature({
  name: "rsi",
  description: "RSI, Wilder smoothing (alpha = 1/period) of gains and losses; row-0 diff = 0",
  params: z.strictObject({ period: _int(14) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => 1 + recursiveLookback(1 / p.period),
  columns: (p) => [`rsi_${p.period}`],
  compute: (ctx, p) => {
    // fused: Wilder smoothing (ewm adjust=False) of gains and losses without intermediate arrays
    const c = ctx.col("close");
    const n = c.length;
    const a = 1 / p.period;
    const old = 1 - a;
    const out = ctx.alloc();
    let ag = 0;
    let al = 0;
    if (n > 0) out[0] = NaN; // row-0 diff is 0: 0 / 0 average gain / loss
    for (let i = 1; i < n; i++) {
      const d = c[i] - c[i - 1];
      const up = d > 0 ? d : 0;
      const dn = d < 0 ? -d : 0;
      const nextG = old * ag + a * up;
      ag = ag === up ? up : nextG; // = `if (ag !== up) ag = nextG` (see lib/series/kernels.ts on why not written so)
      const nextL = old * al + a * dn;
      al = al === dn ? dn : nextL;
      const r = 100 - 100 / (1 + ag / al); // 0 / 0 until the first move
      if (r === r) out[i] = r;
      else out[i] = NaN;
    }
    return [out];
  },
});

/** ATR (Wilder smoothing of true range; row 0: high - low) divided by close. */
export const atr = defineFeature({
  name: "atr",
  description: "Wilder ATR(period) / close; true range at row 0 is high - low",
  params: z.strictObject({ period: _int(14) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["high", "low", "close"],
  lookback: (p) => 1 + recursiveLookback(1 / p.period),
  columns: (p) => [`atr_${p.period}`],
  compute: (ctx, p) => {
    // fused: true range and its Wilder smoothing in one pass
    const h = ctx.col("high");
    const l = ctx.col("low");
    const c = ctx.col("close");
    const n = c.length;
    const a = 1 / p.period;
    const old = 1 - a;
    const out = ctx.alloc();
    if (n === 0) return [out];
    let y = h[0] - l[0];
    out[0] = y / c[0];
    for (let i = 1; i < n; i++) {
      const pc = c[i - 1];
      const tr = Math.max(h[i] - l[i], Math.abs(h[i] - pc), Math.abs(l[i] - pc));
      const next = old * y + a * tr;
      y = y === tr ? tr : next; // = `if (y !== tr) y = next` (see lib/series/kernels.ts on why not written so)
      out[i] = y / c[i];
    }
    return [out];
  },
});

/** Bollinger %B and width from SMA(window) and sample std (ddof=1), bands at +-k std. */
export const bollinger = defineFeature({
  name: "bollinger",
  description: "Bollinger %B = (c - lower) / (upper - lower) and width = (upper - lower) / SMA",
  params: z.strictObject({ window: _int(20, 2), k: z.number().positive().default(2) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => p.window - 1,
  columns: (p) => [`bb_pctb_${p.window}_${p.k}`, `bb_width_${p.window}_${p.k}`],
  compute: (ctx, p) => {
    const c = ctx.col("close");
    const m = ctx.alloc();
    const s = ctx.alloc();
    rollingMeanStd(c, p.window, 1, m, s);
    const k = p.k;
    for (let i = 0; i < c.length; i++) {
      const mi = m[i];
      const si = s[i];
      const band = 2 * k * si;
      const pctb = (c[i] - (mi - k * si)) / band; // 0/0 on a flat window
      const width = band / mi;
      // %B written over the mean, width over the std
      if (pctb === pctb) m[i] = pctb;
      else m[i] = NaN;
      if (width === width) s[i] = width;
      else s[i] = NaN;
    }
    return [m, s];
  },
});

/** Distance of close to the rolling max of high and min of low. */
export const distExtremes = defineFeature({
  name: "dist_extremes",
  description: "close / rolling max(high) - 1 and close / rolling min(low) - 1 over window bars",
  params: z.strictObject({ window: _int(60) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["high", "low", "close"],
  lookback: (p) => p.window - 1,
  columns: (p) => [`dist_max_${p.window}`, `dist_min_${p.window}`],
  compute: (ctx, p) => {
    const toMax = ctx.alloc();
    const toMin = ctx.alloc();
    rollingExtremeDistances(ctx.col("close"), ctx.col("high"), ctx.col("low"), p.window, toMax, toMin);
    return [toMax, toMin];
  },
});
