import assert from "node:assert/strict";
import { assembleKernels, kernelsModuleText } from "./hist_kernels_build.ts";
import {
  FEATURE_HIST_BYTES,
  FILL_SCRATCH_BYTES,
  histKernels,
  kernelMemory,
  PAIR_BYTES,
  quantisation,
} from "./hist_kernels.ts";
import { createBoostingJob, runBoosting } from "./boosting_engine.ts";
import { createRng, type Rng } from "./rng.ts";
import { plantedSignal } from "./synthetic.ts";

// Every kernel is checked against a plain-JS reference on seeded random data. Memory is laid out by a bump
// allocator from byte 64 (0 means "no sample" to gather and total), every region 64-byte aligned.

/** A fresh kernel memory (4 MiB unless told), its kernels, an allocator and typed views on it. */
function arena(bytes = 4 << 20) {
  const memory = kernelMemory(bytes), buf = memory.buffer;
  let at = 64;
  return {
    k: histKernels(memory),
    take: (n: number) => {
      const o = at;
      at += Math.ceil(Math.max(n, 1) / 64) * 64;
      assert.ok(at <= bytes, "test arena too small");
      return o;
    },
    u8: (p: number, n: number) => new Uint8Array(buf, p, n),
    i32: (p: number, n: number) => new Int32Array(buf, p, n),
    i64: (p: number, n: number) => new BigInt64Array(buf, p, n),
    f64: (p: number, n: number) => new Float64Array(buf, p, n),
  };
}

/** Asserts equal arrays element by element, naming the first difference (no diff of huge arrays). */
function assertSame(got: ArrayLike<number | bigint>, want: ArrayLike<number | bigint>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let bad = 0, first = -1;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) bad++, first = first < 0 ? i : first;
  }
  if (bad > 0) {
    assert.fail(
      `${what}: ${bad} of ${got.length} differ, first at ${first}: ${got[first]}, want ${want[first]}`,
    );
  }
}

/** A uniformly random 64-bit signed integer. */
function rand64(rng: Rng): bigint {
  const hi = BigInt(Math.floor(rng.next() * 2 ** 32)), lo = BigInt(Math.floor(rng.next() * 2 ** 32));
  return BigInt.asIntN(64, (hi << 32n) | lo);
}

function fillRand64(rng: Rng, a: BigInt64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = rand64(rng);
}

function fillBytes(rng: Rng, a: Uint8Array, below = 256): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.int(below);
}

/** A random permutation of [0, n). */
function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** A row's 8-byte pair (two i32) widened to a bin's two i64 lanes: (g, (h << cb) | 1). */
function wide(pairs: Int32Array, s: number, cb: number): [bigint, bigint] {
  return [BigInt(pairs[2 * s]), BigInt.asIntN(64, (BigInt(pairs[2 * s + 1]) << BigInt(cb)) | 1n)];
}

/** Reference of fill / fill_list: hist[b][bin] += the widened pairs[s] (i64 lanes, wrapping) over `offs`. */
function refFill(
  hist: BigInt64Array,
  rows: Uint8Array,
  S: number,
  idx: Int32Array,
  pairs: Int32Array,
  lo: number,
  hi: number,
  offs: ArrayLike<number>,
  cb: number,
): BigInt64Array {
  const out = hist.slice();
  for (let s = lo; s < hi; s++) {
    const base = idx[s] * S, [g, h] = wide(pairs, s, cb);
    for (let b = 0; b < offs.length; b++) {
      const a = (b * 256 + rows[base + offs[b]]) * 2;
      out[a] = BigInt.asIntN(64, out[a] + g);
      out[a + 1] = BigInt.asIntN(64, out[a + 1] + h);
    }
  }
  return out;
}

