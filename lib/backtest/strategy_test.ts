import assert from "node:assert/strict";
import { getStrategy } from "./strategy.ts";
import { ConfigError, validateConfig } from "../config/load.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
import { CostsSchema, MarketSchema } from "./config.ts";
import { CandlelabError } from "../util/errors.ts";

Deno.test("getStrategy() loads a strategy with defaults and names the available ones for an unknown name", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/btc_perp.yaml`,
    "name: btc_perp\nmarket: {kind: perpetual}\npolicy: {allowShort: true}\ncosts: {leverage: 2}\nrisk: {maxLeverage: 2}\n",
  );
  await Deno.writeTextFile(
    `${dir}/btc_spot_ema_cross_rsi.yaml`,
    "name: btc_spot_ema_cross_rsi\nmarket: {kind: spot}\n",
  );
  const s = await getStrategy("btc_perp", dir);
  assert.equal(s.market.kind, "perpetual");
  assert.equal(s.policy.allowShort, true);
  assert.equal(s.risk.cooldownBars, 0);
  assert.deepEqual(s.costs.slippage, { kind: "fixed", bps: 1 });
  await assert.rejects(
    () => getStrategy("nope", dir),
    (e: Error) =>
      e instanceof CandlelabError && e.message.includes('"nope"') &&
      e.message.includes("available: btc_perp, btc_spot_ema_cross_rsi"),
  );
});

Deno.test("config schemas reject out-of-range fees, leverage and thresholds, naming the field", () => {
  const bad: [unknown, Parameters<typeof validateConfig>[1], RegExp][] = [
    [{ takerBps: -1 }, CostsSchema, /takerBps/],
    [{ makerBps: 1001 }, CostsSchema, /makerBps/],
    [{ leverage: 0 }, CostsSchema, /leverage/],
    [{ leverage: 126 }, CostsSchema, /leverage/],
    [{ slippage: { kind: "fixed", bps: -2 } }, CostsSchema, /slippage\.bps/],
    [{ entry: 1.2 }, SignalPolicySchema, /entry/],
    [{ exit: -0.1 }, SignalPolicySchema, /exit/],
    [{ entry: 0.5, exit: 0.6 }, SignalPolicySchema, /exit must be <= entry/],
    [{ maxLeverage: 200 }, RiskSchema, /maxLeverage/],
    [{ stopLos: 0.1 }, RiskSchema, /stopLos/],
    [{ kind: "futures" }, MarketSchema, /kind/],
  ];
  for (const [data, schema, re] of bad) {
    assert.throws(
      () => validateConfig(data, schema, "s.yaml"),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
    );
  }
  assert.equal(CostsSchema.parse({}).takerBps, 5);
});
