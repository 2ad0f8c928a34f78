/**
 * Single-bar features: candle shape (range, body, wicks) and the UTC calendar.
 *
 * @module
 */
import { z } from "zod";
import { defineFeature } from "./feature.ts";

/** Candle shape: (h-l)/c, (c-o)/o, (h-max(o,c))/c, (min(o,c)-l)/c. */
export const candle = defineFeature({
  name: "candle",
  description: "hl_range = (h-l)/c, body = (c-o)/o, upper_wick = (h-max(o,c))/c, lower_wick = (min(o,c)-l)/c",
  params: z.strictObject({}),
  requires: "any",
  canonicalNaN: true,
  inputs: ["open", "high", "low", "close"],
  lookback: () => 0,
  columns: () => ["hl_range", "body", "upper_wick", "lower_wick"],
  compute: (ctx) => {
    const o = ctx.col("open");
    const h = ctx.col("high");
    const l = ctx.col("low");
    const c = ctx.col("close");
    const n = c.length;
    const rng = ctx.alloc();
    const body = ctx.alloc();
    const up = ctx.alloc();
    const lo = ctx.alloc();
    for (let i = 0; i < n; i++) {
      rng[i] = (h[i] - l[i]) / c[i];
      body[i] = (c[i] - o[i]) / o[i];
      up[i] = (h[i] - Math.max(o[i], c[i])) / c[i];
      lo[i] = (Math.min(o[i], c[i]) - l[i]) / c[i];
    }
    return [rng, body, up, lo];
  },
});

const _HOUR = 3_600_000;
const _DAY = 86_400_000;

/** UTC hour of the bar's open time and day of week (Monday = 0). */
export const calendar = defineFeature({
  name: "calendar",
  description: "UTC hour (0-23) and day of week (Monday = 0) of the bar's open time",
  params: z.strictObject({}),
  requires: "any",
  canonicalNaN: true,
  inputs: ["timestamp"],
  lookback: () => 0,
  columns: () => ["hour", "dow"],
  compute: (ctx) => {
    const t = ctx.col("timestamp");
    const n = t.length;
    const hour = ctx.alloc();
    const dow = ctx.alloc();
    for (let i = 0; i < n; i++) {
      const h = Math.floor(t[i] / _HOUR);
      hour[i] = ((h % 24) + 24) % 24;
      const d = Math.floor(t[i] / _DAY);
      dow[i] = (((d + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    }
    return [hour, dow];
  },
});
