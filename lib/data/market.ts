/**
 * Spot and perpetual datasets. `loadSpot` reads candles; `loadPerpetual` reads candles, funding events,
 * mark-price candles and optionally spot candles and joins each of them through the one point-in-time
 * rule (`joinPointInTime`, ADR-027: a row sees only values known by its close), records the joins in
 * `dataset.joins`, and lists funding gaps (never filled with zero).
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
import { type DatasetFileInfo, type FileKind, parseDatasetFilename, resolveFileInfo } from "./filename.ts";
import { formatInterval, parseInterval, parseTime } from "./interval.ts";
import { type JoinInfo, joinPointInTime } from "./point_in_time.ts";
import { inferIntervalMs } from "./quality.ts";
import { float64Column } from "../series/columns.ts";
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
 * import assert from "node:assert";
 * import { loadSpot } from "./market.ts";
 * const ds = await loadSpot("../shared/data/binance_BTC_USDT_spot_1h.parquet", { range: { start: "2024-12-31" } });
 * assert(ds.market === "spot" && ds.table.numRows() === 24 && ds.intervalMs === 3_600_000);
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
  const table = _dropFirst(loaded.table, options.dropFirst);
  return {
    market: "spot",
    table,
    asset: info.asset,
    quote: info.quote,
    exchange: info.exchange,
    interval: info.interval,
    intervalMs: _candleInterval(info.interval, float64Column(table, "timestamp"), candles),
    sources: [await _ref(loaded.files[0], "ohlcv", meta !== undefined)],
  };
}

/**
 * Lists funding gaps: expected events on the UTC grid of `fundingIntervalMs` between `firstBar` and
 * `lastBar` that have no event (before the first event, between events, after the last one).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { findFundingGaps } from "./market.ts";
 * const h8 = 8 * 3_600_000;
 * const gaps = findFundingGaps(new Float64Array([0, 3 * h8]), h8, 0, 3 * h8);
 * assert(gaps.length === 1 && gaps[0].missingEvents === 2);
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
 * Loads a perpetual dataset: candles joined by `joinPointInTime` (ADR-027) with funding events
 * (`funding_rate` on the row opening at the event time, NaN elsewhere; an event inside a candle is refused),
 * mark-price candles (`mark_high/low/close`: the last mark bar closed by the row's close; `mark_open`: the
 * mark open at the row's open, for the backtest's funding valuation) and, with `paths.spot`, `spot_close`.
 * Mark and spot may be coarser (carried from the last closed bar) or finer (aggregated to complete candle
 * bars) than the candles; `dataset.joins` records each join with its rows without a value. The candle and
 * aux intervals are checked against the bars' spacing. Funding gaps are listed, never filled. A funding or
 * mark file of another asset or quote is an error.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadPerpetual } from "./market.ts";
 * const d = "../shared/data/binance_BTC_USDT_perp";
 * const ds = await loadPerpetual(
 *   { candles: `${d}_1h.parquet`, funding: `${d}_8h_funding.parquet`, mark: `${d}_1h_mark.parquet` },
 *   { range: { start: "2024-01-01", end: "2024-01-02" } },
 * );
 * const rate = ds.table.array("funding_rate", Float64Array);
 * assert(!Number.isNaN(rate[0]) && Number.isNaN(rate[1]) && ds.fundingGaps.length === 0);
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
      await loadBars(paths.mark, { ...opts, range: await _auxRange(paths.mark, options.range), kind: "mark" })
        .catch((err) => _emptyIfNoRows(err, "mark")),
      paths.spot
        ? await loadBars(paths.spot, {
          ...opts,
          range: await _auxRange(paths.spot, options.range),
          kind: "ohlcv",
        })
        : undefined,
    ] as const;
  });
  const table = _dropFirst(candles.table, options.dropFirst);
  const ts = float64Column(table, "timestamp");
  const n = ts.length;
  const intervalMs = _candleInterval(c.info.interval, ts, paths.candles);
  const grid = { timestamp: ts, intervalMs };

  // Every auxiliary series goes through the one point-in-time join (ADR-027).
  const fts = float64Column(funding.table, "timestamp");
  const fundingJoin = joinPointInTime(grid, {
    name: "funding",
    kind: "events",
    interval: formatInterval(fundingIntervalMs),
    timestamp: fts,
    values: { funding_rate: float64Column(funding.table, "funding_rate") },
  });
  const inSpan: number[] = [];
  for (let j = 0; j < fts.length; j++) if (fts[j] >= ts[0] && fts[j] <= ts[n - 1]) inSpan.push(fts[j]);
  const mts = float64Column(mark.table, "timestamp");
  const markJoin = joinPointInTime(grid, {
    name: "mark",
    kind: "bars",
    interval: await _auxInterval(paths.mark, mts, "mark"),
    timestamp: mts,
    values: Object.fromEntries(
      ["open", "high", "low", "close"].map((k) => [`mark_${k}`, float64Column(mark.table, k)]),
    ),
    openColumns: ["mark_open"],
  });
  const joins: JoinInfo[] = [fundingJoin.join, markJoin.join];
  const cols: Record<string, Float64Array> = {};
  for (const name of table.columnNames()) cols[name] = float64Column(table, name);
  cols.funding_rate = fundingJoin.columns.funding_rate;
  for (const k of ["mark_open", "mark_high", "mark_low", "mark_close"]) cols[k] = markJoin.columns[k];
  if (spot) {
    const sts = float64Column(spot.table, "timestamp");
    const spotJoin = joinPointInTime(grid, {
      name: "spot",
      kind: "bars",
      interval: await _auxInterval(paths.spot!, sts, "spot"),
      timestamp: sts,
      values: { spot_close: float64Column(spot.table, "close") },
    });
    cols.spot_close = spotJoin.columns.spot_close;
    joins.push(spotJoin.join);
  }
  return {
    market: "perpetual",
    table: aq.table(cols),
    asset: c.info.asset,
    quote: c.info.quote,
    exchange: c.info.exchange,
    interval: c.info.interval,
    intervalMs,
    fundingIntervalMs,
    fundingGaps: findFundingGaps(Float64Array.from(inSpan), fundingIntervalMs, ts[0], ts[n - 1]),
    joins,
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

/**
 * The candle interval the name/metadata/config declares, checked against the bars' own spacing (the most
 * common step): a mismatch would put every row's close at the wrong time, so it is refused.
 */