/** Lays out rows (random bins), idx (a permutation), pairs (any i32) and a random histogram plus a guard. */
function histCase(seed: number, nRows: number, S: number, hi: number, nf: number) {
  const rng = createRng(seed), m = arena();
  const rows = m.u8(m.take(nRows * S + 32), nRows * S + 32);
  fillBytes(rng, rows);
  const idx = m.i32(m.take(4 * hi), hi);
  idx.set(permutation(rng, nRows).subarray(0, hi));
  const pairs = m.i32(m.take(PAIR_BYTES * hi), 2 * hi);
  for (let j = 0; j < pairs.length; j++) pairs[j] = Math.floor(rng.next() * 2 ** 32) | 0;
  const hp = m.take((nf + 1) * FEATURE_HIST_BYTES);
  const hist = m.i64(hp, nf * 512), guard = m.i64(hp + nf * FEATURE_HIST_BYTES, 512);
  fillRand64(rng, hist);
  fillRand64(rng, guard);
  return { rng, m, rows, idx, pairs, hp, hist, guard, guard0: guard.slice() };
}

Deno.test("hist_kernels_wasm.ts holds exactly what wat2wasm assembles from hist_kernels.wat", async () => {
  let bytes: Uint8Array;
  try {
    bytes = await assembleKernels();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error("wat2wasm is missing: run `bash .ci/setup` (it installs Debian's wabt)");
    }
    throw e;
  }
  const stored = await Deno.readTextFile(new URL("./hist_kernels_wasm.ts", import.meta.url));
  assert.equal(
    stored,
    kernelsModuleText(bytes),
    "hist_kernels_wasm.ts is stale: run `deno task build:kernels`",
  );
});

Deno.test("fill adds each row's widened pair into its bin of each contiguous feature, like the reference", () => {
  const cases = [
    // seed, rows, stride, f0, nf, lo, hi, cb: an odd count over 3 chunks; 1 row; a chunk of 1; 32 features
    [1, 900, 32, 1, 30, 3, 600, 10],
    [2, 900, 4, 0, 1, 3, 600, 18],
    [3, 50, 8, 2, 5, 7, 8, 6],
    [4, 600, 36, 0, 32, 0, 513, 10],
    [5, 300, 12, 3, 9, 10, 266, 9],
  ];
  for (const [seed, nRows, S, f0, nf, lo, hi, cb] of cases) {
    const c = histCase(seed, nRows, S, hi, nf);
    const feats = Array.from({ length: nf }, (_, b) => f0 + b);
    const want = refFill(c.hist, c.rows, S, c.idx, c.pairs, lo, hi, feats, cb);
    const scratch = c.m.take(FILL_SCRATCH_BYTES);
    c.m.k.fill(c.hp, c.rows.byteOffset, S, c.idx.byteOffset, c.pairs.byteOffset, lo, hi, f0, nf, scratch, cb);
    assertSame(c.hist, want, `fill case seed ${seed}`);
    assertSame(c.guard, c.guard0, `fill case seed ${seed} wrote past its features`);
  }
  // No rows: nothing changes.
  const c = histCase(6, 100, 8, 50, 4), before = c.hist.slice();
  c.m.k.fill(
    c.hp,
    c.rows.byteOffset,
    8,
    c.idx.byteOffset,
    c.pairs.byteOffset,
    20,
    20,
    0,
    4,
    c.m.take(8192),
    8,
  );
  assertSame(c.hist, before, "fill of no rows");
});

Deno.test("fill_list adds each row's widened pair into its bin of each listed feature, like the reference", () => {
  const cases = [
    // seed, rows, stride, nf, lo, hi, cb
    [11, 800, 48, 40, 1, 701, 10],
    [12, 300, 16, 1, 0, 300, 20],
    [13, 300, 16, 7, 5, 6, 4],
  ];
  for (const [seed, nRows, S, nf, lo, hi, cb] of cases) {
    const c = histCase(seed, nRows, S, hi, nf);
    const offs = c.m.i32(c.m.take(4 * nf), nf);
    offs.set(permutation(c.rng, S).subarray(0, nf));
    const want = refFill(c.hist, c.rows, S, c.idx, c.pairs, lo, hi, offs, cb);
    const { rows, idx, pairs } = c;
    c.m.k.fill_list(
      c.hp,
      rows.byteOffset,
      S,
      idx.byteOffset,
      pairs.byteOffset,
      lo,
      hi,
      offs.byteOffset,
      nf,
      cb,
    );
    assertSame(c.hist, want, `fill_list case seed ${seed}`);
    assertSame(c.guard, c.guard0, `fill_list case seed ${seed} wrote past its features`);
  }
});

