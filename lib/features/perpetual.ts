/**
 * Perpetual-only features: last funding rate, mean funding over N events, time to the next funding
 * event, basis against spot and premium over mark price.
 *
 * Causality: a funding event stamped T (column `funding_rate` on the bar whose open time is T) is known
 * at T, so it is visible to that bar (whose values are known at its close, T + interval). An event older
 * than one funding interval is never carried forward: a missing event gives NaN, not a guess.
 *
 * @module
 */
import { z } from "zod";
import { defineFeature } from "./feature.ts";

const _HOUR = 3_600_000;

/** `funding_last`: the most recent funding rate known at the bar's close (NaN if older than one interval). */
export const fundingLast = defineFeature({
  name: "funding_last",
  description: "last funding rate already known at the bar (event at T is known at T); NaN when stale",
  params: z.strictObject({}),
  requires: "perpetual",
  canonicalNaN: true,
  inputs: ["timestamp", "funding_rate"],
  lookback: (_p, t) => Math.max(0, Math.ceil(t.fundingIntervalMs / t.intervalMs) - 1),
  columns: () => ["funding_last"],
  compute: (ctx) => {
    const ts = ctx.col("timestamp");
    const fr = ctx.col("funding_rate");
    const F = ctx.timing.fundingIntervalMs;
    const out = ctx.alloc();
    let lastT = NaN;
    let lastR = NaN;
    for (let i = 0; i < ts.length; i++) {
      if (fr[i] === fr[i]) {
        lastT = ts[i];
        lastR = fr[i];
      }
      out[i] = ts[i] - lastT < F ? lastR : NaN;
    }
    return [out];
  },
});

/** `funding_mean_{events}`: mean of the last `events` funding events (NaN if any is missing or stale). */
export const fundingMean = defineFeature({
  name: "funding_mean",
  description: "mean of the last N funding events known at the bar; NaN if one of them is missing",
  params: z.strictObject({
    events: z.number().int().min(1).max(1_000_000, "events must be at most 1,000,000").default(3),
  }),
  requires: "perpetual",
  canonicalNaN: true,
  inputs: ["timestamp", "funding_rate"],
  lookback: (p, t) => Math.max(0, Math.ceil((p.events * t.fundingIntervalMs) / t.intervalMs) - 1),
  columns: (p) => [`funding_mean_${p.events}`],
  compute: (ctx, p) => {
    const ts = ctx.col("timestamp");
    const fr = ctx.col("funding_rate");
    const F = ctx.timing.fundingIntervalMs;
    const N = p.events;
    const evT: number[] = [];
    const evR: number[] = [];
    const out = ctx.alloc();
    let cur = NaN;
    for (let i = 0; i < ts.length; i++) {
      if (fr[i] === fr[i]) {
        evT.push(ts[i]);
        evR.push(fr[i]);
        const j = evT.length;
        // N consecutive events spanning at most (N - 1) intervals (+ half an interval of slack)
        if (j >= N && evT[j - 1] - evT[j - N] < (N - 0.5) * F) {
          let s = 0;
          for (let k = j - N; k < j; k++) s += evR[k];
          cur = s / N;
        } else {
          cur = NaN;
        }
      }
      const j = evT.length;
      out[i] = j > 0 && ts[i] - evT[j - 1] < F ? cur : NaN;
    }
    return [out];
  },
});

/** `time_to_funding`: hours from the bar's close to the next scheduled funding time (multiples of F). */
export const timeToFunding = defineFeature({
  name: "time_to_funding",
  description:
    "hours from the bar's close to the next scheduled funding time (00:00, 08:00, 16:00 UTC for 8 h)",
  params: z.strictObject({}),
  requires: "perpetual",
  canonicalNaN: true,
  inputs: ["timestamp"],
  lookback: () => 0,
  columns: () => ["time_to_funding"],
  compute: (ctx) => {
    const ts = ctx.col("timestamp");
    const F = ctx.timing.fundingIntervalMs;
    const I = ctx.timing.intervalMs;
    const out = ctx.alloc();
    for (let i = 0; i < ts.length; i++) {
      const close = ts[i] + I;
      out[i] = (Math.ceil(close / F) * F - close) / _HOUR;
    }
    return [out];
  },
});

/** `basis` = perp close / spot close - 1 (NaN where the spot bar is missing). */
export const basis = defineFeature({
  name: "basis",
  description: "perpetual close / spot close (column spot_close) - 1",
  params: z.strictObject({}),
  requires: "perpetual+spot",
  canonicalNaN: true,
  inputs: ["close", "spot_close"],
  lookback: () => 0,
  columns: () => ["basis"],
  compute: (ctx) => {
    const c = ctx.col("close");
    const s = ctx.col("spot_close");
    const out = ctx.alloc();
    for (let i = 0; i < c.length; i++) {
      const b = c[i] / s[i] - 1; // a missing spot bar is a NaN of any bit pattern
      if (b === b) out[i] = b;
      else out[i] = NaN;
    }
    return [out];
  },
});

/** `premium` = last price close / mark price close - 1 (NaN where no mark candle). */
export const premium = defineFeature({
  name: "premium",
  description: "perpetual close / mark close - 1",
  params: z.strictObject({}),
  requires: "perpetual",
  canonicalNaN: true,
  inputs: ["close", "mark_close"],
  lookback: () => 0,
  columns: () => ["premium"],
  compute: (ctx) => {
    const c = ctx.col("close");
    const m = ctx.col("mark_close");
    const out = ctx.alloc();
    for (let i = 0; i < c.length; i++) {
      const r = c[i] / m[i] - 1; // a missing mark candle is a NaN of any bit pattern
      if (r === r) out[i] = r;
      else out[i] = NaN;
    }
    return [out];
  },
});
