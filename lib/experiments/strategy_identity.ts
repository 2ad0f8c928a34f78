/**
 * Which strategy a run is a trial of. A config names one strategy (`name`) on one asset (`asset`); run
 * on another asset's data (a `--set data.paths.candles=...XRP...` override, or `data.asset: XRP`) it is a
 * different strategy for trial counting and for the lockbox ledger: `<name>@<asset>`. The asset comes from
 * `data.asset`, else from the candle file's name or metadata.
 *
 * @module
 */
import type { DataConfig } from "../data/config.ts";
import { resolveSeries } from "../data/series.ts";

/**
 * The strategy key of a run: `name`, or `name@ASSET` when the data is of another asset than `asset`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strategyKey } from "./strategy_identity.ts";
 * assert.equal(strategyKey({ name: "btc_trend", asset: "BTC" }, "BTC"), "btc_trend");
 * assert.equal(strategyKey({ name: "btc_trend", asset: "BTC" }, "xrp"), "btc_trend@XRP");
 * ```
 */
export function strategyKey(cfg: { name: string; asset: string }, dataAsset: string | undefined): string {
  const asset = dataAsset?.toUpperCase();
  return asset === undefined || asset === cfg.asset.toUpperCase() ? cfg.name : `${cfg.name}@${asset}`;
}

/**
 * The asset a data config loads (explicit `data.asset`, else the candle file's name or metadata); undefined
 * when it cannot be told before loading (the load stage then reports the problem).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataConfigSchema } from "../data/config.ts";
 * import { dataAsset } from "./strategy_identity.ts";
 * const d = DataConfigSchema.parse({ market: "spot", paths: { candles: "../shared/data/binance_XRP_USDT_spot_1h.parquet" } });
 * assert.equal(await dataAsset(d), "XRP");
 * ```
 */
export async function dataAsset(data: DataConfig): Promise<string | undefined> {
  if (data.asset !== undefined) return data.asset;
  try {
    return (await resolveSeries(data, data.paths.candles, "ohlcv")).overrides.asset;
  } catch {
    return undefined;
  }
}
