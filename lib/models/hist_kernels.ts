/**
 * The boosting engine's hot loops as WebAssembly (source: `hist_kernels.wat`, assembled into
 * `hist_kernels_wasm.ts`), run on a shared `WebAssembly.Memory` that every thread of a fit instantiates the
 * module on. Gradient pairs are quantised to integers (see {@link quantisation}) so that one 16-byte integer
 * add per row and feature keeps a bin's gradient, hessian and row count, exactly and in any order.
 *
 * @module
 */
import { HIST_KERNELS_WASM } from "./hist_kernels_wasm.ts";

/** The exported kernels (every pointer is a byte offset in the memory; see `hist_kernels.wat`). */
export interface HistKernels {
  fill(
    hist: number,
    rows: number,
    stride: number,
    idx: number,
    pairs: number,
    lo: number,
    hi: number,
    f0: number,
    nf: number,
    scratch: number,
    cb: number,
  ): void;
  fill_list(
    hist: number,
    rows: number,
    stride: number,
    idx: number,
    pairs: number,
    lo: number,
    hi: number,
    offs: number,
    nf: number,
    cb: number,
  ): void;
  gradients(
    raw: number,
    k: number,
    rows: number,
    stride: number,
    yOff: number,
    weight: number,
    lo: number,
    hi: number,
    qs: number,
    qg: number,
    qh: number,
    scratch: number,
  ): void;
  add_scores(idx: number, lo: number, hi: number, raw: number, k: number, c: number, v: number): void;
  zero(p: number, n: number): void;
  hist_total(hist: number, cb: number, out: number): void;
  copy(dst: number, src: number, n: number): void;
  subtract(big: number, small: number, bytes: number): void;
  gather(idx: number, pairs: number, q: number, sample: number, lo: number, hi: number): void;
  total(q: number, sample: number, m: number, cb: number, out: number): void;
  partition(
    srcIdx: number,
    srcPairs: number,
    dstIdx: number,
    dstPairs: number,
    col: number,
    cs: number,
    co: number,
    lo: number,
    hi: number,
    t: number,
  ): number;
  scan(
    hist: number,
    nf: number,
    nbins: number,
    g: number,
    h: number,
    cnt: number,
    ig: number,
    ih: number,
    cb: number,
    minSamplesLeaf: number,
    minHessian: number,
    l2: number,
    out: number,
  ): void;
}

/** Bytes of one feature's histogram (256 bins of 16 bytes). */
export const FEATURE_HIST_BYTES = 4096;
/** Bytes of a row's quantised gradient pair (two int32). */
export const PAIR_BYTES = 8;
/** Bytes of the scratch `fill` copies a chunk of rows into (256 rows of 32 bytes). */
export const FILL_SCRATCH_BYTES = 8192;
/** Most contiguous features `fill` takes at once (more, or features with gaps: `fill_list`). */
export const FILL_MAX_FEATURES = 32;

let _module: WebAssembly.Module | null = null;
const _instances = new WeakMap<WebAssembly.Memory, HistKernels>();

/**
 * The kernels bound to `memory` (a shared memory; one instance per memory and thread, cached).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histKernels, kernelMemory } from "./hist_kernels.ts";
 * const mem = kernelMemory(1 << 16), k = histKernels(mem), f = new Float64Array(mem.buffer, 0, 3);
 * new Int32Array(mem.buffer, 64, 4).set([-5, 7, 2, 1]); // two rows' pairs (gradient, hessian)
 * k.total(64, 0, 2, 4, 0);
 * assert.deepEqual([...f], [-3, 8, 2]);
 * ```
 */
export function histKernels(memory: WebAssembly.Memory): HistKernels {
  let k = _instances.get(memory);
  if (k === undefined) {
    compileKernels();
    k = new WebAssembly.Instance(_module!, { env: { memory } }).exports as unknown as HistKernels;
    _instances.set(memory, k);
  }
  return k;
}

/** Compiles the kernels' module now (a worker does it while it starts, not in its first fit). */
export function compileKernels(): void {
  _module ??= new WebAssembly.Module(Uint8Array.from(atob(HIST_KERNELS_WASM), (c) => c.charCodeAt(0)));
}

/**
 * A shared memory of at least `bytes` bytes (whole 64 KiB pages; it cannot grow), plus up to `spare` bytes
 * more within WebAssembly's 4 GiB, so that a slightly larger later request can reuse it.
 */
export function kernelMemory(bytes: number, spare = 0): WebAssembly.Memory {
  const need = Math.max(1, Math.ceil(bytes / 65536));
  if (need > 65536) {
    throw new Error(
      `boosting: the fit needs ${bytes} bytes of working memory, more than WebAssembly's 4 GiB; fit on fewer rows`,
    );
  }
  const pages = Math.min(65536, Math.max(need, Math.ceil((bytes + spare) / 65536)));
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Scales of the quantised gradient pairs of a fit (see {@link quantisation}). */
export interface Quantisation {
  /** Gradient and hessian units per 1 (powers of two). */
  qg: number;
  qh: number;
  /** Low bits of the hessian lane that hold the row count. */
  cb: number;
}

/**
 * Scales for `n` rows with weights up to `maxWeight`. A softmax gradient lies in [-w, w] and a hessian in
 * [0, w / 4]; a row's quantised pair is two int32 and a histogram bin holds 64-bit sums. With `L = bitlen(n)`
 * and `W = ceil(log2 w)`: the gradient unit is 2^-min(51 - L - W, 30 - W) (a row fits an int32, any sum of
 * at most n rows stays below 2^51, exact in a float64) and the hessian unit 2^-min(min(51, 63 - L) - L - W,
 * 32 - W), which leaves the low L bits of its 64-bit lane for the row count. 200,000 rows of weight <= 1:
 * 2^-30 and 2^-27.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantisation } from "./hist_kernels.ts";
 * assert.deepEqual(quantisation(200_000, 1), { qg: 2 ** 30, qh: 2 ** 27, cb: 18 });
 * ```
 */
export function quantisation(n: number, maxWeight: number): Quantisation {
  const L = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const W = maxWeight > 1 ? Math.ceil(Math.log2(maxWeight)) : 0;
  const gBits = Math.min(51 - L - W, 30 - W), hBits = Math.min(Math.min(51, 63 - L) - L - W, 32 - W);
  if (L > 31 || hBits < 8 || gBits < 8) {
    throw new Error(
      `boosting: ${n} rows with weights up to ${maxWeight} leave ${Math.min(gBits, hBits)} bits for a ` +
        "gradient or hessian; fit on fewer rows or scale the weights down",
    );
  }
  return { qg: 2 ** gBits, qh: 2 ** hBits, cb: L };
}