Deno.test("subtract takes one histogram from another lane-wise (wrapping i64), over exactly n bytes", () => {
  const rng = createRng(21), m = arena(), n = 3 * FEATURE_HIST_BYTES;
  const bp = m.take(n + 64), sp = m.take(n);
  const big = m.i64(bp, n / 8), after = m.i64(bp + n, 2), small = m.i64(sp, n / 8);
  fillRand64(rng, big);
  fillRand64(rng, small);
  fillRand64(rng, after);
  const want = big.map((v, i) => BigInt.asIntN(64, v - small[i])), after0 = after.slice();
  m.k.subtract(bp, sp, n);
  assertSame(big, want, "big - small");
  assertSame(after, after0, "the bytes after big");
  const again = big.slice();
  m.k.subtract(bp, sp, 0);
  assertSame(big, again, "subtract of 0 bytes");
});

Deno.test("gather copies q[i] for i = sample[s] (or s) into positions [lo, hi) of idx and pairs", () => {
  for (const withSample of [true, false]) {
    const rng = createRng(withSample ? 31 : 32), m = arena(), nq = 500, len = 400, lo = 17, hi = 333;
    const q = m.i64(m.take(PAIR_BYTES * nq), nq); // one pair = 8 bytes, read as one i64
    fillRand64(rng, q);
    const sample = m.i32(m.take(4 * len), len);
    sample.set(permutation(rng, nq).subarray(0, len));
    const idx = m.i32(m.take(4 * len), len).fill(-9), pairs = m.i64(m.take(PAIR_BYTES * len), len).fill(-9n);
    const wantIdx = idx.slice(), wantPairs = pairs.slice();
    for (let s = lo; s < hi; s++) {
      const i = withSample ? sample[s] : s;
      wantIdx[s] = i, wantPairs[s] = q[i];
    }
    m.k.gather(idx.byteOffset, pairs.byteOffset, q.byteOffset, withSample ? sample.byteOffset : 0, lo, hi);
    assertSame(idx, wantIdx, `idx, sample ${withSample}`);
    assertSame(pairs, wantPairs, `pairs, sample ${withSample}`);
  }
});

Deno.test("total sums gradient, hessian and count of q over the sample (or the first m rows)", () => {
  const rng = createRng(41), m = arena(), n = 1500, cb = 12;
  const q = m.i32(m.take(PAIR_BYTES * n), 2 * n);
  for (let i = 0; i < n; i++) q[2 * i] = rng.int(2 ** 31) - 2 ** 30, q[2 * i + 1] = rng.int(2 ** 20);
  const sample = m.i32(m.take(4 * n), n);
  sample.set(permutation(rng, n));
  const out = m.f64(m.take(24), 3);
  for (const [withSample, cnt] of [[true, 1000], [false, 777], [false, 0]] as const) {
    let g = 0, h = 0;
    for (let s = 0; s < cnt; s++) {
      const i = withSample ? sample[s] : s;
      g += q[2 * i], h += q[2 * i + 1];
    }
    out.fill(NaN);
    m.k.total(q.byteOffset, withSample ? sample.byteOffset : 0, cnt, cb, out.byteOffset);
    assert.deepEqual([...out], [g, h, cnt], `sample ${withSample}, m ${cnt}`);
  }
});

Deno.test("partition puts rows with bin <= t first in order, the rest after in reverse order", () => {
  const cases = [
    // seed, cs, co, lo, hi, t, bins from, bins below (t = 0 with bins >= 1: nothing goes left)
    [51, 1, 0, 0, 700, 100, 0, 256],
    [52, 7, 3, 13, 611, 3, 0, 8],
    [53, 5, 0, 2, 400, 255, 0, 256],
    [54, 1, 0, 9, 300, 0, 1, 256],
    [55, 1, 0, 40, 40, 10, 0, 256],
  ];
  for (const [seed, cs, co, lo, hi, t, from, below] of cases) {
    const rng = createRng(seed), m = arena(), n = 700;
    const col = m.u8(m.take(n * cs), n * cs);
    for (let i = 0; i < col.length; i++) col[i] = from + rng.int(below - from);
    const si = m.i32(m.take(4 * n), n), sp = m.i64(m.take(PAIR_BYTES * n), n);
    si.set(permutation(rng, n));
    fillRand64(rng, sp);
    const di = m.i32(m.take(4 * n), n).fill(-5), dp = m.i64(m.take(PAIR_BYTES * n), n).fill(-5n);
    const wantI = di.slice(), wantP = dp.slice(), left: number[] = [], right: number[] = [];
    for (let s = lo; s < hi; s++) (col[si[s] * cs + co] <= t ? left : right).push(s);
    [...left, ...right.reverse()].forEach((s, j) => {
      wantI[lo + j] = si[s], wantP[lo + j] = sp[s];
    });
    const got = m.k.partition(
      si.byteOffset,
      sp.byteOffset,
      di.byteOffset,
      dp.byteOffset,
      col.byteOffset,
      cs,
      co,
      lo,
      hi,
      t,
    );
    assert.equal(got, left.length, `left count, seed ${seed}`);
    assertSame(di, wantI, `idx, seed ${seed}`);
    assertSame(dp, wantP, `pairs, seed ${seed}`);
  }
});

