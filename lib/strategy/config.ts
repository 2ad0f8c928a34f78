/**
 * Schemas of a strategy's signal policy (class probabilities -> target position) and its risk rules.
 * Strict objects with defaults: a typo is an error, a missing field takes the documented default.
 *
 * @module
 */
import { z } from "zod";

const _prob = (what: string) =>
  z.number({ error: `${what} must be a probability in [0, 1]` }).min(0, `${what} must be >= 0`).max(
    1,
    `${what} must be <= 1`,
  );

/**
 * Signal policy. Enter long when `p_long >= entry` and `p_long > p_short` (short mirrored, if
 * `allowShort`); hold an open side while its probability stays `>= exit` (hysteresis); otherwise flat.
 * Size (fraction of equity, before leverage) grows linearly from `minSize` at `p = entry` to `maxSize`
 * at `p = 1`; a held position whose probability fell between `exit` and `entry` keeps `minSize`.
 * A resize within the same side is executed only when it moves the size by at least `rebalanceBand`.
 */
export const SignalPolicySchema = z.strictObject({
  /** @default 0.55 */
  entry: _prob("entry").default(0.55),
  /** @default 0.45 */
  exit: _prob("exit").default(0.45),
  /** @default 0.25 */
  minSize: z.number().gt(0, "minSize must be > 0").max(1, "minSize must be <= 1").default(0.25),
  /** @default 1 */
  maxSize: z.number().gt(0, "maxSize must be > 0").max(1, "maxSize must be <= 1").default(1),
  /** Spot cannot short; perpetual strategies set this to true. @default false */
  allowShort: z.boolean().default(false),
  /** @default 0.1 */
  rebalanceBand: z.number().min(0).max(1).default(0.1),
}).refine((p) => p.exit <= p.entry, { message: "exit must be <= entry", path: ["exit"] })
  .refine((p) => p.minSize <= p.maxSize, { message: "minSize must be <= maxSize", path: ["minSize"] });

/** Parsed signal policy. */
export type SignalPolicy = z.output<typeof SignalPolicySchema>;

/**
 * Per-strategy risk rules, applied bar by bar by the backtest engine and by replay.
 * `null` disables a rule.
 */
export const RiskSchema = z.strictObject({
  /** Cap on |size| (fraction of equity before leverage). @default 1 */
  maxPosition: z.number().gt(0, "maxPosition must be > 0").max(1, "maxPosition must be <= 1").default(1),
  /** Cap on the leverage the costs/market may use. @default 1 */
  maxLeverage: z.number().gt(0, "maxLeverage must be > 0").max(125, "maxLeverage must be <= 125").default(1),
  /** Stop-loss as a fraction of the entry price (0.02 = 2 %). @default null */
  stopLoss: z.number().gt(0).lt(1).nullable().default(null),
  /** Take-profit as a fraction of the entry price. @default null */
  takeProfit: z.number().gt(0).max(100).nullable().default(null),
  /** Kill-switch: go flat and stay flat once equity is this fraction below its peak. @default null */
  maxDrawdown: z.number().gt(0).max(1).nullable().default(null),
  /** Bars without new entries after a stop-loss or liquidation. @default 0 */
  cooldownBars: z.int().min(0).default(0),
});

/** Parsed risk rules. */
export type Risk = z.output<typeof RiskSchema>;
