/**
 * The dataset filename convention:
 * `{exchange}_{asset}_{quote}_{market_type}_{interval}[_{kind}].parquet`,
 * e.g. `binance_BTC_USDT_perp_8h_funding.parquet` (market_type spot|perp, kind ohlcv (default)|funding|mark).
 *
 * @module
 */
import { basename } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import type { MarketType } from "./dataset.ts";

/** Kind of rows in a file. */
export type FileKind = "ohlcv" | "funding" | "mark";

/** What a file name says about its contents. */
export interface DatasetFileInfo {
  exchange: string;
  asset: string;
  quote: string;
  market: MarketType;
  interval: string;
  kind: FileKind;
}

const _NAME =
  /^([A-Za-z0-9]+)_([A-Za-z0-9]+)_([A-Za-z0-9]+)_(spot|perp)_(\d+[smhdw])(?:_(ohlcv|funding|mark))?\.parquet$/;

/**
 * Parses a dataset file name (a path is fine) into its fields; `undefined` when it does not follow the
 * convention.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseDatasetFilename } from "./filename.ts";
 * const info = parseDatasetFilename("data/raw/binance_BTC_USDT_perp_8h_funding.parquet");
 * assert(info?.asset === "BTC" && info.kind === "funding" && info.market === "perpetual");
 * ```
 */
export function parseDatasetFilename(path: string): DatasetFileInfo | undefined {
  const m = _NAME.exec(basename(path));
  if (!m) return undefined;
  return {
    exchange: m[1].toLowerCase(),
    asset: m[2].toUpperCase(),
    quote: m[3].toUpperCase(),
    market: m[4] === "perp" ? "perpetual" : "spot",
    interval: m[5],
    kind: (m[6] ?? "ohlcv") as FileKind,
  };
}

/**
 * File info from the name, with `overrides` winning; throws when a field is still unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveFileInfo } from "./filename.ts";
 * const info = resolveFileInfo("my_prices.parquet", {
 *   exchange: "binance", asset: "BTC", quote: "USDT", market: "spot", interval: "1h", kind: "ohlcv",
 * });
 * assert(info.asset === "BTC");
 * ```
 */
export function resolveFileInfo(path: string, overrides: Partial<DatasetFileInfo> = {}): DatasetFileInfo {
  const parsed = parseDatasetFilename(path) ?? {};
  const merged = {
    kind: "ohlcv",
    ...parsed,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  } as Partial<DatasetFileInfo>;
  const missing = (["exchange", "asset", "quote", "market", "interval"] as const).filter((k) => !merged[k]);
  if (missing.length > 0) {
    throw new CandlelabError(
      `Cannot describe ${path}: its name does not follow {exchange}_{asset}_{quote}_{spot|perp}_{interval}[_{kind}].parquet and ${
        missing.join(", ")
      } ${
        missing.length > 1 ? "are" : "is"
      } not given; rename the file or pass overrides such as --asset BTC`,
    );
  }
  return merged as DatasetFileInfo;
}
