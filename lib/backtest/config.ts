/**
 * Schemas of trading costs and of the market a backtest runs on.
 *
 * @module
 */
import { z } from "zod";

/** Slippage: a fixed fraction of the price, or `k` x the previous bar's (high - low) / close. */
export const SlippageSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("fixed"),
    bps: z.number().min(0, "slippage bps must be >= 0").max(1000, "slippage bps must be <= 1000"),
  }),
  z.strictObject({
    kind: z.literal("volatility"),
    k: z.number().min(0, "slippage k must be >= 0").max(10, "slippage k must be <= 10"),
  }),
]);

/**
 * Costs. Every fill in the engine is a market order and pays `takerBps` on the traded notional at the fill
 * price; `makerBps` is kept for a limit-order model. Leverage multiplies the target size.
 */
export const CostsSchema = z.strictObject({
  /** @default 2 */
  makerBps: z.number().min(0, "makerBps must be >= 0").max(1000, "makerBps must be <= 1000").default(2),
  /** @default 5 */
  takerBps: z.number().min(0, "takerBps must be >= 0").max(1000, "takerBps must be <= 1000").default(5),
  /** @default {kind: "fixed", bps: 1} */
  slippage: SlippageSchema.default({ kind: "fixed", bps: 1 }),
  /** @default 1 */
  leverage: z.number().gt(0, "leverage must be > 0").max(125, "leverage must be <= 125").default(1),
});

/** Parsed costs. */
export type Costs = z.output<typeof CostsSchema>;

/** Spot, or a perpetual with funding events and a maintenance margin. */
export const MarketSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("spot") }),
  z.strictObject({
    kind: z.literal("perpetual"),
    /** Funding events at UTC times that are multiples of this (Binance: 8 h). @default 28800000 */
    fundingIntervalMs: z.int().positive().default(8 * 3600_000),
    /** @default 0.004 */
    maintenanceMarginRate: z.number().min(0).lt(0.5).default(0.004),
    /** "flag": list missing events in the result and pay nothing for them; "error": refuse. @default "flag" */
    onMissingFunding: z.enum(["flag", "error"]).default("flag"),
  }),
]);

/** Parsed market. */
export type Market = z.output<typeof MarketSchema>;