interface ScanArgs {
  g: number;
  h: number;
  cnt: number;
  ig: number;
  ih: number;
  cb: number;
  msl: number;
  minH: number;
  l2: number;
}

/** Reference of scan: [gain, feature, bin, left g, left h, left rows] of the best split, or null. */
function refScan(hist: BigInt64Array, nbins: Int32Array, a: ScanArgs): number[] | null {
  const shift = BigInt(a.cb), mask = (1n << shift) - 1n;
  const g0 = a.g * a.ig, parent = (g0 * g0) / (a.h * a.ih + a.l2);
  let best = 1e-12, res: number[] | null = null;
  for (let b = 0; b < nbins.length; b++) {
    let gq = 0, hq = 0, cl = 0;
    for (let t = 0; t < nbins[b] - 1; t++) {
      const o = (b * 256 + t) * 2, l1 = BigInt.asUintN(64, hist[o + 1]), c = Number(l1 & mask);
      if (c === 0) continue;
      gq += Number(hist[o]), hq += Number(l1 >> shift), cl += c;
      const cr = a.cnt - cl, hl = hq * a.ih, hr = (a.h - hq) * a.ih;
      if (cl < a.msl || cr < a.msl || hl < a.minH || hr < a.minH || !(hl + a.l2 > 0) || !(hr + a.l2 > 0)) {
        continue;
      }
      const gl = gq * a.ig, gr = (a.g - gq) * a.ig;
      const gn = (gl * gl) / (hl + a.l2) + (gr * gr) / (hr + a.l2) - parent;
      if (gn > best) best = gn, res = [gn, b, t, gq, hq, cl];
    }
  }
  return res;
}

/** A histogram of `cnt` random rows (softmax-like gradients at scale 2^20) over nf features. */
function scanCase(seed: number, nf: number, cnt: number) {
  const rng = createRng(seed), m = arena(), cb = 12, qg = 2 ** 20, qh = 2 ** 22;
  const hist = m.i64(m.take(nf * FEATURE_HIST_BYTES), nf * 512);
  const nbins = m.i32(m.take(4 * nf), nf);
  for (let b = 0; b < nf; b++) nbins[b] = 2 + rng.int(255);
  let g = 0, h = 0;
  for (let r = 0; r < cnt; r++) {
    const p = rng.next(),
      gq = Math.round((p - (rng.next() < 0.5 ? 1 : 0)) * qg),
      hq = Math.round(p * (1 - p) * qh);
    g += gq, h += hq;
    for (let b = 0; b < nf; b++) {
      // feature 0 carries the sign of the gradient through its bins; the rest are noise
      const bin = b === 0
        ? (gq < 0 ? rng.int(nbins[b] >> 1) : (nbins[b] >> 1) + rng.int(nbins[b] >> 1))
        : rng.int(nbins[b]);
      const o = (b * 256 + bin) * 2;
      hist[o] += BigInt(gq), hist[o + 1] += (BigInt(hq) << BigInt(cb)) | 1n;
    }
  }
  const out = m.f64(m.take(48), 6);
  const args: ScanArgs = { g, h, cnt, ig: 1 / qg, ih: 1 / qh, cb, msl: 1, minH: 0, l2: 1 };
  const run = (a: ScanArgs, nf_ = nf) => {
    out.fill(-7);
    m.k.scan(
      hist.byteOffset,
      nf_,
      nbins.byteOffset,
      a.g,
      a.h,
      a.cnt,
      a.ig,
      a.ih,
      a.cb,
      a.msl,
      a.minH,
      a.l2,
      out.byteOffset,
    );
    return [...out];
  };
  return { hist, nbins, args, run };
}

