/**
 * One series from a config path that may be a file, a folder or a glob: the files it names, and what
 * they are (exchange, asset, quote, market, interval) from their names, their metadata or the config's
 * explicit `data.*` fields. Files of more than one series are refused.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { type DataConfig, fileOverrides } from "./config.ts";
import { type DatasetFileInfo, type FileKind, parseDatasetFilename } from "./filename.ts";
import { resolveSources } from "./load.ts";
import { readMetadata } from "./metadata.ts";

/** The files of one series and the file info to load them with. */
export interface SeriesFiles {
  files: string[];
  /** Overrides for `resolveFileInfo`: the files' shared name fields, then the config's explicit fields. */
  overrides: Partial<DatasetFileInfo>;
}

const _FIELDS = ["exchange", "asset", "quote", "market", "interval", "kind"] as const;

/**
 * Resolves `path` (file, folder or glob) into the files of one series and their shared description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataConfigSchema } from "./config.ts";
 * import { resolveSeries } from "./series.ts";
 * const cfg = DataConfigSchema.parse({ market: "spot", paths: { candles: "../shared/data/binance_XRP_USDT_spot_1h.parquet" } });
 * const s = await resolveSeries(cfg, "../shared/data/binance_*_USDT_spot_1h.parquet", "ohlcv").catch((e) => e);
 * assert.match(String(s), /more than one series/);
 * const x = await resolveSeries(cfg, cfg.paths.candles, "ohlcv");
 * assert.equal(x.overrides.asset, "XRP");
 * ```
 */
export async function resolveSeries(cfg: DataConfig, path: string, kind: FileKind): Promise<SeriesFiles> {
  const files = await resolveSources(path);
  const described = await Promise.all(files.map(async (f) => {
    const parsed = parseDatasetFilename(f);
    if (parsed) return parsed;
    const meta = await readMetadata(f).catch(() => undefined);
    return meta ? { ...meta.source, kind: meta.source.kind } : undefined;
  }));
  const known = described.filter((d): d is DatasetFileInfo => d !== undefined);
  const key = (d: DatasetFileInfo) => _FIELDS.map((k) => d[k]).join("/");
  const kinds = [...new Set(known.map(key))];
  if (kinds.length > 1 || (known.length > 0 && known.length < files.length)) {
    const unnamed = files.filter((_, i) => described[i] === undefined);
    throw new CandlelabError(
      `Cannot load ${path}: its ${files.length} files are of more than one series (${kinds.join(", ")}${
        unnamed.length > 0
          ? `, and ${unnamed.length} file(s) named off the convention such as ${unnamed[0]}`
          : ""
      }); point the config at the files of one asset, market and interval`,
    );
  }
  const base: Partial<DatasetFileInfo> = known[0]
    ? Object.fromEntries(_FIELDS.filter((k) => k !== "kind").map((k) => [k, known[0][k]]))
    : {};
  return { files, overrides: { ...base, ...fileOverrides(cfg, files[0], kind) } };
}