function _candleInterval(declared: string, ts: Float64Array, path: string): number {
  const ms = parseInterval(declared);
  const seen = inferIntervalMs(ts);
  if (Number.isFinite(seen) && seen !== ms) {
    throw new CandlelabError(
      `Cannot load ${path}: the candles are declared ${declared} (by name, metadata or data.interval) but their bars are ${
        formatInterval(seen)
      } apart; fix data.interval or the file name`,
    );
  }
  return ms;
}

/**
 * Interval of an auxiliary bar file (mark, spot): what its own name or metadata says (never the candles'
 * data.interval), checked against its bars' spacing; the spacing when neither says. Refused when they
 * disagree or when nothing tells (a wrong interval would move when its values count as known).
 */
async function _auxInterval(path: string, ts: Float64Array, what: string): Promise<string> {
  const declared = parseDatasetFilename(path)?.interval ??
    (await readMetadata(path).catch(() => undefined))?.source.interval;
  const seen = inferIntervalMs(ts);
  if (declared !== undefined) {
    if (Number.isFinite(seen) && seen !== parseInterval(declared)) {
      throw new CandlelabError(
        `Cannot load the ${what} file ${path}: its name or metadata says ${declared} but its bars are ${
          formatInterval(seen)
        } apart; rename the file or fix its metadata`,
      );
    }
    return declared;
  }
  if (!Number.isFinite(seen)) {
    throw new CandlelabError(
      `Cannot load the ${what} file ${path}: its interval is unknown (its name does not say and it has fewer than 2 bars in the range); ` +
        `name it {exchange}_{asset}_{quote}_{spot|perp}_{interval}[_mark].parquet or widen the range`,
    );
  }
  return formatInterval(seen);
}

/**
 * The range to read an auxiliary bar file with: the candles' range, starting one aux interval earlier (by
 * its name or metadata) so the bar that closes at the range start is there for the first rows.
 */
async function _auxRange(path: string, range: TimeRange | undefined): Promise<TimeRange | undefined> {
  if (range?.start === undefined) return range;
  const declared = parseDatasetFilename(path)?.interval ??
    (await readMetadata(path).catch(() => undefined))?.source.interval;
  if (declared === undefined) return range;
  const start = typeof range.start === "number" ? range.start : parseTime(range.start);
  return { ...range, start: start - parseInterval(declared) };
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
 * import assert from "node:assert";
 * import { loadDataset } from "./market.ts";
 * import { DataConfigSchema } from "./config.ts";
 * const cfg = DataConfigSchema.parse({
 *   market: "spot", paths: { candles: "../shared/data/binance_BTC_USDT_spot_1h.parquet" },
 *   range: { start: "2024-06-01", end: "2024-06-02" },
 * });
 * assert((await loadDataset(cfg)).table.numRows() === 24);
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
    const sources = await Promise.all(
      candles.files.map(async (f) =>
        _ref(f, "ohlcv", (await readMetadata(f).catch(() => undefined)) !== undefined)
      ),
    );
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
