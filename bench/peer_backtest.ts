/**
 * The peer's simple vectorised backtest (`../shared/peers/pipeline_sklearn.py`), reproduced so that
 * benchmarks compare like with like. It is not the engine: no next-open fills, no risk rules. It lives in
 * bench/ because only the benchmark runs it (ADR-036).
 *
 * @module
 */
import type { ProbaMatrix } from "../lib/models/estimator.ts";
import { CLASS_DIRECTION } from "../lib/labels/classes.ts";
import { CandlelabError } from "../lib/util/errors.ts";

/** Output of {@link peerBacktest}, named as the peer prints them. */
export interface PeerResult {
  position: Float64Array;
  net: Float64Array;
  equity: Float64Array;
  totalReturn: number;
  sharpe: number;
  maxDrawdown: number;
  trades: number;
  exposure: number;
  buyAndHold: number;
}

/**
 * Position = direction of the argmax class when its probability > `threshold`, else 0; held from close t to
 * close t+1 (0 return after the series' last bar); net = pos x ret - fee x |change in pos|;
 * equity = cumprod(1 + net); Sharpe = mean / sample std x sqrt(525600); trades = bars whose position
 * differs from the previous one (the first compared with 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peerBacktest } from "./peer_backtest.ts";
 * const close = new Float64Array([100, 110, 99]);
 * const r = peerBacktest(close, new Int32Array([0, 1]), { nRows: 2, nClasses: 3, data: new Float64Array([0, 0, 1, 0.8, 0.1, 0.1]) });
 * assert.deepEqual(Array.from(r.position), [1, -1]);
 * assert.ok(Math.abs(r.net[0] - (0.1 - 0.0005)) < 1e-12); // long 100 -> 110, fee on |1 - 0|
 * assert.ok(Math.abs(r.net[1] - (0.1 - 0.001)) < 1e-12);  // short 110 -> 99, fee on |-1 - 1|
 * ```
 */
export function peerBacktest(
  close: Float64Array,
  rows: Int32Array,
  proba: ProbaMatrix,
  options: {
    fee?: number;
    threshold?: number;
    /** Allocator of the three output series (default `new Float64Array(n)`), e.g. `hugePageAllocator`. */
    alloc?: (n: number) => Float64Array;
  } = {},
): PeerResult {
  const { fee = 5e-4, threshold = 0.5 } = options;
  const alloc = options.alloc ?? ((k: number) => new Float64Array(k));
  const n = rows.length;
  if (proba.nRows !== n || proba.nClasses !== 3) {
    throw new CandlelabError(
      `Cannot run the peer backtest: proba is ${proba.nRows} x ${proba.nClasses} but rows has ${n}; pass n x 3 probabilities, one row per bar index`,
    );
  }
  const d = proba.data, nc = close.length;
  const position = alloc(n), net = alloc(n), equity = alloc(n);
  let prev = 0, eq = 1, peak = -Infinity, mdd = 0, sum = 0, sumSq = 0, trades = 0, exposed = 0;
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    let am = 0, pm = d[3 * k];
    if (d[3 * k + 1] > pm) (am = 1), (pm = d[3 * k + 1]);
    if (d[3 * k + 2] > pm) (am = 2), (pm = d[3 * k + 2]);
    const pos = pm > threshold ? CLASS_DIRECTION[am] : 0;
    const ret = r + 1 < nc ? close[r + 1] / close[r] - 1 : 0;
    const turn = Math.abs(pos - prev);
    if (turn > 0) trades++;
    if (pos !== 0) exposed++;
    const x = pos * ret - fee * turn;
    position[k] = pos;
    net[k] = x;
    eq *= 1 + x;
    equity[k] = eq;
    if (eq > peak) peak = eq;
    if (eq / peak - 1 < mdd) mdd = eq / peak - 1;
    sum += x;
    sumSq += x * x;
    prev = pos;
  }
  const mean = sum / n;
  const sd = n > 1 ? Math.sqrt(Math.max((sumSq - n * mean * mean) / (n - 1), 0)) : 0;
  return {
    position,
    net,
    equity,
    totalReturn: eq - 1,
    sharpe: sd > 0 ? mean / sd * Math.sqrt(525_600) : 0,
    maxDrawdown: mdd,
    trades,
    exposure: exposed / n,
    buyAndHold: close[rows[n - 1]] / close[rows[0]] - 1,
  };
}
