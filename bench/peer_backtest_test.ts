import assert from "node:assert/strict";
import { peerBacktest } from "./peer_backtest.ts";
import { randomProba, syntheticBars } from "../lib/backtest/synthetic.ts";

Deno.test("peerBacktest() follows the peer's definition: argmax > threshold, close-to-close, fee on |change|", () => {
  const close = new Float64Array([100, 110, 99, 99, 120]);
  const rows = new Int32Array([0, 1, 2, 3, 4]);
  // argmax long 0.6 | neutral | short 0.5 (not > 0.5 -> flat) | short 0.7 | long (last row: next return 0)
  const proba = {
    nRows: 5,
    nClasses: 3,
    data: new Float64Array([0.2, 0.2, 0.6, 0.1, 0.8, 0.1, 0.5, 0.2, 0.3, 0.7, 0.2, 0.1, 0, 0, 1]),
  };
  const r = peerBacktest(close, rows, proba, { fee: 0.001 });
  assert.deepEqual(Array.from(r.position), [1, 0, 0, -1, 1]);
  const net = [0.1 - 0.001, -0.001, 0, -(120 / 99 - 1) - 0.001, -0.002];
  net.forEach((x, i) => assert.ok(Math.abs(r.net[i] - x) < 1e-12));
  const eq = net.reduce((e, x) => e * (1 + x), 1);
  assert.ok(Math.abs(r.totalReturn - (eq - 1)) < 1e-12);
  assert.equal(r.trades, 4); // bars 0, 1, 3, 4 differ from the previous position
  assert.ok(Math.abs(r.buyAndHold - 0.2) < 1e-12);
});

Deno.test("peerBacktest() Sharpe and drawdown match a direct computation on random inputs", () => {
  const n = 5000;
  const b = syntheticBars(n + 1, 3);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const r = peerBacktest(b.close, rows, randomProba(n, 4));
  const net = Array.from(r.net);
  const mean = net.reduce((a, x) => a + x, 0) / n;
  const sd = Math.sqrt(net.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  assert.ok(Math.abs(r.sharpe - (mean / sd) * Math.sqrt(525600)) < 1e-6 * Math.abs(r.sharpe));
  let peak = -Infinity, mdd = 0;
  for (const e of r.equity) (peak = Math.max(peak, e)), (mdd = Math.min(mdd, e / peak - 1));
  assert.equal(r.maxDrawdown, mdd);
  assert.ok(r.trades > 100 && r.exposure > 0);
});
