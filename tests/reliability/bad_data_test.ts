/**
 * Bad data files reach the user through the experiment entry point (`runExperiment`) as a
 * CandlelabError naming the file and the field, and nothing on disk changes except the failed run's
 * own log. The loader-level cases (CSV renamed .parquet, zero-byte, truncated, missing column, text in
 * a price column, duplicates, unsorted rows, NaN/negative prices, epoch units, empty range) are covered
 * in lib/data/load_test.ts and lib/data/quality_test.ts; here each goes through the whole pipeline.
 */
import assert from "node:assert/strict";
import { hourlyBarsSql, sqlToParquet } from "../../lib/data/_test_util.ts";
import { loadDataset } from "../../lib/data/mod.ts";
import { validateConfig } from "../../lib/config/load.ts";
import { ExperimentConfigSchema } from "../../lib/experiments/config.ts";
import { runExperiment } from "../../lib/experiments/pipeline.ts";
import { silentProgress } from "../../lib/experiments/progress.ts";
import { CandlelabError } from "../../lib/util/errors.ts";
import { caught, makeProject, recordCounts, smallConfig, snapshotTree } from "./_project.ts";

const N = 3000;
const NAME = "binance_BTC_USDT_spot_1h.parquet";
const _close = "101.0 + i AS close";
const _open = "100.0 + i AS open";

/** Case name -> how to write the file (into `path`) and what the error must say. */
const SPOT_CASES: Record<string, { write: (path: string) => Promise<void>; says: string[] }> = {
  zero_bytes: { write: (p) => Deno.writeFile(p, new Uint8Array()), says: ["0 bytes"] },
  truncated: {
    write: async (p) => {
      const good = await Deno.readFile("data/raw/binance_BTC_USDT_spot_1h.parquet");
      await Deno.writeFile(p, good.subarray(0, 40_000));
    },
    says: ["truncated"],
  },
  csv_renamed: {
    write: (p) => Deno.writeTextFile(p, "timestamp,open,high,low,close,volume\n1,2,3,4,5,6\n"),
    says: ["not a Parquet file"],
  },
  missing_column: {
    write: (p) => sqlToParquet(p, hourlyBarsSql(N).replace(_open, "100.0 + i AS opn")),
    says: ["no column for open", "opn"],
  },
  duplicated_column: {
    write: (p) => sqlToParquet(p, hourlyBarsSql(N, `, 5.0 AS "close "`)),
    says: ["spelled twice", "close"],
  },
  text_in_price: {
    write: (p) =>
      sqlToParquet(p, hourlyBarsSql(N).replace(_close, "CASE WHEN i = 9 THEN 'n/a' ELSE '5' END AS close")),
    says: ["column close", '"n/a"'],
  },
  nan_price: {
    write: (p) =>
      sqlToParquet(
        p,
        hourlyBarsSql(N).replace(_close, "CASE WHEN i = 9 THEN 'NaN'::DOUBLE ELSE 101.0 + i END AS close"),
      ),
    says: ["quality gate failed", "column close", "NaN"],
  },
  infinite_price: {
    write: (p) =>
      sqlToParquet(
        p,
        hourlyBarsSql(N).replace(
          _close,
          "CASE WHEN i = 9 THEN 'Infinity'::DOUBLE ELSE 101.0 + i END AS close",
        ),
      ),
    says: ["quality gate failed", "column close", "Infinity"],
  },
  negative_price: {
    write: (p) =>
      sqlToParquet(
        p,
        hourlyBarsSql(N).replace(_open, "CASE WHEN i = 9 THEN -5.0 ELSE 100.0 + i END AS open"),
      ),
    says: ["quality gate failed", "column open", "-5"],
  },
  unsorted: {
    write: (p) => sqlToParquet(p, `${hourlyBarsSql(N)} ORDER BY i DESC`),
    says: ["quality gate failed", "timestamps go backwards", "sort the file"],
  },
  duplicate_timestamps: {
    write: (p) =>
      sqlToParquet(
        p,
        hourlyBarsSql(N).replace("INTERVAL (i) HOUR", "INTERVAL (CASE WHEN i = 5 THEN 4 ELSE i END) HOUR"),
      ),
    says: ["column timestamp", "duplicate", "allow"],
  },
  ten_year_gap: {
    write: (p) =>
      sqlToParquet(
        p,
        hourlyBarsSql(N).replace(
          "INTERVAL (i) HOUR",
          "INTERVAL (i + CASE WHEN i > 1500 THEN 87600 ELSE 0 END) HOUR",
        ),
      ),
    says: ["quality gate failed", "longer than a year", "3650 days"],
  },
};

async function _run(root: string, edit: (c: Record<string, unknown>) => void) {
  const cfg = validateConfig(smallConfig(edit), ExperimentConfigSchema, "bad_data.yaml");
  return await runExperiment(cfg, {
    projectRoot: root,
    progress: silentProgress,
    configFile: "bad_data.yaml",
  });
}

async function _assertOnlyFailedRuns(root: string): Promise<void> {
  for await (const d of Deno.readDir(`${root}/experiments/runs`)) {
    const rec = JSON.parse(await Deno.readTextFile(`${root}/experiments/runs/${d.name}/run.json`));
    assert.equal(rec.status, "failed", `run ${d.name} should be logged as failed`);
  }
}

