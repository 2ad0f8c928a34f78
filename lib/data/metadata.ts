/**
 * `DatasetMetadata`: the `<file>.metadata.json` written beside each raw Parquet file (atomically).
 * It records where the data came from, its schema, its SHA-256 and its quality metrics, so a run can be
 * traced to the bytes it read and `deno task data:check` can tell when a file changed.
 *
 * @module
 */
import { z } from "zod";
import { basename } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { sha256File } from "../util/hash.ts";
import type { EngineKind } from "./engine.ts";
import { type DatasetFileInfo, resolveFileInfo } from "./filename.ts";
import { isoTime, parseInterval } from "./interval.ts";
import { loadBars } from "./load.ts";
import { float64Column } from "../series/columns.ts";

/** Version of the data layer written into metadata (bump when metrics change meaning). */
export const DATA_TOOL_VERSION = "candlelab-data 0.1.0";

const _Finding = z.strictObject({
  severity: z.enum(["hard", "warning", "info"]),
  code: z.string(),
  message: z.string(),
  column: z.string().optional(),
  count: z.number(),
});

/** Zod schema of the quality report. */
export const QualitySchema = z.strictObject({
  rows: z.number().int().nonnegative(),
  intervalMs: z.number().nullable(),
  gaps: z.strictObject({
    count: z.number().int(),
    missingBars: z.number().int(),
    largest: z.array(
      z.strictObject({ from: z.string(), to: z.string(), missingBars: z.number(), hours: z.number() }),
    ),
  }),
  duplicateTimestamps: z.number().int(),
  unsortedSteps: z.number().int(),
  nullValues: z.record(z.string(), z.number()),
  nonPositivePrices: z.record(z.string(), z.number()),
  ohlcInconsistent: z.number().int(),
  zeroVolumeBars: z.number().int(),
  extremeReturns: z.strictObject({
    thresholdSigma: z.number(),
    sigma: z.number().nullable(),
    count: z.number().int(),
    largest: z.array(z.strictObject({ at: z.string(), logReturn: z.number() })),
  }),
  findings: z.array(_Finding),
  hardFailures: z.number().int(),
});

/** Zod schema of `<file>.metadata.json`. */
export const DatasetMetadataSchema = z.strictObject({
  formatVersion: z.literal(1),
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.strictObject({
    exchange: z.string(),
    asset: z.string(),
    quote: z.string(),
    market: z.enum(["spot", "perpetual"]),
    interval: z.string(),
    kind: z.enum(["ohlcv", "funding", "mark"]),
    origin: z.string().optional(),
    attribution: z.string().optional(),
    synthetic: z.boolean().default(false),
    seed: z.number().optional(),
  }),
  rows: z.number().int().nonnegative(),
  timeRange: z.strictObject({ start: z.string().nullable(), end: z.string().nullable() }),
  intervalMs: z.number(),
  schema: z.array(z.strictObject({ name: z.string(), type: z.string() })),
  timestampUnit: z.string(),
  quality: QualitySchema,
  tool: z.string(),
  created: z.string(),
});

/** Contents of `<file>.metadata.json`. */
export type DatasetMetadata = z.output<typeof DatasetMetadataSchema>;

/** Options of `buildMetadata` / `writeMetadata`. */
export interface MetadataOptions {
  engine?: EngineKind;
  /** Fields that override or complete what the file name says. */
  overrides?: Partial<DatasetFileInfo>;
  origin?: string;
  attribution?: string;
  synthetic?: boolean;
  seed?: number;
  /** Fixed creation time (tests); default now. */
  created?: string;
}

/**
 * Path of the metadata file beside a data file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { metadataPath } from "./metadata.ts";
 * assert(metadataPath("a/b.parquet") === "a/b.parquet.metadata.json");
 * ```
 */
export function metadataPath(file: string): string {
  return `${file}.metadata.json`;
}

/**
 * Builds the metadata of one Parquet file: hash, schema, time range and quality (reads the file only).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { buildMetadata } from "./metadata.ts";
 * const m = await buildMetadata("../shared/data/binance_BTC_USDT_perp_8h_funding.parquet");
 * assert(m.source.kind === "funding" && m.rows === 5819 && m.quality.hardFailures === 0);
 * ```
 */
export async function buildMetadata(file: string, options: MetadataOptions = {}): Promise<DatasetMetadata> {
  const info = resolveFileInfo(file, options.overrides);
  const sha256 = await sha256File(file);
  const bytes = (await Deno.stat(file)).size;
  const loaded = await loadBars(file, {
    engine: options.engine,
    kind: info.kind,
    allowDuplicates: true,
    quality: true,
    interval: info.interval,
  });
  const ts = float64Column(loaded.table, "timestamp");
  const q = loaded.quality!;
  const meta: DatasetMetadata = {
    formatVersion: 1,
    file: basename(file),
    bytes,
    sha256,
    source: {
      ...info,
      origin: options.origin,
      attribution: options.attribution,
      synthetic: options.synthetic ?? false,
      seed: options.seed,
    },
    rows: q.rows,
    timeRange: { start: isoTime(ts[0]), end: isoTime(ts[ts.length - 1]) },
    intervalMs: parseInterval(info.interval),
    schema: loaded.schema,
    timestampUnit: loaded.timestampUnit,
    quality: { ...q, intervalMs: Number.isFinite(q.intervalMs) ? q.intervalMs : null },
    tool: DATA_TOOL_VERSION,
    created: options.created ?? new Date().toISOString(),
  };
  return DatasetMetadataSchema.parse(JSON.parse(JSON.stringify(meta)));
}

