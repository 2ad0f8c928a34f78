import assert from "node:assert/strict";
import {
  makeVector,
  Table,
  tableFromArrays,
  tableToIPC,
  TimestampMillisecond,
  vectorFromArray,
} from "apache-arrow";
import { importBars, parseBinanceCsv, parseFeather, parseFreqtradeJson } from "./import.ts";
import { loadBars } from "./load.ts";
import { snapshotDir } from "./_test_util.ts";

const T0 = Date.UTC(2024, 0, 1);
const H = 3_600_000;

Deno.test("importBars() turns a Binance CSV without header (open_time in us) into sorted Parquet", async () => {
  const dir = await Deno.makeTempDir();
  const rows = [2, 0, 1].map((i) =>
    `${(T0 + i * H) * 1000},${10 + i},${12 + i},${9 + i},${11 + i},${5 + i},0,0,0,0,0,0`
  );
  await Deno.writeTextFile(`${dir}/BTCUSDT-1h.csv`, rows.join("\n") + "\n");
  const out = `${dir}/out/binance_BTC_USDT_spot_1h.parquet`;
  assert.equal(await importBars(`${dir}/BTCUSDT-1h.csv`, out), 3);
  const { table, schema } = await loadBars(out);
  assert.deepEqual(Array.from(table.array("timestamp")), [T0, T0 + H, T0 + 2 * H]);
  assert.deepEqual(Array.from(table.array("close")), [11, 12, 13]);
  assert.equal(schema[0].type, "TIMESTAMP WITH TIME ZONE");
});

Deno.test("parseBinanceCsv() reads a header line and names line and column of a bad value", () => {
  const head =
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore";
  const c = parseBinanceCsv(`${head}\n${T0},1,2,0.5,1.5,3,0,0,0,0,0,0\n`, "k.csv");
  assert.equal(c.timestamp[0], T0);
  assert.throws(
    () => parseBinanceCsv(`${head}\n${T0},1,2,abc,1.5,3,0,0,0,0,0,0\n`, "k.csv"),
    /k\.csv: line 2, column low holds "abc"/,
  );
});

Deno.test("parseFreqtradeJson() reads [ts, o, h, l, c, v] rows and refuses short rows", () => {
  const c = parseFreqtradeJson(
    JSON.stringify([[T0, 1, 2, 0.5, 1.5, 10], [T0 + H, 1.5, 2, 1, 1.2, 7]]),
    "x.json",
  );
  assert.deepEqual(Array.from(c.volume), [10, 7]);
  assert.throws(() => parseFreqtradeJson("[[1, 2]]", "x.json"), /row 0 is \[1,2\], expected/);
});

Deno.test("parseFeather() reads freqtrade Feather with a UTC timestamp column", () => {
  const date = vectorFromArray([T0, T0 + H], new TimestampMillisecond("UTC"));
  const t = new Table({
    date,
    open: makeVector(new Float64Array([1, 2])),
    high: makeVector(new Float64Array([3, 4])),
    low: makeVector(new Float64Array([0.5, 1])),
    close: makeVector(new Float64Array([2, 3])),
    volume: makeVector(new Float64Array([9, 8])),
  });
  const c = parseFeather(tableToIPC(t, "file"), "x.feather");
  assert.deepEqual(Array.from(c.timestamp), [T0, T0 + H]);
  assert.deepEqual(Array.from(c.low), [0.5, 1]);
  const funding = tableToIPC(
    tableFromArrays({ date: new Float64Array([T0]), open: new Float64Array([0.0001]) }),
    "file",
  );
  assert.deepEqual(parseFeather(funding, "f.feather", "funding"), {
    timestamp: new Float64Array([T0]),
    funding_rate: new Float64Array([0.0001]),
  });
});

Deno.test("importBars() refuses duplicates unless allowed and leaves the input untouched", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/d.json`, JSON.stringify([[T0, 1, 1, 1, 1, 1], [T0, 2, 2, 2, 2, 2]]));
  const before = await snapshotDir(dir);
  await assert.rejects(
    () => importBars(`${dir}/d.json`, `${dir}/o.parquet`),
    /duplicate timestamp 2024-01-01T00:00:00\.000Z/,
  );
  assert.deepEqual(await snapshotDir(dir), before);
  assert.equal(await importBars(`${dir}/d.json`, `${dir}/o.parquet`, { allowDuplicates: true }), 1);
  await assert.rejects(() => importBars(`${dir}/x.xlsx`, `${dir}/o.parquet`), /unknown extension ".xlsx"/);
});

Deno.test("parseFeather() and parseFreqtradeJson() turn ISO text timestamps with an offset into UTC", () => {
  // issue #11: "+08:00" must move the bar to 00:00 UTC, not be dropped
  const t = tableFromArrays({
    date: [
      "2024-01-01T08:00:00+08:00",
      "2024-01-01T09:00:00+0800",
      "2024-01-01T02:00:00Z",
      "2024-01-01 03:00",
    ],
    open: new Float64Array([1, 2, 3, 4]),
    high: new Float64Array([1, 2, 3, 4]),
    low: new Float64Array([1, 2, 3, 4]),
    close: new Float64Array([1, 2, 3, 4]),
    volume: new Float64Array([1, 2, 3, 4]),
  });
  const c = parseFeather(tableToIPC(t, "file"), "x.feather");
  assert.deepEqual(Array.from(c.timestamp), [T0, T0 + H, T0 + 2 * H, T0 + 3 * H]);
  const j = parseFreqtradeJson(
    JSON.stringify([["2024-01-01T07:30:00+07:30", 1, 1, 1, 1, 1], [T0 + H, 1, 1, 1, 1, 1]]),
    "x.json",
  );
  assert.deepEqual(Array.from(j.timestamp), [T0, T0 + H]);
  const bad = tableFromArrays({
    date: ["2024-01-01T00:00:00Z", "01/02/2024"],
    open: new Float64Array(2),
    high: new Float64Array(2),
    low: new Float64Array(2),
    close: new Float64Array(2),
    volume: new Float64Array(2),
  });
  assert.throws(
    () => parseFeather(tableToIPC(bad, "file"), "bad.feather"),
    /bad\.feather: row 1 has timestamp "01\/02\/2024"/,
  );
});