Deno.test("runExperiment() refuses each bad data file with a CandlelabError naming the file and field, changing nothing", async () => {
  const root = await makeProject();
  const files: Record<string, string> = {};
  for (const [name, c] of Object.entries(SPOT_CASES)) {
    await Deno.mkdir(`${root}/data/raw/${name}`);
    files[name] = `data/raw/${name}/${NAME}`;
    await c.write(`${root}/${files[name]}`);
  }
  const before = await snapshotTree(root, /^experiments\/runs/);
  let rejected = 0;
  for (const [name, c] of Object.entries(SPOT_CASES)) {
    const err = await caught(() =>
      _run(root, (cfg) => {
        (cfg.data as Record<string, unknown>).paths = { candles: files[name] };
        (cfg.data as Record<string, unknown>).range = {};
      })
    );
    assert.ok(
      err instanceof CandlelabError,
      `${name}: expected CandlelabError, got ${err.name}: ${err.message}`,
    );
    for (const part of [files[name], ...c.says]) {
      assert.ok(err.message.includes(part), `${name}: "${err.message}" lacks "${part}"`);
    }
    rejected++;
  }
  const missing = await caught(() =>
    _run(root, (cfg) => ((cfg.data as { paths: unknown }).paths = { candles: "data/raw/nope.parquet" }))
  );
  assert.ok(
    missing instanceof CandlelabError && missing.message.includes("data/raw/nope.parquet"),
    missing.message,
  );
  const empty = await caught(() =>
    _run(root, (cfg) => ((cfg.data as { range: unknown }).range = { start: "2030-01-01" }))
  );
  assert.ok(empty instanceof CandlelabError, empty.message);
  for (const part of [NAME, "no rows in the range", "2030-01-01", "widen or move the range"]) {
    assert.ok(empty.message.includes(part), `empty range: "${empty.message}" lacks "${part}"`);
  }
  rejected += 2;
  assert.deepEqual(await snapshotTree(root, /^experiments\/runs/), before);
  await _assertOnlyFailedRuns(root);
  await Deno.remove(root, { recursive: true });
  await recordCounts("bad_data", { bad_inputs: rejected });
});

Deno.test("runExperiment() refuses a perpetual whose funding file belongs to another asset, naming both files", async () => {
  const root = await makeProject();
  await Deno.mkdir(`${root}/data/raw/perp`);
  for (const f of ["BTC_USDT_perp_1h", "BTC_USDT_perp_1h_mark", "XRP_USDT_perp_8h_funding"]) {
    const from = f.startsWith("BTC") ? "data/raw" : "../shared/data"; // the bundled slice has no XRP
    await Deno.copyFile(`${from}/binance_${f}.parquet`, `${root}/data/raw/perp/binance_${f}.parquet`);
  }
  const before = await snapshotTree(root, /^experiments\/runs/);
  const err = await caught(() =>
    _run(root, (cfg) => {
      cfg.data = {
        market: "perpetual",
        range: { start: "2024-06-01" },
        paths: {
          candles: "data/raw/perp/binance_BTC_USDT_perp_1h.parquet",
          funding: "data/raw/perp/binance_XRP_USDT_perp_8h_funding.parquet",
          mark: "data/raw/perp/binance_BTC_USDT_perp_1h_mark.parquet",
        },
      };
      cfg.market = { kind: "perpetual" };
    })
  );
  assert.ok(err instanceof CandlelabError, `expected CandlelabError, got ${err.name}: ${err.message}`);
  assert.ok(err.message.includes("XRP") && err.message.includes("BTC"), err.message);
  assert.deepEqual(await snapshotTree(root, /^experiments\/runs/), before);
  await Deno.remove(root, { recursive: true });
  await recordCounts("bad_data", { bad_inputs: 1 });
});

Deno.test("loadDataset() reads epoch seconds, milliseconds and microseconds as the same bars", async () => {
  const dir = await Deno.makeTempDir();
  const epoch = (factor: string) =>
    hourlyBarsSql(50).replace(
      "TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i) HOUR AS timestamp",
      `(1704067200 + i * 3600)::BIGINT * ${factor} AS timestamp`,
    );
  const tables = [];
  for (const [unit, factor] of [["s", "1"], ["ms", "1000"], ["us", "1000000"]]) {
    await Deno.mkdir(`${dir}/${unit}`);
    await sqlToParquet(`${dir}/${unit}/${NAME}`, epoch(factor));
    const ds = await loadDataset({
      market: "spot",
      engine: "native",
      range: {},
      allow_duplicates: false,
      paths: { candles: `${dir}/${unit}/${NAME}` },
    });
    tables.push(ds.table);
  }
  const ts = tables.map((t) => Array.from(t.array("timestamp") as Float64Array));
  assert.equal(ts[0][0], Date.UTC(2024, 0, 1));
  assert.deepEqual(ts[1], ts[0]);
  assert.deepEqual(ts[2], ts[0]);
  assert.deepEqual(
    Array.from(tables[2].array("close") as Float64Array),
    Array.from(tables[0].array("close") as Float64Array),
  );
  await Deno.remove(dir, { recursive: true });
  await recordCounts("bad_data", { bad_inputs: 0 });
});
