import assert from "node:assert/strict";
import { DataConfigSchema } from "./config.ts";
import { validateConfig } from "../config/load.ts";

Deno.test("DataConfigSchema fills defaults for a spot config", () => {
  const c = DataConfigSchema.parse({
    market: "spot",
    paths: { candles: "data/raw/binance_BTC_USDT_spot_1h.parquet" },
  });
  assert.equal(c.engine, "native");
  assert.deepEqual(c.range, {});
  assert.equal(c.allow_duplicates, false);
});

Deno.test("DataConfigSchema requires funding and mark paths for a perpetual and defaults funding to 8h", () => {
  const paths = { candles: "c.parquet", funding: "f.parquet", mark: "m.parquet" };
  const c = DataConfigSchema.parse({ market: "perpetual", paths, engine: "wasm", drop_first: "1d" });
  assert.equal(c.market === "perpetual" && c.funding_interval, "8h");
  assert.throws(
    () =>
      validateConfig({ market: "perpetual", paths: { candles: "c.parquet" } }, DataConfigSchema, "x.yaml"),
    /paths\.funding/,
  );
});

Deno.test("DataConfigSchema refuses typos and unknown engines, naming the field", () => {
  assert.throws(
    () =>
      validateConfig(
        { market: "spot", paths: { candles: "c" }, engin: "native" },
        DataConfigSchema,
        "x.yaml",
      ),
    /engin/,
  );
  assert.throws(
    () =>
      validateConfig({ market: "spot", paths: { candles: "c" }, engine: "gpu" }, DataConfigSchema, "x.yaml"),
    /engine/,
  );
  assert.throws(
    () =>
      validateConfig(
        { market: "spot", paths: { candles: "c" }, drop_first: "a day" },
        DataConfigSchema,
        "x.yaml",
      ),
    /drop_first/,
  );
});
