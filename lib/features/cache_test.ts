import assert from "node:assert/strict";
import { cachedFeatureColumns, type CacheEvent, clearFeatureCache, featureCodeVersion } from "./cache.ts";
import { resolveFeatureSet } from "./set.ts";
import { _synthPerp } from "./_testdata.ts";

const table = _synthPerp(500);
const set = resolveFeatureSet({
  name: "c",
  features: [{ feature: "rsi" }, { feature: "volatility", params: { window: 30 } }, { feature: "premium" }],
});

async function run(dir: string, hashes = ["aa11"], s = set) {
  const events: CacheEvent[] = [];
  const r = await cachedFeatureColumns({
    table,
    set: s,
    datasetHashes: hashes,
    dir,
    log: (e) => events.push(e),
    codeVersion: "test",
  });
  return { ...r, events: events.map((e) => e.event) };
}

function sameColumns(a: Record<string, Float64Array>, b: Record<string, Float64Array>): void {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const k of Object.keys(a)) {
    assert.equal(a[k].length, b[k].length);
    for (let i = 0; i < a[k].length; i++) assert.ok(Object.is(a[k][i], b[k][i]), `${k}[${i}]`);
  }
}

Deno.test("the feature cache misses, writes, then hits with bitwise-identical columns (NaN kept)", async () => {
  const dir = await Deno.makeTempDir();
  const a = await run(dir);
  assert.deepEqual(a.events, ["miss", "write"]);
  const b = await run(dir);
  assert.deepEqual(b.events, ["hit"]);
  assert.equal(b.key, a.key);
  sameColumns(a.columns, b.columns);
  assert.ok(Number.isNaN(b.columns.vol_30[0]));
  assert.deepEqual(Object.keys(b.columns), ["timestamp", "rsi_14", "vol_30", "premium"]);
});

Deno.test("the cache key changes with the dataset hash, the params and the code version", async () => {
  const dir = await Deno.makeTempDir();
  const a = await run(dir);
  const b = await run(dir, ["bb22"]);
  const other = resolveFeatureSet({ name: "c", features: [{ feature: "rsi", params: { period: 7 } }] });
  const c = await run(dir, ["aa11"], other);
  assert.equal(new Set([a.key, b.key, c.key]).size, 3);
  const d = await cachedFeatureColumns({ table, set, datasetHashes: ["aa11"], dir, codeVersion: "other" });
  assert.notEqual(d.key, a.key);
  assert.equal((await featureCodeVersion()).length, 64);
});

Deno.test("a truncated cache file is detected and recomputed, never trusted", async () => {
  const dir = await Deno.makeTempDir();
  const a = await run(dir);
  const bytes = await Deno.readFile(a.path);
  await Deno.writeFile(a.path, bytes.subarray(0, bytes.length >> 1));
  const b = await run(dir);
  assert.deepEqual(b.events, ["corrupt", "write"]);
  sameColumns(a.columns, b.columns);
  assert.deepEqual((await run(dir)).events, ["hit"]);
});

Deno.test("a cache file with one flipped byte is detected and recomputed", async () => {
  const dir = await Deno.makeTempDir();
  const a = await run(dir);
  const bytes = await Deno.readFile(a.path);
  bytes[bytes.length >> 1] ^= 0x40;
  await Deno.writeFile(a.path, bytes);
  const events: CacheEvent[] = [];
  await cachedFeatureColumns({
    table,
    set,
    datasetHashes: ["aa11"],
    dir,
    log: (e) => events.push(e),
    codeVersion: "test",
  });
  assert.equal(events[0].event, "corrupt");
  assert.match(events[0].reason!, /SHA-256/);
});

Deno.test("clearFeatureCache() removes by dataset prefix and by age", async () => {
  const dir = await Deno.makeTempDir();
  const a = await run(dir, ["aa11"]);
  await run(dir, ["bb22"]);
  const removed = await clearFeatureCache({ dir, datasetPrefix: "aa" });
  assert.deepEqual(removed.sort(), [`${dir}/${a.key}.arrow`, `${dir}/${a.key}.json`]);
  assert.equal((await clearFeatureCache({ dir, olderThanMs: 3_600_000 })).length, 0);
  assert.equal(
    (await clearFeatureCache({ dir, olderThanMs: 3_600_000, now: Date.now() + 7_200_000 })).length,
    2,
  );
  assert.deepEqual(await clearFeatureCache({ dir: `${dir}/missing` }), []);
});
