import assert from "node:assert/strict";
import { DataConfigSchema } from "./config.ts";
import { loadBars } from "./load.ts";
import { loadDataset } from "./market.ts";
import { writeParquet } from "./write.ts";
import { float64Column } from "../series/columns.ts";

const XRP = "../shared/data/binance_XRP_USDT_spot_1h.parquet";

/** Two files of XRP spot bars named off the convention, one a month each. */
async function offConventionFolder(): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (
    const [name, start, end] of [["xrp_a.parquet", "2024-01-01", "2024-02-01"], [
      "xrp_b.parquet",
      "2024-02-01",
      "2024-03-01",
    ]]
  ) {
    const b = await loadBars(XRP, { range: { start, end } });
    const cols: Record<string, Float64Array> = {};
    for (const c of b.table.columnNames()) cols[c] = float64Column(b.table, c);
    await writeParquet(`${dir}/${name}`, [cols]);
  }
  return dir;
}

Deno.test("loadDataset() loads files named off the convention with explicit data.asset, market, interval", async () => {
  const dir = await offConventionFolder();
  const base = { market: "spot", paths: { candles: `${dir}/xrp_a.parquet` } };
  await assert.rejects(() => loadDataset(DataConfigSchema.parse(base)), /asset|exchange|quote|interval/);
  const cfg = DataConfigSchema.parse({
    ...base,
    asset: "XRP",
    quote: "USDT",
    exchange: "binance",
    interval: "1h",
  });
  const ds = await loadDataset(cfg);
  assert.equal(ds.market, "spot");
  assert.equal(ds.asset, "XRP");
  assert.equal(ds.table.numRows(), 31 * 24);
});

Deno.test("loadDataset() takes a folder or glob of one series and lists every file as a source", async () => {
  const dir = await offConventionFolder();
  const fields = { market: "spot", asset: "XRP", quote: "USDT", exchange: "binance", interval: "1h" };
  for (const candles of [dir, `${dir}/xrp_*.parquet`]) {
    const ds = await loadDataset(DataConfigSchema.parse({ ...fields, paths: { candles } }));
    assert.equal(ds.table.numRows(), (31 + 29) * 24);
    assert.deepEqual(ds.sources.map((s) => s.path.split("/").pop()), ["xrp_a.parquet", "xrp_b.parquet"]);
    assert.notEqual(ds.sources[0].sha256, ds.sources[1].sha256);
  }
});

Deno.test("loadDataset() refuses a file whose name says another market than data.market", async () => {
  const cfg = DataConfigSchema.parse({
    market: "spot",
    paths: { candles: "../shared/data/binance_XRP_USDT_perp_1h.parquet" },
  });
  await assert.rejects(() => loadDataset(cfg), /says perpetual data but the config says data.market: spot/);
});
