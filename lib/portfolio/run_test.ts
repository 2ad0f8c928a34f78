import assert from "node:assert/strict";
import { runPortfolio } from "./run.ts";
import type { PortfolioCoordinator, StrategyTarget } from "./coordinator.ts";
import { backtest } from "../backtest/backtest.ts";
import { CostsSchema, MarketSchema } from "../backtest/config.ts";
import { randomProba, syntheticBars } from "../backtest/synthetic.ts";
import { RiskSchema, SignalPolicySchema } from "../strategy/config.ts";
import type { BacktestInput } from "../backtest/engine.ts";

const n = 500;
const perpBars = syntheticBars(n, 3, { perpetual: true });
const rows = Int32Array.from({ length: n }, (_, i) => i);
const common = {
  bars: perpBars,
  rows,
  intervalMs: 3600_000,
  risk: RiskSchema.parse({ stopLoss: 0.02 }),
  costs: CostsSchema.parse({}),
  market: MarketSchema.parse({ kind: "perpetual" }),
};
const policy = SignalPolicySchema.parse({ allowShort: true, entry: 0.5 });
// the same model read two ways: "follower" trades the probabilities, "contrarian" the mirrored ones
const proba = randomProba(n, 4, 2);
const mirrored = { ...proba, data: proba.data.map((_, i) => proba.data[i - (i % 3) + (2 - (i % 3))]) };
const follower: BacktestInput = { ...common, proba, policy };
const contrarian: BacktestInput = { ...common, proba: mirrored, policy };

Deno.test("runPortfolio() with the pass-through coordinator gives each strategy its standalone backtest", () => {
  const out = runPortfolio([
    { strategy: "follower", market: "BTCUSDT-PERP", input: follower },
    {
      strategy: "spot",
      market: "BTCUSDT",
      input: {
        ...follower,
        bars: syntheticBars(300, 9),
        rows: rows.subarray(0, 300),
        proba: randomProba(300, 5),
        policy: SignalPolicySchema.parse({}),
        market: MarketSchema.parse({ kind: "spot" }),
      },
    },
  ]);
  assert.deepEqual(out.get("follower")!.equity, backtest(follower).equity);
  assert.equal(out.get("spot")!.equity.length, 300);
});

Deno.test("runPortfolio() lets independent strategies hold opposite positions on one market at the same time", () => {
  const out = runPortfolio([
    { strategy: "follower", market: "BTCUSDT-PERP", input: follower },
    { strategy: "contrarian", market: "BTCUSDT-PERP", input: contrarian },
  ]);
  const a = out.get("follower")!.position, b = out.get("contrarian")!.position;
  let opposite = 0;
  for (let i = 0; i < n; i++) if (a[i] * b[i] < 0) opposite++;
  assert.ok(opposite > 50, `only ${opposite} bars with opposite positions`);
});

Deno.test("runPortfolio() executes what a replacement coordinator decides, without touching the strategies", () => {
  const halve: PortfolioCoordinator = {
    kind: "halve",
    coordinate: (ts: readonly StrategyTarget[]) =>
      new Map(ts.map((t) => [t.strategy, { ...t, size: t.size / 2 }])),
  };
  const full = runPortfolio([{ strategy: "f", market: "m", input: follower }]).get("f")!;
  const half = runPortfolio([{ strategy: "f", market: "m", input: follower }], halve).get("f")!;
  const i = full.position.findIndex((q) => q !== 0);
  assert.ok(i >= 0 && Math.abs(half.position[i]) < Math.abs(full.position[i]));
  const tooBig: PortfolioCoordinator = {
    kind: "double",
    coordinate: (ts: readonly StrategyTarget[]) =>
      new Map(ts.map((t) => [t.strategy, { ...t, size: t.size * 2 }])),
  };
  assert.throws(
    () => runPortfolio([{ strategy: "f", market: "m", input: follower }], tooBig),
    /above its cap maxPosition 1/,
  );
});
