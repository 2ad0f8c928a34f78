/**
 * Spot and perpetual datasets. `loadSpot` reads candles; `loadPerpetual` reads candles, funding events and
 * mark-price candles and joins them by timestamp (funding at the candle whose open time equals the event
 * time, NaN elsewhere; mark NaN where missing), and lists funding gaps (never filled with zero).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CandlelabError } from "../util/errors.ts";
import { sha256File } from "../util/hash.ts";
import type { DatasetSourceRef, FundingGap, PerpetualDataset, SpotDataset } from "./dataset.ts";
import type { Dataset } from "./dataset.ts";
import type { DataConfig } from "./config.ts";
import { type DuckEngine, type EngineKind, openEngine } from "./engine.ts";
import { type DatasetFileInfo, type FileKind, resolveFileInfo } from "./filename.ts";
import { parseInterval } from "./interval.ts";
import { float64Column } from "./columns.ts";
import { loadBars, type LoadedBars, type TimeRange } from "./load.ts";
import { metadataPath, readMetadata } from "./metadata.ts";

/** Options shared by `loadSpot` and `loadPerpetual`. */
export interface MarketLoadOptions {
  engine?: EngineKind | DuckEngine;
  range?: TimeRange;
  /** Drop bars before `first bar + dropFirst` (e.g. "1d" for listing artefacts). */
  dropFirst?: string;
  allowDuplicates?: boolean;
  /** Override what file names say (for names off the convention). */
  overrides?: Partial<DatasetFileInfo>;
}

/** Paths of a perpetual dataset. */
export interface PerpetualPaths {
  candles: string;
  funding: string;
  mark: string;
  /** Spot candles of the same asset, joined as `spot_close` (for basis features). */
  spot?: string;
}

async function _info(path: string, kind: FileKind, overrides: Partial<DatasetFileInfo> | undefined) {
  const meta = await readMetadata(path).catch(() => undefined);
  const fromMeta = meta
    ? {
      exchange: meta.source.exchange,
      asset: meta.source.asset,
      quote: meta.source.quote,
      market: meta.source.market,
      interval: meta.source.interval,
    }
    : {};
  const info = resolveFileInfo(path, { ...fromMeta, ...overrides, kind });
  return { info, meta };
}

async function _ref(path: string, kind: FileKind, hasMeta: boolean): Promise<DatasetSourceRef> {
  return {
    path,
    sha256: await sha256File(path),
    kind,
    ...(hasMeta ? { metadataPath: metadataPath(path) } : {}),
  };
}

function _dropFirst(table: ColumnTable, dropFirst: string | undefined): ColumnTable {
  if (!dropFirst) return table;
  const ts = float64Column(table, "timestamp");
  const cut = ts[0] + parseInterval(dropFirst);
  let i = 0;
  while (i < ts.length && ts[i] < cut) i++;
  if (i === ts.length) {
    throw new CandlelabError(
      `Cannot drop the first ${dropFirst}: it would drop all ${ts.length} bars; use a shorter drop_first`,
    );
  }
  const cols: Record<string, Float64Array> = {};
  for (const name of table.columnNames()) cols[name] = float64Column(table, name).slice(i);
  return aq.table(cols);
}

