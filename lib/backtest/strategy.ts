/**
 * A strategy's trading part (signal policy, risk, costs, market) and `getStrategy(name, dir)`, which
 * loads `<dir>/<name>.yaml` and lists the available strategies when the name is unknown. It lives with the
 * backtest, not in lib/strategy: the strategy stage turns probabilities into target positions and knows
 * nothing of costs or markets; the backtest, which consumes the targets, composes all four.
 *
 * @module
 */
import { z } from "zod";
import { loadConfig } from "../config/load.ts";
import { CandlelabError } from "../util/errors.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
import { CostsSchema, MarketSchema } from "./config.ts";

/** The part of a strategy config that the backtest and replay read. Compose it into larger configs. */
export const StrategyTradingSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_-]+$/, "name must be lowercase letters, digits, _ or -"),
  market: MarketSchema,
  policy: SignalPolicySchema.prefault({}),
  risk: RiskSchema.prefault({}),
  costs: CostsSchema.prefault({}),
});

/** Parsed trading part of a strategy. */
export type StrategyTrading = z.output<typeof StrategyTradingSchema>;

/**
 * Names of the strategies in `dir`: the `*.yaml` / `*.yml` file names without extension, sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listStrategies } from "./strategy.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/b.yaml`, "");
 * await Deno.writeTextFile(`${dir}/a.yml`, "");
 * assert.deepEqual(await listStrategies(dir), ["a", "b"]);
 * ```
 */
export async function listStrategies(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = e.isFile ? e.name.match(/^(.+)\.ya?ml$/) : null;
      if (m) names.push(m[1]);
    }
  } catch (err) {
    throw new CandlelabError(
      `Cannot list strategies: folder ${dir} cannot be read (${
        (err as Error).message
      }); pass the configs folder`,
    );
  }
  return names.sort();
}

/**
 * Loads and validates strategy `name` from `dir` (default schema: {@link StrategyTradingSchema}; pass the
 * composed experiment schema to validate a whole file). Unknown names fail with the list of available ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getStrategy } from "./strategy.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/btc_spot.yaml`, "name: btc_spot\nmarket: {kind: spot}\n");
 * const s = await getStrategy("btc_spot", dir);
 * assert.equal(s.policy.entry, 0.55);
 * await assert.rejects(() => getStrategy("eth", dir), /unknown strategy "eth"; available: btc_spot/);
 * ```
 */
export async function getStrategy<S extends z.ZodType = typeof StrategyTradingSchema>(
  name: string,
  dir: string,
  schema?: S,
): Promise<z.output<S>> {
  const available = await listStrategies(dir);
  if (!available.includes(name)) {
    throw new CandlelabError(
      `Cannot load strategy: unknown strategy "${name}"; available: ${
        available.length ? available.join(", ") : "(none)"
      } in ${dir}; pick one of these or add ${dir}/${name}.yaml`,
    );
  }
  let file = `${dir}/${name}.yaml`;
  try {
    await Deno.stat(file);
  } catch {
    file = `${dir}/${name}.yml`;
  }
  return await loadConfig(file, (schema ?? StrategyTradingSchema) as S);
}
