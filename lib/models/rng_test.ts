import assert from "node:assert/strict";
import { mulberry32 } from "../util/random.ts";
import { createRng } from "./rng.ts";

Deno.test("Rng.countDraws counts the same draws as int() in a loop and leaves the stream in the same place", () => {
  for (const [seed, n, draws] of [[0, 10, 1000], [7, 200_000, 200_000], [0xffffffff, 3, 5]]) {
    const a = createRng(seed), b = createRng(seed);
    const ca = new Int32Array(n), cb = new Int32Array(n);
    for (let d = 0; d < draws; d++) ca[a.int(n)]++;
    b.countDraws(n, draws, cb);
    assert.deepEqual(cb, ca);
    assert.equal(b.next(), a.next());
  }
});

Deno.test("createRng(seed).next() is the stream of lib/util's mulberry32(seed), and int() floors it", () => {
  for (const seed of [0, 1, 42, 0x7fffffff, 0xffffffff, -3]) {
    const a = createRng(seed), b = createRng(seed), m = mulberry32(seed), m2 = mulberry32(seed);
    for (let i = 0; i < 500; i++) assert.equal(a.next(), m());
    for (let i = 0; i < 500; i++) assert.equal(b.int(1000), Math.floor(m2() * 1000));
  }
});
