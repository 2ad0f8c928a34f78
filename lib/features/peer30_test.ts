import assert from "node:assert/strict";
import { loadFeatureSetSpec } from "./config.ts";
import { computeFeatureColumns, resolveFeatureSet } from "./set.ts";
import { _peerExpected, _peerInput } from "./_testdata.ts";

const CONFIG_DIR = new URL("../../configs/features", import.meta.url).pathname;

// Relative error with a floor at the column's typical magnitude (median |value|): a pure relative error
// is meaningless where a value crosses zero (ret_1 near 0 is a difference of two logs ~10.8, so one ulp
// of numpy's vs V8's log already gives 1e-9 of a 1e-6 return).
function relErr(a: number, b: number, scale: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), scale);
}

function medianAbs(x: Float64Array): number {
  const s = Float64Array.from(x, Math.abs).sort();
  return s[s.length >> 1];
}

Deno.test("peer30 reproduces the pandas peer's 30 features to 1e-9 relative (column-scale floor)", async () => {
  const set = resolveFeatureSet(await loadFeatureSetSpec("peer30", CONFIG_DIR));
  const table = await _peerInput();
  const cols = computeFeatureColumns(table, set);
  const { columns: expected, rowIndex } = await _peerExpected();
  assert.equal(set.columns.length, 30);
  const worst: string[] = [];
  for (const name of set.columns) {
    assert.ok(expected[name], `fixture has column ${name}`);
    let max = 0;
    let at = -1;
    const scale = medianAbs(expected[name]);
    for (let k = 0; k < rowIndex.length; k++) {
      const e = relErr(cols[name][rowIndex[k]], expected[name][k], scale);
      if (!(e <= max)) {
        max = e;
        at = rowIndex[k];
      }
    }
    if (!(max <= 1e-9)) worst.push(`${name}: rel err ${max} at row ${at}`);
  }
  assert.deepEqual(worst, []);
});

Deno.test("peer30 feature names are exactly the peer's, in the peer's order", async () => {
  const set = resolveFeatureSet(await loadFeatureSetSpec("peer30", CONFIG_DIR));
  const { columns } = await _peerExpected();
  assert.deepEqual(set.columns, Object.keys(columns).slice(1, 31));
});
