import assert from "node:assert/strict";
import { main } from "./data_check.ts";
import { loadBars } from "../data/load.ts";
import { writeParquet } from "../data/write.ts";
import { float64Column } from "../series/columns.ts";

Deno.test("data:check --asset describes a file named off the convention instead of crashing", async () => {
  const dir = await Deno.makeTempDir();
  const b = await loadBars("../shared/data/binance_XRP_USDT_spot_1h.parquet", {
    range: { start: "2024-01-01", end: "2024-01-08" },
  });
  const cols: Record<string, Float64Array> = {};
  for (const c of b.table.columnNames()) cols[c] = float64Column(b.table, c);
  await writeParquet(`${dir}/xrp.parquet`, [cols]);
  const lines: string[] = [];
  assert.equal(await main([`${dir}/xrp.parquet`], (l) => lines.push(l)), 1);
  assert.match(lines.join("\n"), /does not follow/);
  lines.length = 0;
  const code = await main(
    [
      `${dir}/xrp.parquet`,
      "--asset",
      "XRP",
      "--quote",
      "USDT",
      "--exchange",
      "binance",
      "--market",
      "spot",
      "--interval",
      "1h",
    ],
    (l) => lines.push(l),
  );
  assert.equal(code, 0, lines.join("\n"));
  assert.match(lines.join("\n"), /1 of 1 files OK/);
  const refusals: string[] = [];
  assert.equal(
    await main(["x.parquet", "--market", "futures"], (l) => lines.push(l), (l) => refusals.push(l)),
    2,
  );
  assert.match(refusals.join("\n"), /--market must be spot or perp, current value is futures/);
});