const UNTOUCHED = [-7, -7, -7, -7, -7, -7];

Deno.test("scan finds the reference's best split (gain, feature, bin, left sums, left rows)", () => {
  for (const [seed, nf, cnt] of [[61, 30, 400], [62, 1, 50], [63, 8, 3000], [64, 3, 5]]) {
    const c = scanCase(seed, nf, cnt), want = refScan(c.hist, c.nbins, c.args);
    assert.ok(want !== null, `seed ${seed} has a split`);
    assert.deepEqual(c.run(c.args), want, `seed ${seed}`);
  }
});

/** Reverses the used bins of every feature (a split's left side becomes the right side). */
function mirror(hist: BigInt64Array, nbins: Int32Array): void {
  for (let b = 0; b < nbins.length; b++) {
    const f = hist.subarray(b * 512, b * 512 + 2 * nbins[b]), old = f.slice();
    for (let j = 0; j < nbins[b]; j++) f.set(old.subarray(2 * (nbins[b] - 1 - j), 2 * (nbins[b] - j)), 2 * j);
  }
}

Deno.test("scan respects minSamplesLeaf and minHessian on either side", () => {
  for (const mirrored of [false, true]) {
    const c = scanCase(71, 10, 600);
    if (mirrored) mirror(c.hist, c.nbins);
    const free = refScan(c.hist, c.nbins, c.args)!, [, , , , hq, cl] = free, { cnt, h, ih } = c.args;
    // just above the smaller side of the best split: that split is out, another one wins
    const msl = Math.min(cl, cnt - cl) + 1;
    const bySamples = refScan(c.hist, c.nbins, { ...c.args, msl })!;
    assert.ok(bySamples[0] < free[0] && bySamples[5] >= msl && cnt - bySamples[5] >= msl);
    assert.deepEqual(c.run({ ...c.args, msl }), bySamples, `mirrored ${mirrored}`);
    const minH = Math.min(hq, h - hq) * ih * 1.0001;
    const byHessian = refScan(c.hist, c.nbins, { ...c.args, minH })!;
    assert.ok(byHessian[0] < free[0] && byHessian[4] * ih >= minH && (h - byHessian[4]) * ih >= minH);
    assert.deepEqual(c.run({ ...c.args, minH }), byHessian, `mirrored ${mirrored}`);
    // Leaves of at least cnt / 2 + 1 rows each: impossible.
    assert.deepEqual(c.run({ ...c.args, msl: (cnt >> 1) + 1 }), UNTOUCHED);
  }
});

Deno.test("scan keeps the first of equal gains (the lower feature)", () => {
  const c = scanCase(81, 3, 500);
  // feature 2 := feature 0 (the informative one): equal gains, feature 0 must win
  c.hist.copyWithin(2 * 512, 0, 512);
  c.nbins[2] = c.nbins[0];
  const want = refScan(c.hist, c.nbins, c.args)!;
  assert.equal(want[1], 0);
  assert.deepEqual(c.run(c.args), want);
});

Deno.test("scan keeps the first of equal gains within a feature (lower bin)", () => {
  const c = scanCase(82, 1, 500), t = refScan(c.hist, c.nbins, c.args)![2], nb = c.nbins[0];
  // bin t + 1 := one row of zero gradient and hessian, bin t + 2 := the rows of bins t + 1 ... (the last):
  // splits at t and t + 1 have the same gain
  assert.ok(t + 2 < 256);
  let g = 0n, l1 = 0n;
  for (let b = t + 1; b < nb; b++) g += c.hist[2 * b], l1 += c.hist[2 * b + 1];
  c.hist.fill(0n, 2 * (t + 1));
  c.hist[2 * (t + 1) + 1] = 1n, c.hist[2 * (t + 2)] = g, c.hist[2 * (t + 2) + 1] = l1;
  c.nbins[0] = t + 3;
  const a = { ...c.args, cnt: c.args.cnt + 1 }, tie = refScan(c.hist, c.nbins, a)!;
  assert.deepEqual([tie[1], tie[2]], [0, t]);
  assert.deepEqual(c.run(a), tie);
});

