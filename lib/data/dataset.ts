/**
 * The shape every later stage reads: a bar table plus the metadata of the files it came from.
 *
 * Columns of `table` (Arquero ColumnTable built from typed arrays, sorted by time, unique timestamps):
 * - spot: `timestamp` (UTC ms of the bar's open, Float64Array), `open high low close volume` (Float64Array)
 * - perpetual: the same, plus `funding_rate` (rate of the funding event at that bar's open time, NaN where
 *   no event), `mark_high mark_low mark_close` (the last mark bar closed at or before the row's close, NaN
 *   where none is current), `mark_open` (mark price at the row's open: the open of a mark bar opening
 *   exactly then, NaN otherwise; the backtest values funding with it) and, with a spot file, `spot_close`
 *   (the last spot bar closed at or before the row's close). Funding gaps are listed in `fundingGaps`,
 *   never filled with zero.
 *
 * A bar is stamped with its open time; its values are known at `timestamp + intervalMs`. Every auxiliary
 * column comes from `joinPointInTime` (lib/data/point_in_time.ts, ADR-027) and is recorded in `joins`.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { JoinInfo } from "./point_in_time.ts";

/** Spot and perpetual are two dataset kinds, not a flag. */
export type MarketType = "spot" | "perpetual";

/** A span of time where funding events were expected but absent. */
export interface FundingGap {
  /** UTC ms of the last event before the gap (or the first bar if none). */
  from: number;
  /** UTC ms of the next event after the gap (or the last bar if none). */
  to: number;
  /** Number of expected events that are missing. */
  missingEvents: number;
}

/** Common fields of both dataset kinds. */
interface _DatasetBase {
  table: ColumnTable;
  asset: string;
  quote: string;
  exchange: string;
  /** e.g. "1h", "1m". */
  interval: string;
  intervalMs: number;
  /** Metadata of each source file (candles, funding, mark), with SHA-256. */
  sources: DatasetSourceRef[];
  /**
   * One record per auxiliary series joined onto the candles (funding, mark, spot): interval, rule, rows
   * without a value by cause, known-at per row. `checkPointInTime(dataset)` verifies the table against
   * them. Absent or empty on spot datasets and on tables built by hand.
   */
  joins?: JoinInfo[];
}

/** Reference to a source file and its metadata: what provenance links to. */
export interface DatasetSourceRef {
  path: string;
  sha256: string;
  /** Path of the `.metadata.json` beside the file, if one exists. */
  metadataPath?: string;
  kind: "ohlcv" | "funding" | "mark";
}

export interface SpotDataset extends _DatasetBase {
  market: "spot";
}

export interface PerpetualDataset extends _DatasetBase {
  market: "perpetual";
  /** Funding interval in ms (8h on Binance). */
  fundingIntervalMs: number;
  fundingGaps: FundingGap[];
}

export type Dataset = SpotDataset | PerpetualDataset;
