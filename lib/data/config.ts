/**
 * Data configuration (the `data:` part of an experiment config). Spot and perpetual are two kinds,
 * discriminated by `market`.
 *
 * @module
 */
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";
import { type DatasetFileInfo, type FileKind, parseDatasetFilename } from "./filename.ts";

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
  /**
   * Overrides when file names do not follow the convention (`market` above is one of them: it describes
   * a file whose name does not say spot or perp, and must agree with a name that does).
   */
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

/**
 * What the config says about a data file, as overrides of what its name says (`resolveFileInfo`):
 * `asset`, `quote`, `exchange` and `interval` when given (a funding file keeps its own interval), and
 * `market` (the config's, which the schema always has) for names off the convention. A name that says
 * another market than the config is an error, never silently overridden.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataConfigSchema, fileOverrides } from "./config.ts";
 * const cfg = DataConfigSchema.parse({ market: "spot", asset: "XRP", interval: "1h", quote: "USDT",
 *   exchange: "binance", paths: { candles: "prices.parquet" } });
 * assert.deepEqual(fileOverrides(cfg, "prices.parquet", "ohlcv"),
 *   { asset: "XRP", quote: "USDT", exchange: "binance", interval: "1h", market: "spot" });
 * assert.throws(() => fileOverrides(cfg, "binance_XRP_USDT_perp_1h.parquet", "ohlcv"), /says perpetual/);
 * ```
 */
export function fileOverrides(cfg: DataConfig, path: string, kind: FileKind): Partial<DatasetFileInfo> {
  const parsed = parseDatasetFilename(path);
  if (parsed && parsed.market !== cfg.market && path !== _spotPath(cfg)) {
    throw new CandlelabError(
      `Cannot load ${path}: its name says ${parsed.market} data but the config says data.market: ${cfg.market}; ` +
        `use the ${cfg.market} file or change data.market`,
    );
  }
  const out: Partial<DatasetFileInfo> = {};
  if (cfg.asset !== undefined) out.asset = cfg.asset;
  if (cfg.quote !== undefined) out.quote = cfg.quote;
  if (cfg.exchange !== undefined) out.exchange = cfg.exchange;
  if (cfg.interval !== undefined && kind !== "funding") out.interval = cfg.interval;
  if (!parsed) out.market = path === _spotPath(cfg) ? "spot" : cfg.market;
  return out;
}

function _spotPath(cfg: DataConfig): string | undefined {
  return cfg.market === "perpetual" ? cfg.paths.spot : undefined;
}