Deno.test("scan leaves out untouched when no split beats a gain of 1e-12", () => {
  const c = scanCase(91, 4, 300);
  assert.deepEqual(c.run(c.args, 0), UNTOUCHED); // no features
  // every row in the last bin of each feature (never a split point)
  for (let b = 0; b < 4; b++) {
    c.hist.fill(0n, b * 512, (b + 1) * 512);
    const o = (b * 256 + c.nbins[b] - 1) * 2;
    c.hist[o] = BigInt(c.args.g), c.hist[o + 1] = (BigInt(c.args.h) << 12n) | BigInt(c.args.cnt);
  }
  assert.equal(refScan(c.hist, c.nbins, c.args), null);
  assert.deepEqual(c.run(c.args), UNTOUCHED);
  // zero gradients everywhere: every gain is 0
  const z = scanCase(92, 4, 300);
  for (let i = 0; i < z.hist.length; i += 2) z.hist[i] = 0n;
  assert.deepEqual(z.run({ ...z.args, g: 0 }), UNTOUCHED);
});

/** Round half to even (what f64.nearest does). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x), d = x - f;
  return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
}

const _EXP_TERMS = [
  1,
  1,
  0.5,
  0.16666666666666666,
  0.041666666666666664,
  0.008333333333333333,
  0.001388888888888889,
  1.984126984126984e-4,
  2.48015873015873e-5,
  2.7557319223985893e-6,
  2.755731922398589e-7,
  2.505210838544172e-8,
  2.08767569878681e-9,
];
const _bits = new BigInt64Array(1), _bitsF = new Float64Array(_bits.buffer);

/** The kernel's exp(x) for x <= 0, operation for operation: 2^k e^r, e^r to r^11 in Estrin's scheme. */
function kernelExp(x: number): number {
  if (x < -700) return 0;
  const k = roundHalfEven(x * 1.4426950408889634);
  const r = x - k * 0.6931471803691238 - k * 1.9082149292705877e-10;
  const c = _EXP_TERMS, r2 = r * r, r4 = r2 * r2;
  const poly = (c[0] + r) + r2 * (c[2] + r * c[3]) +
    r4 * ((c[4] + r * c[5]) + r2 * (c[6] + r * c[7]) + r4 * ((c[8] + r * c[9]) + r2 * (c[10] + r * c[11])));
  _bits[0] = BigInt(k + 1023) << 52n;
  return _bitsF[0] * poly;
}

/** Reference of gradients: per class c, the pairs q[c][i] for rows [lo, hi); `exp` is the exponential. */
function refGradients(
  raw: Float64Array,
  k: number,
  label: (i: number) => number,
  w: Float64Array,
  lo: number,
  hi: number,
  q: Int32Array[],
  qg: number,
  qh: number,
  exp: (x: number) => number,
): void {
  for (let i = lo; i < hi; i++) {
    let mx = raw[i * k];
    for (let c = 1; c < k; c++) mx = Math.max(mx, raw[i * k + c]);
    const e = Array.from({ length: k }, (_, c) => exp(raw[i * k + c] - mx));
    let z = 0;
    for (let c = 0; c < k; c++) z += e[c];
    const wi = w[i], y = label(i);
    for (let c = 0; c < k; c++) {
      const p = e[c] * (1 / z);
      q[c][2 * i] = roundHalfEven(wi * (p - (y === c ? 1 : 0)) * qg);
      q[c][2 * i + 1] = roundHalfEven(wi * Math.max(p * (1 - p), 1e-16) * qh);
    }
  }
}

Deno.test("the kernel's exp (replicated in the reference) is within 1e-14 of Math.exp, and 0 below -700", () => {
  const rng = createRng(100);
  for (let j = 0; j < 20000; j++) {
    const x = j < 10 ? -j / 4 : -rng.next() * (j % 2 ? 700 : 5);
    const want = Math.exp(x);
    assert.ok(Math.abs(kernelExp(x) - want) <= 1e-14 * want, `exp(${x}): ${kernelExp(x)} vs ${want}`);
  }
  assert.equal(kernelExp(0), 1);
  assert.equal(kernelExp(-700.5), 0);
});