async function _withEngine<T>(
  e: EngineKind | DuckEngine | undefined,
  fn: (e: DuckEngine) => Promise<T>,
): Promise<T> {
  if (typeof e === "object") return fn(e);
  const engine = await openEngine(e ?? "native");
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * Loads a spot dataset from one candle file (or folder/glob).
 *
 * @example
 * ```ts
 * import { loadSpot } from "./market.ts";
 * const ds = await loadSpot("../shared/data/binance_BTC_USDT_spot_1h.parquet", { range: { start: "2024-12-31" } });
 * console.assert(ds.market === "spot" && ds.table.numRows() === 24 && ds.intervalMs === 3_600_000);
 * ```
 */
export async function loadSpot(candles: string, options: MarketLoadOptions = {}): Promise<SpotDataset> {
  const { info, meta } = await _info(candles, "ohlcv", options.overrides);
  if (info.market !== "spot") {
    throw new CandlelabError(
      `Cannot load spot data from ${candles}: it is ${info.market} data by its name or metadata; use loadPerpetual or market: perpetual`,
    );
  }
  const loaded = await loadBars(candles, {
    engine: options.engine,
    range: options.range,
    kind: "ohlcv",
    allowDuplicates: options.allowDuplicates,
  });
  return {
    market: "spot",
    table: _dropFirst(loaded.table, options.dropFirst),
    asset: info.asset,
    quote: info.quote,
    exchange: info.exchange,
    interval: info.interval,
    intervalMs: parseInterval(info.interval),
    sources: [await _ref(loaded.files[0], "ohlcv", meta !== undefined)],
  };
}

/**
 * Lists funding gaps: expected events on the UTC grid of `fundingIntervalMs` between `firstBar` and
 * `lastBar` that have no event (before the first event, between events, after the last one).
 *
 * @example
 * ```ts
 * import { findFundingGaps } from "./market.ts";
 * const h8 = 8 * 3_600_000;
 * const gaps = findFundingGaps(new Float64Array([0, 3 * h8]), h8, 0, 3 * h8);
 * console.assert(gaps.length === 1 && gaps[0].missingEvents === 2);
 * ```
 */
export function findFundingGaps(
  events: Float64Array,
  fundingIntervalMs: number,
  firstBar: number,
  lastBar: number,
): FundingGap[] {
  const gaps: FundingGap[] = [];
  const step = fundingIntervalMs;
  const gridFrom = (t: number) => Math.ceil(t / step) * step;
  if (events.length === 0) {
    const n = Math.floor((lastBar - gridFrom(firstBar)) / step) + 1;
    if (n > 0) gaps.push({ from: firstBar, to: lastBar, missingEvents: n });
    return gaps;
  }
  const lead = Math.round((events[0] - gridFrom(firstBar)) / step);
  if (lead > 0) gaps.push({ from: firstBar, to: events[0], missingEvents: lead });
  for (let i = 1; i < events.length; i++) {
    const missing = Math.round((events[i] - events[i - 1]) / step) - 1;
    if (missing > 0) gaps.push({ from: events[i - 1], to: events[i], missingEvents: missing });
  }
  const last = events[events.length - 1];
  const trail = Math.floor((lastBar - last) / step);
  if (trail > 0) gaps.push({ from: last, to: lastBar, missingEvents: trail });
  return gaps;
}

/**
 * Loads a perpetual dataset: candles joined with funding events (`funding_rate`, NaN where no event at
 * that bar's open time) and mark-price candles (`mark_open/high/low/close`, NaN where missing). Funding
 * gaps are listed, never filled. A funding or mark file of another asset or quote is an error.
 *
 * @example
 * ```ts
 * import { loadPerpetual } from "./market.ts";
 * const d = "../shared/data/binance_BTC_USDT_perp";
 * const ds = await loadPerpetual(
 *   { candles: `${d}_1h.parquet`, funding: `${d}_8h_funding.parquet`, mark: `${d}_1h_mark.parquet` },
 *   { range: { start: "2024-01-01", end: "2024-01-02" } },
 * );
 * const rate = ds.table.array("funding_rate", Float64Array);
 * console.assert(!Number.isNaN(rate[0]) && Number.isNaN(rate[1]) && ds.fundingGaps.length === 0);
 * ```
 */
export async function loadPerpetual(
  paths: PerpetualPaths,
  options: MarketLoadOptions & { fundingInterval?: string } = {},
): Promise<PerpetualDataset> {
  const c = await _info(paths.candles, "ohlcv", options.overrides);
  const f = await _info(paths.funding, "funding", { ...options.overrides, interval: undefined });
  const m = await _info(paths.mark, "mark", options.overrides);
  if (c.info.market !== "perpetual") {
    throw new CandlelabError(
      `Cannot load perpetual data from ${paths.candles}: it is ${c.info.market} data by its name or metadata; use loadSpot or market: spot`,
    );
  }
  for (const [what, x] of [["funding", f], ["mark", m]] as const) {
    if (x.info.asset !== c.info.asset || x.info.quote !== c.info.quote) {
      throw new CandlelabError(
        `Cannot load perpetual data: the ${what} file ${
          paths[what]
        } is for ${x.info.asset}/${x.info.quote} but the candles ${paths.candles} are ${c.info.asset}/${c.info.quote}; use the ${what} file of the same asset`,
      );
    }
  }
  const fundingIntervalMs = parseInterval(options.fundingInterval ?? "8h");
  const [candles, funding, mark, spot] = await _withEngine(options.engine, async (engine) => {
    const opts = { engine, range: options.range, allowDuplicates: options.allowDuplicates };
    return [
      await loadBars(paths.candles, { ...opts, kind: "ohlcv" }),
      await loadBars(paths.funding, { ...opts, kind: "funding" }).catch((err) =>
        _emptyIfNoRows(err, "funding")
      ),
      await loadBars(paths.mark, { ...opts, kind: "mark" }).catch((err) => _emptyIfNoRows(err, "mark")),
      paths.spot ? await loadBars(paths.spot, { ...opts, kind: "ohlcv" }) : undefined,
    ] as const;
  });
  const table = _dropFirst(candles.table, options.dropFirst);
  const ts = float64Column(table, "timestamp");
  const n = ts.length;
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) index.set(ts[i], i);

  const rate = new Float64Array(n).fill(NaN);
  const fts = float64Column(funding.table, "timestamp");
  const frate = float64Column(funding.table, "funding_rate");
  const inSpan: number[] = [];
  for (let j = 0; j < fts.length; j++) {
    if (fts[j] < ts[0] || fts[j] > ts[n - 1]) continue;
    inSpan.push(fts[j]);
    const i = index.get(fts[j]);
    if (i !== undefined) rate[i] = frate[j];
  }
  const markCols = ["open", "high", "low", "close"].map(() => new Float64Array(n).fill(NaN));
  const mts = float64Column(mark.table, "timestamp");
  const msrc = ["open", "high", "low", "close"].map((k) => float64Column(mark.table, k));
  for (let j = 0; j < mts.length; j++) {
    const i = index.get(mts[j]);
    if (i !== undefined) { for (let k = 0; k < 4; k++) markCols[k][i] = msrc[k][j]; }
  }
  const cols: Record<string, Float64Array> = {};
  for (const name of table.columnNames()) cols[name] = float64Column(table, name);
  cols.funding_rate = rate;
  ["mark_open", "mark_high", "mark_low", "mark_close"].forEach((k, i) => (cols[k] = markCols[i]));
  if (spot) cols.spot_close = _joinClose(index, n, spot.table);
  return {
    market: "perpetual",
    table: aq.table(cols),
    asset: c.info.asset,
    quote: c.info.quote,
    exchange: c.info.exchange,
    interval: c.info.interval,
    intervalMs: parseInterval(c.info.interval),
    fundingIntervalMs,
    fundingGaps: findFundingGaps(Float64Array.from(inSpan), fundingIntervalMs, ts[0], ts[n - 1]),
    sources: [
      await _ref(paths.candles, "ohlcv", c.meta !== undefined),
      await _ref(paths.funding, "funding", f.meta !== undefined),
      await _ref(paths.mark, "mark", m.meta !== undefined),
      ...(paths.spot
        ? [await _ref(paths.spot, "ohlcv", (await readMetadata(paths.spot)) !== undefined)]
        : []),
    ],
  };
}

