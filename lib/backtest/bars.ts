/**
 * From a Dataset (lib/data) to the engine's plain typed arrays.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { CandlelabError } from "../util/errors.ts";
import type { BacktestBars } from "./engine.ts";

/**
 * The bar columns of a spot or perpetual dataset as Float64Arrays (perpetual: with `funding_rate`,
 * `mark_open`, `mark_close`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { barsFromDataset } from "./bars.ts";
 * const c = new Float64Array([1, 2]);
 * const table = aq.table({ timestamp: new Float64Array([0, 60000]), open: c, high: c, low: c, close: c, volume: c });
 * const bars = barsFromDataset({ market: "spot", table, asset: "BTC", quote: "USDT", exchange: "x", interval: "1m", intervalMs: 60000, sources: [] });
 * assert.deepEqual(bars.close, c);
 * ```
 */
export function barsFromDataset(ds: Dataset): BacktestBars {
  const names = new Set(ds.table.columnNames());
  const col = (name: string) => {
    if (!names.has(name)) {
      throw new CandlelabError(
        `Cannot backtest dataset ${ds.asset}/${ds.quote} ${ds.market}: column ${name} is missing (columns: ${
          [...names].join(", ")
        }); load it with lib/data`,
      );
    }
    return ds.table.array(name, Float64Array) as Float64Array;
  };
  const bars: BacktestBars = {
    timestamp: col("timestamp"),
    open: col("open"),
    high: col("high"),
    low: col("low"),
    close: col("close"),
  };
  if (ds.market === "perpetual") {
    bars.fundingRate = col("funding_rate");
    if (names.has("mark_open")) bars.markOpen = col("mark_open");
    if (names.has("mark_close")) bars.markClose = col("mark_close");
  }
  return bars;
}
