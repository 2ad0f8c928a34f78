import assert from "node:assert/strict";
import { synthBars } from "./synth.ts";
import type { ColumnChunk } from "./write.ts";

function all(chunks: Iterable<ColumnChunk>): ColumnChunk {
  const list = [...chunks];
  const out: ColumnChunk = {};
  for (const k of Object.keys(list[0])) {
    const n = list.reduce((s, c) => s + c[k].length, 0);
    out[k] = new Float64Array(n);
    let off = 0;
    for (const c of list) {
      out[k].set(c[k], off);
      off += c[k].length;
    }
  }
  return out;
}

Deno.test("synthBars() is deterministic per seed and a shorter run is an exact prefix, across chunk sizes", () => {
  const a = all(synthBars({ rows: 5000, seed: 3, chunkRows: 1000 }));
  const b = all(synthBars({ rows: 5000, seed: 3, chunkRows: 4096 }));
  const c = all(synthBars({ rows: 1234, seed: 3 }));
  const d = all(synthBars({ rows: 5000, seed: 4 }));
  assert.deepEqual(a, b);
  for (const k of Object.keys(a)) assert.deepEqual(c[k], a[k].subarray(0, 1234));
  assert.notDeepEqual(a.close, d.close);
});

Deno.test("synthBars() bars are consistent: open = previous close, high/low bound open and close, volume > 0", () => {
  const x = all(synthBars({ rows: 20000, seed: 1, interval: "5m" }));
  for (let i = 0; i < 20000; i++) {
    if (i > 0) assert.equal(x.open[i], x.close[i - 1]);
    assert.ok(x.high[i] >= Math.max(x.open[i], x.close[i]) && x.low[i] <= Math.min(x.open[i], x.close[i]));
    assert.ok(x.low[i] > 0 && x.volume[i] > 0);
    if (i > 0) assert.equal(x.timestamp[i] - x.timestamp[i - 1], 300_000);
  }
});

Deno.test("synthBars() trend makes next-bar returns predictable from recent returns", () => {
  const corr = (trend: number) => {
    const x = all(synthBars({ rows: 50000, seed: 9, trend }));
    const r = x.close.map((c, i) => Math.log(c / x.open[i]));
    let sxy = 0, sxx = 0;
    for (let i = 20; i < r.length; i++) {
      let past = 0;
      for (let k = 1; k <= 20; k++) past += r[i - k];
      sxy += past * r[i];
      sxx += past * past;
    }
    return sxy / sxx;
  };
  assert.ok(corr(0.5) > corr(0) + 0.005, `${corr(0.5)} vs ${corr(0)}`);
});

Deno.test("synthBars() refuses a non-positive row count", () => {
  assert.throws(
    () => [...synthBars({ rows: 0, seed: 1 })],
    /rows must be a positive integer, current value is 0/,
  );
});
