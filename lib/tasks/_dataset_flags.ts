/**
 * The flags of the data tasks (data:check, data:import, data:metadata) that say what a file holds when its
 * name does not: one declaration for the three tasks' argument parsers, and one reading of their values.
 *
 * @module
 */
import type { MarketType } from "../data/dataset.ts";
import type { DatasetFileInfo, FileKind } from "../data/filename.ts";
import { UsageError } from "./_cli.ts";

/**
 * `--asset`, `--quote`, `--exchange`, `--interval`, `--market` and `--kind`, each a string (node:util
 * `parseArgs` option declarations).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "node:util";
 * import { DATASET_FLAGS } from "./_dataset_flags.ts";
 * const { values } = parseArgs({ args: ["--asset", "BTC"], options: { ...DATASET_FLAGS } });
 * assert.equal(values.asset, "BTC");
 * ```
 */
export const DATASET_FLAGS = {
  asset: { type: "string" },
  quote: { type: "string" },
  exchange: { type: "string" },
  interval: { type: "string" },
  market: { type: "string" },
  kind: { type: "string" },
} as const;

const _MARKETS = new Map<string, MarketType>([["spot", "spot"], ["perp", "perpetual"], [
  "perpetual",
  "perpetual",
]]);
const _KINDS: readonly string[] = ["ohlcv", "funding", "mark"];

/**
 * The file description the dataset flags give (only the flags given), `--market perp` read as `perpetual`
 * (as in file names); a `--market` other than spot, perp or perpetual, or a `--kind` other than ohlcv,
 * funding or mark, throws a {@link UsageError} naming the flag, its value and `usage`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetOverrides } from "./_dataset_flags.ts";
 * assert.deepEqual(datasetOverrides({ market: "perp", asset: "BTC" }, "usage: x"), {
 *   market: "perpetual",
 *   asset: "BTC",
 * });
 * assert.throws(() => datasetOverrides({ market: "futures" }, "usage: x"), /--market must be spot or perp.*futures/);
 * assert.throws(() => datasetOverrides({ kind: "trades" }, "usage: x"), /--kind must be ohlcv, funding or mark/);
 * ```
 */
export function datasetOverrides(
  values: { [K in keyof typeof DATASET_FLAGS]?: string },
  usage: string,
): Partial<DatasetFileInfo> {
  const market = values.market === undefined ? undefined : _MARKETS.get(values.market);
  if (values.market !== undefined && market === undefined) {
    throw new UsageError(
      `Cannot read the arguments: --market must be spot or perp (or perpetual), current value is ` +
        `"${values.market}"; ${usage}`,
    );
  }
  if (values.kind !== undefined && !_KINDS.includes(values.kind)) {
    throw new UsageError(
      `Cannot read the arguments: --kind must be ohlcv, funding or mark, current value is "${values.kind}"; ` +
        usage,
    );
  }
  const all: Partial<DatasetFileInfo> = {
    asset: values.asset,
    quote: values.quote,
    exchange: values.exchange,
    market,
    interval: values.interval,
    kind: values.kind as FileKind | undefined,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
}
