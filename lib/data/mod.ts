/**
 * The data layer: DuckDB engines, loading spot and perpetual datasets, resampling, file-name convention,
 * metadata and quality checks, import and synthetic data.
 *
 * @module
 */
export type {
  Dataset,
  DatasetSourceRef,
  FundingGap,
  MarketType,
  PerpetualDataset,
  SpotDataset,
} from "./dataset.ts";
export {
  type ColumnInfo,
  type DuckEngine,
  type EngineKind,
  type NumericResult,
  openEngine,
  withEngine,
} from "./engine.ts";
export { type CanonicalColumn, mapColumns } from "./columns.ts";
export { type DatasetFileInfo, type FileKind, parseDatasetFilename, resolveFileInfo } from "./filename.ts";
export { formatInterval, isoTime, parseInterval, parseTime } from "./interval.ts";
export {
  assertParquetFile,
  loadBars,
  type LoadedBars,
  type LoadOptions,
  resolveSources,
  type TimeRange,
} from "./load.ts";
export {
  computeQuality,
  type GapInfo,
  inferIntervalMs,
  type QualityFinding,
  type QualityInput,
  type QualityReport,
  sortOrder,
} from "./quality.ts";
export {
  findFundingGaps,
  loadDataset,
  loadPerpetual,
  loadSpot,
  type MarketLoadOptions,
  type PerpetualPaths,
} from "./market.ts";
export {
  assertPointInTime,
  type AuxSeries,
  checkPointInTime,
  type JoinInfo,
  joinPointInTime,
  type JoinSummary,
  joinSummary,
  type PointInTimeReport,
  rowsWithoutAux,
} from "./point_in_time.ts";
export { resample, type ResampleOptions } from "./resample.ts";
export {
  buildMetadata,
  checkFile,
  type CheckResult,
  DATA_TOOL_VERSION,
  type DatasetMetadata,
  DatasetMetadataSchema,
  formatCheck,
  metadataPath,
  readMetadata,
  writeMetadata,
} from "./metadata.ts";
export {
  type DataConfig,
  DataConfigSchema,
  type PerpetualDataConfig,
  PerpetualDataConfigSchema,
  type SpotDataConfig,
  SpotDataConfigSchema,
} from "./config.ts";
export { synthBars, type SynthOptions } from "./synth.ts";
export { type ColumnChunk, writeParquet } from "./write.ts";
export {
  detectImportFormat,
  importBars,
  type ImportFormat,
  parseBinanceCsv,
  parseFeather,
  parseFreqtradeJson,
} from "./import.ts";