/** Close of another market's bars on this table's timestamps (NaN where that market has no bar). */
function _joinClose(index: Map<number, number>, n: number, other: ColumnTable): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  const ts = float64Column(other, "timestamp");
  const close = float64Column(other, "close");
  for (let j = 0; j < ts.length; j++) {
    const i = index.get(ts[j]);
    if (i !== undefined) out[i] = close[j];
  }
  return out;
}

/** A funding/mark file with no rows in the range joins as all-NaN (and shows as funding gaps). */
function _emptyIfNoRows(err: unknown, kind: FileKind): LoadedBars {
  if (!(err instanceof CandlelabError) || !/no rows in the range/.test(err.message)) throw err;
  const names = kind === "funding"
    ? ["timestamp", "funding_rate"]
    : ["timestamp", "open", "high", "low", "close", "volume"];
  return {
    table: aq.table(Object.fromEntries(names.map((k) => [k, new Float64Array(0)]))),
    files: [],
    kind,
    schema: [],
    columnMap: {},
    timestampUnit: "time",
  };
}

/**
 * Loads the dataset a `DataConfig` describes (spot or perpetual).
 *
 * @example
 * ```ts
 * import { loadDataset } from "./market.ts";
 * import { DataConfigSchema } from "./config.ts";
 * const cfg = DataConfigSchema.parse({
 *   market: "spot", paths: { candles: "../shared/data/binance_BTC_USDT_spot_1h.parquet" },
 *   range: { start: "2024-06-01", end: "2024-06-02" },
 * });
 * console.assert((await loadDataset(cfg)).table.numRows() === 24);
 * ```
 */
export async function loadDataset(cfg: DataConfig): Promise<Dataset> {
  // file names off the convention are described by the config (data.asset, market, interval ...);
  // a spot path may be a folder or glob of files of one series, and every one of them is a source
  const { resolveSeries } = await import("./series.ts");
  const candles = await resolveSeries(cfg, cfg.paths.candles, "ohlcv");
  const common = {
    engine: cfg.engine,
    range: cfg.range,
    dropFirst: cfg.drop_first,
    allowDuplicates: cfg.allow_duplicates,
    overrides: candles.overrides,
  };
  if (cfg.market === "spot") {
    const ds = await loadSpot(cfg.paths.candles, common);
    if (candles.files.length === 1 && candles.files[0] === cfg.paths.candles) return ds;
    const sources = await Promise.all(candles.files.map(async (f) =>
      _ref(f, "ohlcv", (await readMetadata(f).catch(() => undefined)) !== undefined)
    ));
    return { ...ds, sources };
  }
  const single = async (path: string, kind: FileKind) => {
    const s = await resolveSeries(cfg, path, kind);
    if (s.files.length !== 1) {
      throw new CandlelabError(
        `Cannot load perpetual data from ${path}: it names ${s.files.length} files; a folder or glob of files ` +
          `works for spot candles, a perpetual dataset needs one candle, funding and mark file each`,
      );
    }
    return s;
  };
  const [c, f, m, sp] = await Promise.all([
    single(cfg.paths.candles, "ohlcv"),
    single(cfg.paths.funding, "funding"),
    single(cfg.paths.mark, "mark"),
    cfg.paths.spot ? single(cfg.paths.spot, "ohlcv") : undefined,
  ]);
  const paths = { candles: c.files[0], funding: f.files[0], mark: m.files[0], spot: sp?.files[0] };
  const { fileOverrides } = await import("./config.ts");
  return loadPerpetual(paths, {
    ...common,
    overrides: fileOverrides(cfg, paths.candles, "ohlcv"),
    fundingInterval: cfg.funding_interval,
  });
}
