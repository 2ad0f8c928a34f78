import assert from "node:assert/strict";
import { loadBars } from "./load.ts";
import { hourlyBarsSql, snapshotDir, sqlToParquet } from "./_test_util.ts";
import { CandlelabError } from "../util/errors.ts";

const SPOT = "../shared/data/binance_BTC_USDT_spot_1h.parquet";

async function rejectsWith(fn: () => Promise<unknown>, ...parts: (string | RegExp)[]) {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CandlelabError, `expected CandlelabError, got ${err}`);
  for (const p of parts) {
    assert.ok(
      typeof p === "string" ? (err as Error).message.includes(p) : p.test((err as Error).message),
      `"${(err as Error).message}" lacks ${p}`,
    );
  }
}

Deno.test("loadBars() reads the real BTC spot file with the known first open and all rows", async () => {
  const { table, timestampUnit } = await loadBars(SPOT);
  assert.deepEqual(table.numRows(), 61246);
  assert.deepEqual(table.columnNames(), ["timestamp", "open", "high", "low", "close", "volume"]);
  assert.deepEqual(table.get("timestamp", 0), Date.UTC(2018, 0, 1));
  assert.deepEqual(table.get("open", 0), 13715.65);
  assert.ok(table.column("close") instanceof Float64Array);
  assert.deepEqual(timestampUnit, "time");
});

Deno.test("loadBars() keeps start inclusive and end exclusive in the time range", async () => {
  const { table } = await loadBars(SPOT, { range: { start: "2021-11-10", end: Date.UTC(2021, 10, 11) } });
  const ts = table.array("timestamp", Float64Array);
  assert.deepEqual(ts[0], Date.UTC(2021, 10, 10));
  assert.deepEqual(ts[ts.length - 1], Date.UTC(2021, 10, 10, 23));
  assert.deepEqual(Math.max(...(table.array("high", Float64Array))), 69000);
});

Deno.test("loadBars() reads a folder and a glob as one sorted table", async () => {
  const dir = await Deno.makeTempDir();
  await sqlToParquet(`${dir}/b.parquet`, hourlyBarsSql(10).replace("range(10)", "range(5, 10)"));
  await sqlToParquet(`${dir}/a.parquet`, hourlyBarsSql(5));
  for (const src of [dir, `${dir}/*.parquet`]) {
    const { table, files } = await loadBars(src);
    assert.deepEqual(files.length, 2);
    assert.deepEqual(Array.from(table.array("close")), Array.from({ length: 10 }, (_, i) => 101 + i));
  }
});

Deno.test("loadBars() normalises column spellings and epoch seconds, ms and us to UTC ms", async () => {
  const dir = await Deno.makeTempDir();
  const t0 = Date.UTC(2024, 0, 1);
  for (const [unit, mult] of [["s", 1e-3], ["ms", 1], ["us", 1e3]] as const) {
    await sqlToParquet(
      `${dir}/${unit}.parquet`,
      `SELECT CAST((${t0} + i * 3600000) * ${mult} AS BIGINT) AS Open_Time, 1.0 AS o, 2.0 AS h, 0.5 AS l, 1.5 AS c, 3 AS Vol FROM range(3) t(i)`,
    );
    const r = await loadBars(`${dir}/${unit}.parquet`);
    assert.deepEqual(r.timestampUnit, unit);
    assert.deepEqual(Array.from(r.table.array("timestamp", Float64Array)), [t0, t0 + 3600000, t0 + 7200000]);
    assert.deepEqual(r.table.get("volume", 0), 3);
    assert.deepEqual(r.columnMap.timestamp, "Open_Time");
  }
});

Deno.test("loadBars() pushes a range down on numeric epoch columns too", async () => {
  const dir = await Deno.makeTempDir();
  const t0 = Date.UTC(2024, 0, 1);
  await sqlToParquet(
    `${dir}/x.parquet`,
    `SELECT ${t0} + i * 3600000 AS ts, 1.0 AS open, 1.0 AS high, 1.0 AS low, 1.0 AS close, 1.0 AS volume FROM range(48) t(i)`,
  );
  const { table } = await loadBars(`${dir}/x.parquet`, { range: { start: "2024-01-02" } });
  assert.deepEqual(table.numRows(), 24);
  assert.deepEqual(table.get("timestamp", 0), Date.UTC(2024, 0, 2));
});

Deno.test("loadBars() sorts unsorted rows and reports it in the quality report", async () => {
  const dir = await Deno.makeTempDir();
  await sqlToParquet(`${dir}/u.parquet`, `${hourlyBarsSql(6)} ORDER BY i DESC`);
  const r = await loadBars(`${dir}/u.parquet`, { quality: true });
  assert.deepEqual(Array.from(r.table.array("close", Float64Array)), [101, 102, 103, 104, 105, 106]);
  assert.deepEqual(r.quality!.unsortedSteps, 5);
  assert.ok(r.quality!.findings.some((f) => f.code === "unsorted_timestamps" && f.severity === "hard"));
});

Deno.test("loadBars() refuses duplicate timestamps, naming file, column and value, unless allowed", async () => {
  const dir = await Deno.makeTempDir();
  const f = `${dir}/d.parquet`;
  await sqlToParquet(
    f,
    `${hourlyBarsSql(3)} UNION ALL SELECT TIMESTAMPTZ '2024-01-01 01:00:00+00', 9, 9, 9, 9, 9`,
  );
  await rejectsWith(
    () => loadBars(f),
    f,
    "column timestamp",
    "1 duplicate",
    "2024-01-01T01:00:00.000Z",
    "allowDuplicates",
  );
  const { table } = await loadBars(f, { allowDuplicates: true });
  assert.deepEqual(Array.from(table.array("close")), [101, 102, 103]);
});