Deno.test("gradients writes the softmax pairs of rows [lo, hi) for every class, like the reference", () => {
  // many rows at the finest units an int32 allows (weights <= 1), so that an exp differing from the
  // reference's in the last few bits would change some rounding
  const rng = createRng(101), m = arena(16 << 20), n = 100_000, k = 3, S = 8, yOff = 6, lo = 5, hi = n - 10;
  const qg = 2 ** 30, qh = 2 ** 32;
  const raw = m.f64(m.take(8 * n * k), n * k), w = m.f64(m.take(8 * n), n);
  const rows = m.u8(m.take(n * S), n * S);
  fillBytes(rng, rows);
  for (let i = 0; i < n; i++) rows[i * S + yOff] = rng.int(k);
  for (let j = 0; j < n * k; j++) raw[j] = (rng.next() - 0.5) * 10;
  for (let i = 0; i < n; i++) w[i] = i % 17 === 0 ? 0 : rng.next();
  // a class far below the others (exp underflows to 0), one far above (p(1 - p) below 1e-16)
  raw[10 * k + 1] = -800, raw[11 * k + 2] = 45, raw[12 * k] = raw[12 * k + 1] = raw[12 * k + 2] = 0;
  rows[10 * S + yOff] = 0;
  const q = Array.from({ length: k }, () => m.i32(m.take(PAIR_BYTES * n), 2 * n).fill(-77));
  const qs = m.i32(m.take(4 * k), k);
  qs.set(q.map((a) => a.byteOffset));
  const want = q.map((a) => a.slice()), near = q.map((a) => a.slice());
  const label = (i: number) => rows[i * S + yOff];
  refGradients(raw, k, label, w, lo, hi, want, qg, qh, kernelExp);
  refGradients(raw, k, label, w, lo, hi, near, qg, qh, Math.exp);
  m.k.gradients(
    raw.byteOffset,
    k,
    rows.byteOffset,
    S,
    yOff,
    w.byteOffset,
    lo,
    hi,
    qs.byteOffset,
    qg,
    qh,
    m.take(8 * k),
  );
  for (let c = 0; c < k; c++) {
    assertSame(q[c], want[c], `class ${c}`);
    // with Math.exp, at most one unit off (a value within ~1e-6 of a half may round the other way)
    assert.ok(q[c].every((v, j) => Math.abs(v - near[c][j]) <= 1), `class ${c} vs Math.exp`);
  }
  assert.deepEqual([q[1][20], q[1][21], q[2][34], q[2][35]], [0, 0, 0, 0]); // p = 0 (row 10); weight 0 (row 17)
  assert.equal(q[1][2 * 12], roundHalfEven(w[12] * (1 / 3 - (label(12) === 1 ? 1 : 0)) * qg));
});

Deno.test("gradients rounds half to even (f64.nearest): softmax 1/2 at weights 1, 3, 5", () => {
  const m = arena(), n = 6, k = 2;
  const raw = m.f64(m.take(8 * n * k), n * k).fill(0), w = m.f64(m.take(8 * n), n);
  w.set([1, 3, 5, 1, 3, 5]);
  const rows = m.u8(m.take(n), n);
  rows.set([0, 0, 0, 1, 1, 1]); // stride 1, the label is byte 0
  const q = [m.i32(m.take(8 * n), 2 * n), m.i32(m.take(8 * n), 2 * n)], qs = m.i32(m.take(8), 2);
  qs.set(q.map((a) => a.byteOffset));
  // qg 1: gradients w (1/2 - [y = c]) = -0.5, -1.5, -2.5 or 0.5, 1.5, 2.5; qh 2: hessians w / 2
  m.k.gradients(
    raw.byteOffset,
    k,
    rows.byteOffset,
    1,
    0,
    w.byteOffset,
    0,
    n,
    qs.byteOffset,
    1,
    2,
    m.take(16),
  );
  const grads = (c: number) => [...q[c]].filter((_, j) => j % 2 === 0);
  assert.deepEqual(grads(0), [0, -2, -2, 0, 2, 2]);
  assert.deepEqual(grads(1), [0, 2, 2, 0, -2, -2]);
  assert.deepEqual([...q[0]].filter((_, j) => j % 2 === 1), [0, 2, 2, 0, 2, 2]);
  // The hessian's floor of 1e-16: p = 1 - e^-45 rounds to 1, and 1e-16 at qh 2^53 is 0.9 units
  raw.set([0, 45]);
  m.k.gradients(
    raw.byteOffset,
    k,
    rows.byteOffset,
    1,
    0,
    w.byteOffset,
    0,
    1,
    qs.byteOffset,
    1,
    2 ** 53,
    m.take(16),
  );
  assert.deepEqual([q[0][1], q[1][1]], [1, 1]);
});

