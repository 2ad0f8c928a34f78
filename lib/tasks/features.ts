/**
 * `deno task features <candles.parquet> --set <name|file.yaml> [--label <name|file.yaml>] --out <file.parquet>`
 *   `[--funding <f.parquet> --mark <m.parquet>] [--spot <spot.parquet>] [--drop-invalid] [--cache]`
 *
 * Writes timestamp, the feature columns, then `label` (class index, NaN where undefined) as Parquet.
 * With --funding/--mark the candles load as a perpetual; --spot adds `spot_close` for `basis`.
 * --cache reads/writes data/cache/features. Prints one JSON summary line.
 *
 * @module
 */
import { formatInterval, inferIntervalMs, loadBars, loadPerpetual, writeParquet } from "../data/mod.ts";
import { joinPointInTime } from "../data/point_in_time.ts";
import { sha256File } from "../util/hash.ts";
import { loadFeatureSetSpec } from "../features/config.ts";
import { resolveFeatureSet } from "../features/set.ts";
import { buildFeatureTable } from "../labels/feature_table.ts";
import { cachedFeatureColumns } from "../features/cache.ts";
import { float64Column } from "../series/columns.ts";
import { loadLabelSpec } from "../labels/config.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec, UsageError } from "./_cli.ts";

const USAGE =
  "usage: deno task features <candles.parquet> --set <name|file.yaml> --out <file.parquet> [--label <name|file.yaml>] " +
  "[--funding <f.parquet> --mark <m.parquet>] [--spot <spot.parquet>] [--drop-invalid] [--cache]";

/** The flags of `deno task features` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    set: { type: "string" },
    label: { type: "string" },
    out: { type: "string" },
    funding: { type: "string" },
    mark: { type: "string" },
    spot: { type: "string" },
    "drop-invalid": { type: "boolean", default: false },
    cache: { type: "boolean", default: false },
  },
} as const satisfies TaskArgsConfig;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseTaskArgs(argv, ARGS, USAGE);
  const input = positionals[0];
  if (positionals.length !== 1 || !values.set || !values.out) {
    throw new UsageError(
      `Cannot run features: give one candles file, --set and --out (got ${positionals.length} file(s)` +
        `${values.set ? "" : ", no --set"}${values.out ? "" : ", no --out"}); ${USAGE}`,
    );
  }
  if (!!values.funding !== !!values.mark) {
    throw new UsageError(
      "Cannot run features: --funding and --mark go together (a perpetual needs both); give both or neither",
    );
  }
  const set = resolveFeatureSet(await loadFeatureSetSpec(values.set));
  const label = values.label ? await loadLabelSpec(values.label) : undefined;
  const sources = [input, values.funding, values.mark, values.spot].filter((x): x is string => !!x);
  let table = values.funding
    ? (await loadPerpetual({
      candles: input,
      funding: values.funding,
      mark: values.mark!,
      spot: values.spot,
    }))
      .table
    : (await loadBars(input)).table;
  if (values.spot && !values.funding) {
    // the one point-in-time join (ADR-027): a row sees the spot close known by its own close, never later
    const spot = (await loadBars(values.spot)).table;
    const st = float64Column(spot, "timestamp");
    const ts = float64Column(table, "timestamp");
    const { columns } = joinPointInTime({ timestamp: ts, intervalMs: inferIntervalMs(ts) }, {
      name: "spot",
      kind: "bars",
      interval: formatInterval(inferIntervalMs(st)),
      timestamp: st,
      values: { spot_close: float64Column(spot, "close") },
    });
    table = table.assign({ spot_close: columns.spot_close });
  }
  const market = values.funding ? "perpetual" as const : undefined;
  let features: Record<string, Float64Array> | undefined;
  let cache: { hit: boolean; key: string } | undefined;
  if (values.cache) {
    const datasetHashes = await Promise.all(sources.map(sha256File));
    const r = await cachedFeatureColumns({
      table,
      set,
      datasetHashes,
      market,
      log: (e) =>
        console.error(JSON.stringify({ cache: e.event, key: e.key.slice(0, 16), reason: e.reason })),
    });
    features = r.columns;
    cache = { hit: r.hit, key: r.key };
  }
  const t0 = performance.now();
  const out = buildFeatureTable(table, set, {
    label,
    market,
    features,
    dropInvalid: values["drop-invalid"],
  });
  const seconds = (performance.now() - t0) / 1000;
  await writeParquet(values.out, [out.columns]);
  console.log(JSON.stringify({
    out: values.out,
    set: set.name,
    label: label?.kind ?? null,
    inputRows: table.numRows(),
    rowsWritten: out.rows,
    columns: Object.keys(out.columns).length,
    validRows: out.selection.kept,
    droppedWarmup: out.selection.droppedWarmup,
    droppedInvalid: out.selection.droppedInvalid,
    cache: cache ?? null,
    buildSeconds: seconds,
  }));
}

export const SPEC: TaskSpec = {
  name: "features",
  usage: USAGE.replace(/^(u|U)sage: /, ""),
  about: "Builds a feature table (and optionally labels) from a bars file and writes it as Parquet.",
  writes: "data/",
};

if (import.meta.main) await runTask(SPEC, async (args) => void await main(args));
