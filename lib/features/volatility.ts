/**
 * Volatility and volume features: rolling volatility of log returns, volatility ratios, volume z-score,
 * log volume.
 *
 * @module
 */
import { z } from "zod";
import { defineFeature, type FeatureContext } from "./feature.ts";
import { logReturns, rollingStd, rollingZScore } from "../series/kernels.ts";

const _int = (def: number, min = 2) =>
  z.number().int().min(min).max(1_000_000, "windows must be at most 1,000,000 bars").default(def);

/** Shared within one computation: rolling sample std of the one-bar log return over `window` bars. */
function _vol(ctx: FeatureContext, window: number): Float64Array {
  const r = ctx.memo("log_ret_1", () => logReturns(ctx.col("close"), ctx.alloc()));
  return ctx.memo(`vol_${window}`, () => rollingStd(r, window, 1, ctx.alloc()));
}

/** `vol_{window}`: rolling sample std (ddof=1) of the one-bar log return. */
export const volatility = defineFeature({
  name: "volatility",
  description: "rolling sample std (ddof=1) of log(c_t / c_{t-1}) over window bars",
  params: z.strictObject({ window: _int(60) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => p.window,
  columns: (p) => [`vol_${p.window}`],
  compute: (ctx, p) => [_vol(ctx, p.window)],
});

/** `vol_ratio_{short}_{long}` = vol_short / vol_long. */
export const volRatio = defineFeature({
  name: "vol_ratio",
  description: "vol(short) / vol(long)",
  params: z.strictObject({ short: _int(15), long: _int(240) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["close"],
  lookback: (p) => Math.max(p.short, p.long),
  columns: (p) => [`vol_ratio_${p.short}_${p.long}`],
  compute: (ctx, p) => {
    const a = _vol(ctx, p.short);
    const b = _vol(ctx, p.long);
    const out = ctx.alloc();
    for (let i = 0; i < a.length; i++) {
      const r = a[i] / b[i]; // 0 / 0 where both are flat
      if (r === r) out[i] = r;
      else out[i] = NaN;
    }
    return [out];
  },
});

/** `vol_z_{window}`: z-score of volume against its rolling mean and sample std. */
export const volumeZ = defineFeature({
  name: "volume_z",
  description: "(volume - rolling mean) / rolling sample std over window bars",
  params: z.strictObject({ window: _int(60) }),
  requires: "any",
  canonicalNaN: true,
  inputs: ["volume"],
  lookback: (p) => p.window - 1,
  columns: (p) => [`vol_z_${p.window}`],
  compute: (ctx, p) => {
    return [rollingZScore(ctx.col("volume"), p.window, 1, ctx.alloc())];
  },
});

/** `log_volume` = ln(volume) (-Infinity for a zero-volume bar; such rows are dropped as invalid). */
export const logVolume = defineFeature({
  name: "log_volume",
  description: "natural log of volume",
  params: z.strictObject({}),
  requires: "any",
  canonicalNaN: true,
  inputs: ["volume"],
  lookback: () => 0,
  columns: () => ["log_volume"],
  compute: (ctx) => {
    const v = ctx.col("volume");
    const out = ctx.alloc();
    for (let i = 0; i < v.length; i++) out[i] = Math.log(v[i]);
    return [out];
  },
});
