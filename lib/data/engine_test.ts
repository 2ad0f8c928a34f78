import assert from "node:assert/strict";
import { openEngine } from "./engine.ts";
import { loadBars, resolveSources } from "./load.ts";

// The bundled BTC slice in data/raw by default (the wasm engine takes seconds to open and decode); set
// CANDLELAB_FULL_DATA_TESTS=1 to compare every file in ../shared/data (BTC and XRP, full history).
const FULL = Deno.env.get("CANDLELAB_FULL_DATA_TESTS") === "1";

Deno.test("native and wasm engines give identical tables on the real files (data/raw, or ../shared/data in full)", async () => {
  const wasm = await openEngine("wasm");
  const native = await openEngine("native");
  try {
    const files = await resolveSources(FULL ? "../shared/data" : "data/raw/binance_BTC_*.parquet");
    assert.equal(files.length, FULL ? 8 : 4);
    for (const f of files) {
      const a = await loadBars(f, { engine: native });
      const b = await loadBars(f, { engine: wasm });
      assert.deepEqual(b.schema, a.schema, f);
      assert.deepEqual(b.table.columnNames(), a.table.columnNames(), f);
      assert.equal(b.table.numRows(), a.table.numRows(), f);
      for (const c of a.table.columnNames()) {
        assert.deepEqual(b.table.column(c), a.table.column(c), `${f} column ${c}`);
      }
    }
    // The same range SQL on both engines.
    const range = { start: "2024-03-01T08:00:00Z", end: "2024-03-02" };
    const a = await loadBars("data/raw/binance_BTC_USDT_perp_1h.parquet", { engine: native, range });
    const b = await loadBars("data/raw/binance_BTC_USDT_perp_1h.parquet", { engine: wasm, range });
    assert.equal(a.table.numRows(), 16);
    assert.deepEqual(b.table.column("close"), a.table.column("close"));
  } finally {
    await wasm.close();
    await native.close();
  }
});

Deno.test("openEngine() refuses an unknown engine kind with the remedy", async () => {
  await assert.rejects(() => openEngine("gpu" as "native"), /unknown kind "gpu"; use "native" or "wasm"/);
});

Deno.test("the wasm engine decodes DOUBLE, INT64, INT32, timestamps and NULLs across row groups as native reads them", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/mixed.parquet`;
  const native = await openEngine("native");
  const wasm = await openEngine("wasm");
  try {
    await native.exec(
      `COPY (SELECT i::BIGINT AS big, (i * 3)::INTEGER AS small,
          CASE WHEN i % 7 = 3 THEN NULL ELSE i / 8 END::DOUBLE AS x,
          CASE WHEN i % 5 = 1 THEN NULL ELSE i * 1000 END::BIGINT AS nbig,
          TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE AS ts
        FROM range(5000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1024)`,
    );
    await native.registerParquet("m", [file]);
    await wasm.registerParquet("m", [file]);
    const sql = "SELECT big, small, x, nbig, epoch_ms(ts) AS ts FROM m ORDER BY big";
    const a = await native.queryNumeric(sql);
    const b = await wasm.queryNumeric(sql);
    assert.equal(a.rows, 5000);
    assert.deepEqual(b, a);
    assert.ok(Number.isNaN(b.columns[2][3]) && Number.isNaN(b.columns[3][1]));
    assert.equal(b.columns[4][1], Date.UTC(2024, 0, 1, 0, 1));
    const counts = "SELECT count(x) AS x, count(nbig) AS nbig FROM m";
    assert.deepEqual(await wasm.queryRows(counts), await native.queryRows(counts));
  } finally {
    await wasm.close();
    await native.close();
    await Deno.remove(dir, { recursive: true });
  }
});
