/**
 * Test helpers (not exported from mod.ts): the peer30 fixture and synthetic bar tables.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";

const _DIR = new URL("./testdata/", import.meta.url);

/** Reads the committed 1,500 input rows of the peer fixture as a Float64Array table. */
export async function _peerInput(): Promise<ColumnTable> {
  const text = await Deno.readTextFile(new URL("peer30_input.csv", _DIR));
  const lines = text.trim().split("\n");
  const header = lines[0].split(",");
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i].split(",");
    for (let j = 0; j < header.length; j++) cols[j][i - 1] = Number(parts[j]);
  }
  return aq.table(Object.fromEntries(header.map((h, j) => [h, cols[j]])));
}

/** The peer's values: columns by name, and the input row index of each fixture row. */
export async function _peerExpected(): Promise<
  { columns: Record<string, Float64Array>; rowIndex: Int32Array }
> {
  const meta = JSON.parse(await Deno.readTextFile(new URL("peer30_expected.json", _DIR)));
  const bytes = await Deno.readFile(new URL("peer30_expected.f64", _DIR));
  const all = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const columns: Record<string, Float64Array> = {};
  (meta.columns as string[]).forEach((c, j) => columns[c] = all.slice(j * meta.rows, (j + 1) * meta.rows));
  const rowIndex = new Int32Array(meta.rows);
  for (let k = 0; k < meta.rows; k++) rowIndex[k] = meta.first_row_index + k * meta.stride;
  return { columns, rowIndex };
}

/** Seeded synthetic perpetual table (1h bars, 8h funding, mark, spot_close) for property-style tests. */
export function _synthPerp(n: number, seed = 7): ColumnTable {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const H = 3_600_000;
  const t0 = Date.UTC(2024, 0, 1);
  const ts = new Float64Array(n), o = new Float64Array(n), h = new Float64Array(n), l = new Float64Array(n);
  const c = new Float64Array(n), v = new Float64Array(n), fr = new Float64Array(n).fill(NaN);
  const mo = new Float64Array(n),
    mh = new Float64Array(n),
    ml = new Float64Array(n),
    mc = new Float64Array(n);
  const sc = new Float64Array(n);
  let p = 40000;
  for (let i = 0; i < n; i++) {
    ts[i] = t0 + i * H;
    o[i] = p;
    p *= Math.exp((rnd() - 0.5) * 0.02);
    c[i] = p;
    h[i] = Math.max(o[i], c[i]) * (1 + rnd() * 0.005);
    l[i] = Math.min(o[i], c[i]) * (1 - rnd() * 0.005);
    v[i] = 10 + rnd() * 100;
    if (i % 8 === 0 && i !== 40) fr[i] = (rnd() - 0.4) * 2e-4; // one missing event at row 40
    mc[i] = i % 50 === 17 ? NaN : c[i] * (1 + (rnd() - 0.5) * 1e-3);
    mo[i] = mh[i] = ml[i] = mc[i];
    sc[i] = c[i] * (1 - (rnd() - 0.3) * 1e-3);
  }
  return aq.table({
    timestamp: ts,
    open: o,
    high: h,
    low: l,
    close: c,
    volume: v,
    funding_rate: fr,
    mark_open: mo,
    mark_high: mh,
    mark_low: ml,
    mark_close: mc,
    spot_close: sc,
  });
}