Deno.test("add_scores adds v to raw[idx[s] * k + c] for s in [lo, hi) and nothing else", () => {
  const rng = createRng(111), m = arena(), n = 400, k = 3, c = 2, lo = 7, hi = 321, v = -0.3125;
  const raw = m.f64(m.take(8 * n * k), n * k);
  for (let j = 0; j < n * k; j++) raw[j] = rng.next();
  const idx = m.i32(m.take(4 * n), n);
  idx.set(permutation(rng, n));
  const want = raw.slice();
  for (let s = lo; s < hi; s++) want[idx[s] * k + c] += v;
  m.k.add_scores(idx.byteOffset, lo, hi, raw.byteOffset, k, c, v);
  assertSame(raw, want, "raw scores");
  m.k.add_scores(idx.byteOffset, 9, 9, raw.byteOffset, k, c, v);
  assertSame(raw, want, "raw scores after an empty range");
});

Deno.test("quantisation bounds: 200k rows of weight 1, a weight of 3, and too many rows", () => {
  assert.deepEqual(quantisation(200_000, 1), { qg: 2 ** 30, qh: 2 ** 27, cb: 18 });
  assert.deepEqual(quantisation(200_000, 3), { qg: 2 ** 28, qh: 2 ** 25, cb: 18 });
  assert.equal(quantisation(2 ** 27 - 1, 1).cb, 27);
  assert.throws(() => quantisation(2 ** 28, 1), /268435456 rows/);
  assert.throws(() => quantisation(2 ** 32, 1), /4294967296 rows/);
});

Deno.test("kernelMemory: whole pages, spare bytes on top, and more than 4 GiB refused with the size", () => {
  assert.equal(kernelMemory(100).buffer.byteLength, 65536);
  assert.equal(kernelMemory(70_000, 70_000 >> 3).buffer.byteLength, 2 * 65536);
  assert.equal(kernelMemory(65536, 65536).buffer.byteLength, 2 * 65536);
  assert.throws(() => kernelMemory(2 ** 32 + 1, 0), /4294967297 bytes .* 4 GiB/);
});

Deno.test("boosting grows the same trees when evicted histograms are rebuilt from rows (histSlots 3)", () => {
  const { X, y } = plantedSignal(2000, 6, 7, 0.5);
  for (const rowFraction of [1, 0.7]) {
    const fit = (histSlots?: number) => {
      const job = createBoostingJob({
        columns: X.columns,
        y,
        rowWeight: new Float64Array(y.length).fill(1),
        nVal: 0,
        nClasses: 3,
        nThreads: 1,
        maxBins: 255,
        binSampleRows: 2000,
        init: [0, 0, 0],
        histSlots,
        params: {
          nRounds: 5,
          rowFraction,
          featureFraction: 1,
          seed: 3,
          patience: 0,
          maxDepth: 12,
          maxLeaves: 15,
          minSamplesLeaf: 5,
          minHessian: 1e-3,
          l2: 1,
          learningRate: 0.3,
        },
      });
      return runBoosting(job, 0).trees.map((t) => ({
        feature: [...t.feature],
        thresholdBin: [...t.thresholdBin],
        value: [...t.value],
      }));
    };
    const all = fit(), few = fit(3);
    assert.equal(all.length, 15);
    // trees of many leaves: with 3 slots, histograms were evicted and rebuilt
    assert.ok(all.every((t) => t.feature.filter((f) => f < 0).length >= 10), "trees too small to evict");
    assert.deepEqual(few, all, `rowFraction ${rowFraction}`);
  }
});
