/**
 * Markets with no edge for the leakage canaries (issue #11): shuffled-return bars (the bundled BTC bars'
 * shapes in a seeded random order, log returns demeaned) and Gaussian random-walk bars, as a spot file
 * and as a perpetual (candles, mark, spot and 8h funding derived consistently and causally from the same
 * path), optionally with coarser mark and spot files. Written as Parquet into a temp project that holds a
 * copy of `configs/`.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBars } from "../../lib/data/load.ts";
import { writeParquet } from "../../lib/data/write.ts";
import { float64Column } from "../../lib/series/columns.ts";
import { mulberry32 } from "../../lib/util/random.ts";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

const H = 3_600_000;

/** One bar series (UTC ms of the open; OHLCV). */
export interface Bars {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** What a null market is made of. */
export type NullKind = "shuffled" | "random_walk";

function _gauss(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

let _shapes: { ret: Float64Array; up: Float64Array; down: Float64Array; vol: Float64Array } | undefined;

/** Bar shapes of the bundled BTC spot bars: log(c/o) demeaned, wick sizes, volume. */
async function _realShapes() {
  if (_shapes) return _shapes;
  const t = (await loadBars(`${REPO}/data/raw/binance_BTC_USDT_spot_1h.parquet`, { kind: "ohlcv" })).table;
  const [o, h, l, c, v] = ["open", "high", "low", "close", "volume"].map((k) => float64Column(t, k));
  const n = c.length;
  const ret = Float64Array.from({ length: n }, (_, i) => Math.log(c[i] / o[i]));
  const mean = ret.reduce((a, b) => a + b, 0) / n;
  for (let i = 0; i < n; i++) ret[i] -= mean;
  _shapes = {
    ret,
    up: Float64Array.from({ length: n }, (_, i) => Math.log(h[i] / Math.max(o[i], c[i]))),
    down: Float64Array.from({ length: n }, (_, i) => Math.log(Math.min(o[i], c[i]) / l[i])),
    vol: v.slice(),
  };
  return _shapes;
}

/**
 * `rows` bars (hourly unless `intervalMs` says otherwise) with no predictable returns: `shuffled` draws whole bar shapes of the bundled BTC data
 * (with replacement, seeded; demeaned log returns), `random_walk` draws Gaussian log returns (sd 0.6 %).
 */
export async function nullBars(kind: NullKind, rows: number, seed: number, intervalMs = H): Promise<Bars> {
  const rand = mulberry32(seed);
  const g = _gauss(rand);
  const shapes = kind === "shuffled" ? await _realShapes() : undefined;
  const b: Bars = {
    timestamp: new Float64Array(rows),
    open: new Float64Array(rows),
    high: new Float64Array(rows),
    low: new Float64Array(rows),
    close: new Float64Array(rows),
    volume: new Float64Array(rows),
  };
  let p = 30000;
  const t0 = Date.UTC(2023, 0, 1);
  for (let i = 0; i < rows; i++) {
    b.timestamp[i] = t0 + i * intervalMs;
    b.open[i] = p;
    let r: number, up: number, down: number, vol: number;
    if (shapes) {
      const j = Math.floor(rand() * shapes.ret.length);
      [r, up, down, vol] = [shapes.ret[j], shapes.up[j], shapes.down[j], shapes.vol[j]];
    } else {
      r = 0.006 * g();
      up = Math.abs(0.003 * g());
      down = Math.abs(0.003 * g());
      vol = 100 * Math.exp(0.5 * g());
    }
    p = p * Math.exp(r);
    b.close[i] = p;
    b.high[i] = Math.max(b.open[i], p) * Math.exp(up);
    b.low[i] = Math.min(b.open[i], p) * Math.exp(-down);
    b.volume[i] = Math.max(vol, 1e-6);
  }
  return b;
}

/** The perpetual's companions, each from values known at its own bar's close (no look-ahead). */
export interface PerpSeries {
  candles: Bars;
  mark: Bars;
  spot: Bars;
  funding: { timestamp: Float64Array; funding_rate: Float64Array };
}

/**
 * Mark = candles x (1 + small independent noise), spot = candles x (1 - an AR(1) basis), funding at every
 * 8h boundary = 1e-4 + the mean premium (mark vs spot) of the 8 bars that closed by then.
 */
export function perpSeries(candles: Bars, seed: number): PerpSeries {
  const n = candles.close.length;
  const g = _gauss(mulberry32(seed ^ 0x5f3759df));
  const scale = (k: Float64Array): Bars => ({
    timestamp: candles.timestamp,
    open: candles.open.map((v, i) => v * k[i]),
    high: candles.high.map((v, i) => v * k[i]),
    low: candles.low.map((v, i) => v * k[i]),
    close: candles.close.map((v, i) => v * k[i]),
    volume: candles.volume,
  });
  const mk = Float64Array.from({ length: n }, () => 1 + 2e-4 * g());
  const sk = new Float64Array(n);
  let basis = 0;
  for (let i = 0; i < n; i++) {
    basis = 0.95 * basis + 1e-4 * g();
    sk[i] = 1 - basis;
  }
  const mark = scale(mk);
  const spot = scale(sk);
  const fts: number[] = [], frate: number[] = [];
  for (let i = 8; i < n; i++) {
    if (candles.timestamp[i] % (8 * H) !== 0) continue;
    let prem = 0;
    for (let j = i - 8; j < i; j++) prem += mark.close[j] / spot.close[j] - 1;
    fts.push(candles.timestamp[i]);
    frate.push(1e-4 + prem / 8);
  }
  return {
    candles,
    mark,
    spot,
    funding: { timestamp: Float64Array.from(fts), funding_rate: Float64Array.from(frate) },
  };
}

/** Bars aggregated into `k`-bar candles (open of the first, close of the last), stamped at their open. */
export function coarsen(b: Bars, k: number): Bars {
  const m = Math.floor(b.close.length / k);
  const out: Bars = {
    timestamp: new Float64Array(m),
    open: new Float64Array(m),
    high: new Float64Array(m),
    low: new Float64Array(m),
    close: new Float64Array(m),
    volume: new Float64Array(m),
  };
  for (let j = 0; j < m; j++) {
    const a = j * k;
    out.timestamp[j] = b.timestamp[a];
    out.open[j] = b.open[a];
    out.close[j] = b.close[a + k - 1];
    let hi = -Infinity, lo = Infinity, v = 0;
    for (let i = a; i < a + k; i++) {
      (hi = Math.max(hi, b.high[i])), (lo = Math.min(lo, b.low[i])), (v += b.volume[i]);
    }
    [out.high[j], out.low[j], out.volume[j]] = [hi, lo, v];
  }
  return out;
}

/** A temp project root with a copy of `configs/` (strategies, feature sets, labels). */
export async function makeCanaryProject(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "candlelab-canary-" });
  const copy = async (from: string, to: string) => {
    await Deno.mkdir(to, { recursive: true });
    for await (const e of Deno.readDir(from)) {
      if (e.isDirectory) await copy(join(from, e.name), join(to, e.name));
      else if (e.isFile) await Deno.copyFile(join(from, e.name), join(to, e.name));
    }
  };
  await copy(`${REPO}/configs`, `${root}/configs`);
  return root;
}

/** Writes `series` as Parquet at `root/rel`; returns `rel`. */
export async function writeSeries(
  root: string,
  rel: string,
  series: Record<string, Float64Array>,
): Promise<string> {
  await Deno.mkdir(dirname(join(root, rel)), { recursive: true });
  await writeParquet(join(root, rel), [series]);
  return rel;
}
