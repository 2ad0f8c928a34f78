import assert from "node:assert/strict";
import { hugePageAllocator } from "./alloc.ts";
import { loadFeatureSetSpec } from "../lib/features/config.ts";
import { computeFeatureColumns, resolveFeatureSet } from "../lib/features/set.ts";
import { FEATURES } from "../lib/features/registry.ts";
import { _synthPerp } from "../lib/features/_testdata.ts";

const CONFIG_DIR = new URL("../configs/features", import.meta.url).pathname;
// the arena needs Linux and unscoped FFI (`deno test -A`); elsewhere the tests are reported as ignored
const ignore = Deno.build.os !== "linux";

/** The allocator, or a failed test: these tests exist to exercise it. */
function arena(options?: Parameters<typeof hugePageAllocator>[0]) {
  const a = hugePageAllocator(options);
  assert.ok(a, "hugePageAllocator() returned undefined on Linux: run the tests with -A");
  return a;
}

function bits(x: Float64Array): BigUint64Array {
  return new BigUint64Array(x.buffer, x.byteOffset, x.length);
}

Deno.test({
  name: "hugePageAllocator() returns undefined under the tasks' --allow-ffi=node_modules",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const script = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      script,
      `import { hugePageAllocator } from "${new URL("./alloc.ts", import.meta.url)}";\n` +
        "console.log(String(hugePageAllocator()));\n",
    );
    const node = new URL("../node_modules", import.meta.url).pathname;
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-config", "--no-prompt", "--allow-read", `--allow-ffi=${node}`, script],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "undefined");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "arena columns are zero-filled, 64-byte aligned and never overlap, across chunks and sizes",
  ignore,
}, async () => {
  const a = arena({ chunkBytes: 4 * 1024 * 1024 });
  // sizes around the 512 KiB threshold, odd lengths, and a column bigger than a chunk
  const sizes = [65_536, 65_535, 200_001, 300_000, 524_288, 700_000, 131_072, 1_000_003, 5];
  const cols = sizes.map((n) => a.alloc(n));
  await a.close();
  cols.forEach((c, k) => {
    assert.equal(c.length, sizes[k]);
    if (c.byteLength >= 512 * 1024) {
      const addr = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(c as Float64Array<ArrayBuffer>)));
      assert.equal(addr % 64n, 0n, `column ${k} address alignment`);
    }
    for (let i = 0; i < c.length; i++) if (c[i] !== 0) assert.fail(`column ${k} row ${i} is not zero`);
    c.fill(k + 1);
  });
  // each column still holds its own fill value everywhere: no write reached another column
  cols.forEach((c, k) => {
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== k + 1) assert.fail(`column ${k} row ${i} was overwritten`);
    }
  });
  // byte ranges in a shared buffer are disjoint
  for (let i = 0; i < cols.length; i++) {
    for (let j = i + 1; j < cols.length; j++) {
      if (cols[i].buffer !== cols[j].buffer) continue;
      const [a0, a1] = [cols[i].byteOffset, cols[i].byteOffset + cols[i].byteLength];
      const [b0, b1] = [cols[j].byteOffset, cols[j].byteOffset + cols[j].byteLength];
      assert.ok(a1 <= b0 || b1 <= a0, `columns ${i} and ${j} overlap`);
    }
  }
  assert.ok(new Set(cols.map((c) => c.buffer)).size > 1, "the 4 MiB chunks should have run out");
});

Deno.test({
  name:
    "reserve() sets one chunk aside for the next columns and close() waits for its background pre-faulting",
  ignore,
}, async () => {
  const a = arena({ chunkBytes: 2 * 1024 * 1024 });
  const sizes = [100_000, 250_001, 80_000, 400_000];
  a.reserve(sizes.reduce((s, n) => s + Math.ceil((n * 8) / 64) * 64, 0));
  const cols = sizes.map((n) => a.alloc(n));
  const extra = a.alloc(300_000); // past the reservation (rounded up to 2 MiB): a new chunk
  await a.close();
  assert.equal(new Set(cols.map((c) => c.buffer)).size, 1, "the reserved columns share one chunk");
  assert.notEqual(extra.buffer, cols[0].buffer);
  cols.forEach((c, k) => {
    assert.ok(c.every((v) => v === 0), `column ${k} is zero`);
    c.fill(k + 1);
  });
  cols.forEach((c, k) => assert.ok(c.every((v) => v === k + 1), `column ${k} kept its values`));
  for (let i = 1; i < cols.length; i++) {
    assert.ok(
      cols[i - 1].byteOffset + cols[i - 1].byteLength <= cols[i].byteOffset,
      `columns ${i - 1}, ${i}`,
    );
  }
});

Deno.test({ name: "reserved memory is pre-faulted by the time close() resolves", ignore }, async () => {
  const a = arena();
  a.reserve(96 * 1024 * 1024);
  const probe = a.alloc(65_536); // the first 512 KiB of the reservation, to find its mapping
  await a.close();
  const addr = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(probe as Float64Array<ArrayBuffer>)));
  // the madvise(MADV_HUGEPAGE) region is a mapping of its own; its Rss is what was faulted in
  let rssKb = -1;
  let inside = false;
  for (const line of Deno.readTextFileSync("/proc/self/smaps").split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) inside = BigInt(`0x${range[1]}`) <= addr && addr < BigInt(`0x${range[2]}`);
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (inside && rss) rssKb = Number(rss[1]);
  }
  // the background thread covers the last two thirds (64 MiB), the probe its own 512 KiB
  assert.ok(rssKb >= 64 * 1024, `the reserved mapping has ${rssKb} kB resident`);
});

Deno.test(
  { name: "columns stay valid and distinct after close() and when pre-faulting is off", ignore },
  async () => {
    const a = arena({ prefault: false });
    a.reserve(3_000_000); // nothing in the background without pre-faulting
    const x = a.alloc(300_000);
    await a.close();
    const y = a.alloc(300_000); // after close(): a plain array
    a.reserve(3_000_000); // ignored
    await a.close(); // twice is fine
    x[299_999] = 7;
    assert.equal(x[299_999], 7);
    assert.equal(x[0], 0);
    assert.notEqual(x.buffer, y.buffer);
    assert.equal(y.byteOffset, 0);
  },
);

Deno.test({
  name: "peer30 and every registered feature are bitwise identical with and without the huge-page arena",
  ignore,
}, async () => {
  const peer = resolveFeatureSet(await loadFeatureSetSpec("peer30", CONFIG_DIR));
  const all = resolveFeatureSet({
    name: "all",
    features: [...FEATURES.keys()].map((feature) => ({ feature })),
  });
  const table = _synthPerp(140_000); // columns of >= 512 KiB, so they come from the arena
  for (const set of [peer, all]) {
    const plain = computeFeatureColumns(table, set);
    const a = arena({ chunkBytes: 8 * 1024 * 1024 });
    a.reserve(set.columns.length * table.numRows() * 8 / 2); // half of it: the rest from new chunks
    const onArena = computeFeatureColumns(table, set, { alloc: a.alloc });
    await a.close();
    for (const c of set.columns) assert.deepEqual(bits(onArena[c]), bits(plain[c]), c);
  }
});
