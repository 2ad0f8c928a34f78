import assert from "node:assert/strict";
import { checkFile, DatasetMetadataSchema, metadataPath, readMetadata, writeMetadata } from "./metadata.ts";
import { hourlyBarsSql, snapshotDir, sqlToParquet } from "./_test_util.ts";
import { sha256File } from "../util/hash.ts";

const CHECK = ["run", "--allow-read", "--allow-ffi", "--allow-env", "--allow-sys", "lib/tasks/data_check.ts"];

async function runCheck(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...CHECK, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

Deno.test("writeMetadata() writes a schema-valid file beside the data and never touches the data", async () => {
  const dir = await Deno.makeTempDir();
  const f = `${dir}/binance_BTC_USDT_spot_1h.parquet`;
  await sqlToParquet(f, hourlyBarsSql(48));
  const hash = await sha256File(f);
  const meta = await writeMetadata(f, { origin: "test", attribution: "none" });
  assert.equal(await sha256File(f), hash);
  const again = DatasetMetadataSchema.parse(JSON.parse(await Deno.readTextFile(metadataPath(f))));
  assert.deepEqual(again, meta);
  assert.equal(meta.sha256, hash);
  assert.equal(meta.rows, 48);
  assert.deepEqual(meta.timeRange, { start: "2024-01-01T00:00:00.000Z", end: "2024-01-02T23:00:00.000Z" });
  assert.deepEqual(meta.source, {
    exchange: "binance",
    asset: "BTC",
    quote: "USDT",
    market: "spot",
    interval: "1h",
    kind: "ohlcv",
    origin: "test",
    attribution: "none",
    synthetic: false,
  });
  assert.equal(meta.schema[0].type, "TIMESTAMP WITH TIME ZONE");
  assert.equal((await readMetadata(f))?.sha256, hash);
});

Deno.test("checkFile() fails when the file no longer matches its metadata hash", async () => {
  const dir = await Deno.makeTempDir();
  const f = `${dir}/binance_BTC_USDT_spot_1h.parquet`;
  await sqlToParquet(f, hourlyBarsSql(10));
  await writeMetadata(f);
  assert.equal((await checkFile(f)).ok, true);
  await sqlToParquet(f, hourlyBarsSql(11));
  const r = await checkFile(f);
  assert.equal(r.ok, false);
  assert.equal(r.hashMatches, false);
  assert.match(r.problems[0], /file changed since the metadata was written/);
});

Deno.test("data:check exits 0 on the bundled sample, reporting hashes that match", async () => {
  const ok = await runCheck("data/raw");
  assert.equal(ok.code, 0, ok.text);
  assert.match(ok.text, /4 of 4 files OK/);
  assert.match(ok.text, /matches metadata/);
});

Deno.test("data:check reports the BTC spot gaps and exits non-zero on duplicates or non-Parquet, writing nothing", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/dup`);
  await Deno.mkdir(`${dir}/csv`);
  await sqlToParquet(
    `${dir}/dup/binance_BTC_USDT_spot_1h.parquet`,
    `${hourlyBarsSql(3)} UNION ALL SELECT TIMESTAMPTZ '2024-01-01 02:00:00+00', 9, 9, 9, 9, 9`,
  );
  await Deno.writeTextFile(`${dir}/csv/binance_BTC_USDT_spot_1h.parquet`, "a,b\n1,2\n");
  const before = [await snapshotDir(`${dir}/dup`), await snapshotDir(`${dir}/csv`)];
  const r = await runCheck("../shared/data/binance_BTC_USDT_spot_1h.parquet", `${dir}/dup`, `${dir}/csv`);
  assert.equal(r.code, 1, r.text);
  assert.match(r.text, /OK {3}\.\.\/shared\/data\/binance_BTC_USDT_spot_1h\.parquet/);
  assert.match(r.text, /gaps: 27 \(122 missing bars\); largest: 34h from 2018-02-08T00:00/);
  assert.match(r.text, /FAIL .*dup\/binance_BTC_USDT_spot_1h\.parquet/);
  assert.match(r.text, /1 duplicate timestamps, the first at 2024-01-01T02:00:00\.000Z/);
  assert.match(r.text, /csv\/binance_BTC_USDT_spot_1h\.parquet: not a Parquet file/);
  assert.match(r.text, /1 of 3 files OK/);
  assert.deepEqual([await snapshotDir(`${dir}/dup`), await snapshotDir(`${dir}/csv`)], before);
});
