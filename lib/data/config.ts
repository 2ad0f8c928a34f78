/**
 * Data configuration (the `data:` part of an experiment config). Spot and perpetual are two kinds,
 * discriminated by `market`.
 *
 * @module
 */
import { z } from "zod";

const _Range = z.strictObject({
  /** Inclusive start, ISO date or date-time (UTC). */
  start: z.string().optional(),
  /** Exclusive end, ISO date or date-time (UTC). */
  end: z.string().optional(),
}).default({});

const _Common = {
  /** Which DuckDB engine reads the files. */
  engine: z.enum(["native", "wasm"]).default("native"),
  range: _Range,
  /** Drop this much from the start of the data (e.g. "1d" for listing artefacts). */
  drop_first: z.string().regex(/^\d+[smhdw]$/, "a duration such as 1d or 12h").optional(),
  /** Keep the first row of duplicated timestamps instead of failing. */
  allow_duplicates: z.boolean().default(false),
  /** Overrides when file names do not follow the convention. */
  asset: z.string().optional(),
  quote: z.string().optional(),
  exchange: z.string().optional(),
  interval: z.string().regex(/^\d+[smhdw]$/).optional(),
};

/** Spot data config. */
export const SpotDataConfigSchema = z.strictObject({
  market: z.literal("spot"),
  paths: z.strictObject({ candles: z.string() }),
  ..._Common,
});

/** Perpetual data config: candles plus funding events and mark price (and optionally spot for basis). */
export const PerpetualDataConfigSchema = z.strictObject({
  market: z.literal("perpetual"),
  paths: z.strictObject({
    candles: z.string(),
    funding: z.string(),
    mark: z.string(),
    spot: z.string().optional(),
  }),
  /** Expected time between funding events. */
  funding_interval: z.string().regex(/^\d+[smhdw]$/).default("8h"),
  ..._Common,
});

/** The data config: one of the two kinds, chosen by `market`. */
export const DataConfigSchema = z.discriminatedUnion("market", [
  SpotDataConfigSchema,
  PerpetualDataConfigSchema,
]);

/** Parsed data config. */
export type DataConfig = z.output<typeof DataConfigSchema>;
/** Parsed spot data config. */
export type SpotDataConfig = z.output<typeof SpotDataConfigSchema>;
/** Parsed perpetual data config. */
export type PerpetualDataConfig = z.output<typeof PerpetualDataConfigSchema>;