Deno.test("loadBars() gives clear errors for bad files and changes nothing on disk", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/csv.parquet`, "timestamp,open,high,low,close,volume\n1,2,3,4,5,6\n");
  await Deno.writeFile(`${dir}/empty.parquet`, new Uint8Array());
  const good = await Deno.readFile("../shared/data/binance_BTC_USDT_perp_8h_funding.parquet");
  await Deno.writeFile(`${dir}/trunc.parquet`, good.subarray(0, 5000));
  await sqlToParquet(
    `${dir}/names.parquet`,
    "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS timestamp, 1.0 AS opn, 1.0 AS high, 1.0 AS low, 1.0 AS close, 1.0 AS volume",
  );
  await sqlToParquet(
    `${dir}/text.parquet`,
    hourlyBarsSql(2).replace("101.0 + i AS close", "CASE WHEN i = 1 THEN 'n/a' ELSE '5' END AS close"),
  );
  const before = await snapshotDir(dir);

  await rejectsWith(() => loadBars(`${dir}/missing.parquet`), `${dir}/missing.parquet`, "no such file");
  await rejectsWith(
    () => loadBars(`${dir}/csv.parquet`),
    "csv.parquet",
    "not a Parquet file",
    "CSV",
    "data:import",
  );
  await rejectsWith(() => loadBars(`${dir}/empty.parquet`), "empty.parquet", "0 bytes");
  await rejectsWith(() => loadBars(`${dir}/trunc.parquet`), "trunc.parquet", "truncated");
  await rejectsWith(() => loadBars(`${dir}/names.parquet`), "names.parquet", "no column for open", "opn");
  await rejectsWith(() => loadBars(`${dir}/text.parquet`), "text.parquet", "column close", '"n/a"');
  await rejectsWith(
    () => loadBars(SPOT, { range: { start: "2030-01-01" } }),
    SPOT,
    "no rows in the range [2030-01-01T00:00:00.000Z, -)",
    "2024-12-31T23:00:00.000Z",
  );
  await rejectsWith(
    () => loadBars(SPOT, { range: { start: "2024-02-01", end: "2024-01-01" } }),
    "is not before end",
  );

  assert.deepEqual(await snapshotDir(dir), before);
});

Deno.test("loadBars() loads NaN and negative prices but flags them as hard findings with column and value", async () => {
  const dir = await Deno.makeTempDir();
  const f = `${dir}/p.parquet`;
  await sqlToParquet(
    f,
    hourlyBarsSql(4).replace(
      "100.0 + i AS open",
      "CASE WHEN i = 1 THEN -5.0 WHEN i = 2 THEN 'NaN'::DOUBLE ELSE 100.0 END AS open",
    ),
  );
  const r = await loadBars(f, { quality: true });
  const bad = r.quality!.findings.find((x) => x.code === "bad_prices")!;
  assert.deepEqual(bad.column, "open");
  assert.deepEqual(bad.count, 2);
  assert.ok(
    bad.message.includes(f) && bad.message.includes("-5") && bad.message.includes("2024-01-01T01:00"),
    bad.message,
  );
});

Deno.test("loadBars() turns ISO text timestamps with a UTC offset into UTC (native and wasm), and data:check agrees", async () => {
  // issue #11: "2024-01-01T08:00:00+08:00" is 00:00 UTC; CAST AS TIMESTAMP dropped the offset (08:00)
  const dir = await Deno.makeTempDir();
  const f = `${dir}/binance_BTC_USDT_spot_1h.parquet`;
  await sqlToParquet(
    f,
    `SELECT strftime(TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (i) HOUR, '%Y-%m-%dT%H:%M:%S') ||
       CASE WHEN i = 2 THEN 'Z' WHEN i = 3 THEN '+0000' ELSE '+08:00' END AS timestamp,
       CAST(100 + i AS DOUBLE) AS open, CAST(102 + i AS DOUBLE) AS high, CAST(99 + i AS DOUBLE) AS low,
       CAST(101 + i AS DOUBLE) AS close, CAST(1 AS DOUBLE) AS volume FROM range(5) t(i)`,
  );
  const H = 3_600_000;
  const t0 = Date.UTC(2024, 0, 1, 0);
  for (const engine of ["native", "wasm"] as const) {
    const { table, timestampUnit } = await loadBars(f, { engine });
    assert.equal(timestampUnit, "text");
    // rows 0,1,4 carry +08:00; rows 2 and 3 (Z and +0000) are 10:00 and 11:00 UTC
    assert.deepEqual(
      Array.from(table.array("timestamp", Float64Array) as Float64Array),
      [
        t0,
        t0 + H,
        t0 + 10 * H,
        t0 + 11 * H,
        t0 + 4 * H,
      ].sort((a, b) => a - b),
      engine,
    );
    const r = await loadBars(f, {
      engine,
      range: { start: "2024-01-01T01:00:00Z", end: "2024-01-01T10:00:00Z" },
    });
    assert.deepEqual(Array.from(r.table.array("open", Float64Array) as Float64Array), [101, 104], engine);
  }
  const { checkFile } = await import("./metadata.ts");
  const check = await checkFile(f);
  assert.equal(check.current.timeRange.start, "2024-01-01T00:00:00.000Z");
  assert.equal(check.current.timeRange.end, "2024-01-01T11:00:00.000Z");
});
