import assert from "node:assert/strict";
import { PassThroughCoordinator, type PortfolioCoordinator } from "./coordinator.ts";
import { CandlelabError } from "../util/errors.ts";

Deno.test("PassThroughCoordinator passes every target through unchanged, keyed by strategy", () => {
  const c: PortfolioCoordinator = new PassThroughCoordinator();
  const targets = [
    { strategy: "btc_spot_ema_cross_rsi", market: "BTCUSDT", time: 1, size: 0.75 },
    { strategy: "btc_perp_trend", market: "BTCUSDT", time: 1, size: -0.5 },
    { strategy: "xrp_perp", market: "XRPUSDT", time: 1, size: 0 },
  ];
  const out = c.coordinate(targets);
  assert.deepEqual([...out.keys()], ["btc_spot_ema_cross_rsi", "btc_perp_trend", "xrp_perp"]);
  for (const t of targets) assert.deepEqual(out.get(t.strategy), t);
});

Deno.test("PassThroughCoordinator lets two strategies hold opposite positions on one market at once", () => {
  const out = new PassThroughCoordinator().coordinate([
    { strategy: "long_one", market: "BTCUSDT", time: 5, size: 1 },
    { strategy: "short_one", market: "BTCUSDT", time: 5, size: -1 },
  ]);
  assert.equal(out.get("long_one")!.size, 1);
  assert.equal(out.get("short_one")!.size, -1); // not netted to 0
});

Deno.test("PassThroughCoordinator refuses two targets from one strategy at one time", () => {
  assert.throws(
    () =>
      new PassThroughCoordinator().coordinate([
        { strategy: "a", market: "m", time: 0, size: 1 },
        { strategy: "a", market: "m", time: 0, size: -1 },
      ]),
    CandlelabError,
  );
});