/**
 * Builds and writes `<file>.metadata.json` atomically; keeps origin/attribution/synthetic from an existing
 * metadata file unless given. The data file itself is never modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeMetadata, readMetadata } from "./metadata.ts";
 * const dir = await Deno.makeTempDir();
 * const f = `${dir}/binance_BTC_USDT_perp_8h_funding.parquet`;
 * await Deno.copyFile("../shared/data/binance_BTC_USDT_perp_8h_funding.parquet", f);
 * await writeMetadata(f, { origin: "test copy" });
 * assert((await readMetadata(f))?.source.origin === "test copy");
 * ```
 */
export async function writeMetadata(file: string, options: MetadataOptions = {}): Promise<DatasetMetadata> {
  const old = await readMetadata(file).catch(() => undefined);
  const meta = await buildMetadata(file, {
    origin: old?.source.origin,
    attribution: old?.source.attribution,
    synthetic: old?.source.synthetic,
    seed: old?.source.seed,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  });
  await writeJsonAtomic(metadataPath(file), meta);
  return meta;
}

/**
 * Reads and validates `<file>.metadata.json`; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readMetadata } from "./metadata.ts";
 * assert((await readMetadata("no/such/file.parquet")) === undefined);
 * ```
 */
export async function readMetadata(file: string): Promise<DatasetMetadata | undefined> {
  const path = metadataPath(file);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read ${path}: not valid JSON (${
        (err as Error).message
      }); regenerate it with deno task data:metadata ${file}`,
    );
  }
  const r = DatasetMetadataSchema.safeParse(data);
  if (!r.success) {
    throw new CandlelabError(
      `Cannot read ${path}: it does not match the metadata schema:\n${
        z.prettifyError(r.error)
      }\nregenerate it with deno task data:metadata ${file}`,
    );
  }
  return r.data;
}

/** Result of `checkFile`. */
export interface CheckResult {
  file: string;
  ok: boolean;
  /** true/false when metadata exists, undefined when it does not. */
  hashMatches?: boolean;
  metadata?: DatasetMetadata;
  current: DatasetMetadata;
  /** Reasons the check failed (hash mismatch, hard findings, unreadable file). */
  problems: string[];
}

/**
 * Checks one file: recomputes hash and quality, compares with its metadata. Fails (ok = false) on a hash
 * mismatch or a hard finding (duplicates, unsorted, NaN/non-positive prices). Writes nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkFile } from "./metadata.ts";
 * const r = await checkFile("../shared/data/binance_BTC_USDT_perp_8h_funding.parquet");
 * assert(r.ok && r.hashMatches === undefined);
 * ```
 */
export async function checkFile(file: string, options: MetadataOptions = {}): Promise<CheckResult> {
  const metadata = await readMetadata(file);
  const overrides = metadata
    ? {
      exchange: metadata.source.exchange,
      asset: metadata.source.asset,
      quote: metadata.source.quote,
      market: metadata.source.market,
      interval: metadata.source.interval,
      kind: metadata.source.kind,
      ...options.overrides,
    }
    : options.overrides;
  const current = await buildMetadata(file, { ...options, overrides });
  const problems: string[] = [];
  let hashMatches: boolean | undefined;
  if (metadata) {
    hashMatches = metadata.sha256 === current.sha256;
    if (!hashMatches) {
      problems.push(
        `${file}: SHA-256 is ${current.sha256.slice(0, 16)}..., its metadata says ${
          metadata.sha256.slice(0, 16)
        }...: the file changed since the metadata was written; restore it, or run deno task data:metadata ${file} if the change is intended`,
      );
    }
  }
  for (const f of current.quality.findings) if (f.severity === "hard") problems.push(f.message);
  return { file, ok: problems.length === 0, hashMatches, metadata, current, problems };
}

/**
 * Human-readable quality report of a check, several lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkFile, formatCheck } from "./metadata.ts";
 * const text = formatCheck(await checkFile("../shared/data/binance_BTC_USDT_perp_8h_funding.parquet"));
 * assert(text.includes("5819 rows"));
 * ```
 */
export function formatCheck(r: CheckResult): string {
  const m = r.current, q = m.quality;
  const lines = [
    `${r.ok ? "OK  " : "FAIL"} ${r.file}`,
    `  ${m.source.exchange} ${m.source.asset}/${m.source.quote} ${m.source.market} ${m.source.interval} ${m.source.kind}${
      m.source.synthetic ? " (synthetic)" : ""
    }: ${m.rows} rows, ${m.timeRange.start} .. ${m.timeRange.end}`,
    `  sha256 ${m.sha256.slice(0, 16)}... ${
      r.hashMatches === undefined
        ? "(no metadata file: run deno task data:metadata)"
        : r.hashMatches
        ? "matches metadata"
        : "DIFFERS from metadata"
    }`,
    `  gaps: ${q.gaps.count} (${q.gaps.missingBars} missing bars)` +
    (q.gaps.largest.length
      ? `; largest: ${
        q.gaps.largest.slice(0, 5).map((g) => `${g.hours}h from ${g.from.slice(0, 16)}`).join(", ")
      }`
      : ""),
    `  duplicates ${q.duplicateTimestamps}, unsorted steps ${q.unsortedSteps}, OHLC inconsistent ${q.ohlcInconsistent}, ` +
    `zero-volume bars ${q.zeroVolumeBars}${m.source.kind === "mark" ? " (expected for mark price)" : ""}, ` +
    `extreme returns (>${q.extremeReturns.thresholdSigma} sigma) ${q.extremeReturns.count}`,
  ];
  for (const f of q.findings) if (f.severity !== "info") lines.push(`  ${f.severity}: ${f.message}`);
  for (const p of r.problems) if (!q.findings.some((f) => f.message === p)) lines.push(`  problem: ${p}`);
  return lines.join("\n");
}
