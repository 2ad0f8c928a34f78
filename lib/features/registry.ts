/**
 * The registry of features: name -> definition. Immutable; tests that need an extra (e.g. deliberately
 * biased) feature build their own map from this one.
 *
 * @module
 */
import type { AnyFeatureDef } from "./feature.ts";
import { CandlelabError } from "../util/errors.ts";
import { atr, bollinger, closeEma, distExtremes, ema, logReturn, macd, rsi } from "./price.ts";
import { logVolume, volatility, volRatio, volumeZ } from "./volatility.ts";
import { calendar, candle } from "./bar.ts";
import { basis, fundingLast, fundingMean, premium, timeToFunding } from "./perpetual.ts";

/** Every registered feature, by name. */
export const FEATURES: ReadonlyMap<string, AnyFeatureDef> = new Map<string, AnyFeatureDef>(
  [
    logReturn,
    ema,
    closeEma,
    macd,
    rsi,
    atr,
    bollinger,
    distExtremes,
    volatility,
    volRatio,
    volumeZ,
    logVolume,
    candle,
    calendar,
    fundingLast,
    fundingMean,
    timeToFunding,
    basis,
    premium,
  ].map((d) => [d.name, d as AnyFeatureDef]),
);

/**
 * Looks a feature up by name; an unknown name throws an error listing the known ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { getFeature } from "./registry.ts";
 * assert(getFeature("rsi").columns({ period: 14 })[0] === "rsi_14");
 * ```
 */
export function getFeature(
  name: string,
  registry: ReadonlyMap<string, AnyFeatureDef> = FEATURES,
): AnyFeatureDef {
  const def = registry.get(name);
  if (!def) {
    throw new CandlelabError(
      `Cannot find feature "${name}": it is not in the registry; known features are ${
        [...registry.keys()].sort().join(", ")
      }`,
    );
  }
  return def;
}
