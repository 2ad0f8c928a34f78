/**
 * An optional allocator for large Float64Arrays that are about to be written in full (feature columns).
 * Columns are carved from a few large chunks ("arena"); each chunk starts on a 2 MiB boundary and is
 * advised for transparent huge pages (`madvise(MADV_HUGEPAGE)`), and each column is pre-faulted in one
 * system call (`madvise(MADV_POPULATE_WRITE)`, Linux >= 5.14) when it is handed out. A caller that knows
 * how much it will allocate can `reserve()` it: one chunk, pre-faulted on a background thread while the
 * caller computes.
 *
 * Why: on VMs where first-touching fresh memory is expensive (measured here, a Firecracker guest with free
 * page reporting), writing 240 MB of fresh 4 KiB pages took 0.8-1.4 s. Huge pages cut the number of faults
 * ~500-fold; pre-faulting in one call brings 256 MB to 15-100 ms when the host still backs the memory, and
 * 250-600 ms when it does not (the host faults each page in again); two threads do the latter in about
 * half the time. See docs/adr/ADR-024-feature-memory-and-kernels.md.
 *
 * The values are plain zero-filled Float64Arrays either way. A column is a view into a chunk
 * (`byteOffset` may be > 0) whose bytes no other column overlaps; a chunk's memory is freed when the last
 * column carved from it is garbage. Needs unscoped `--allow-ffi` (-A) on Linux; elsewhere, and under the
 * tasks' `--allow-ffi=node_modules`, `hugePageAllocator()` returns undefined.
 *
 * Moved from lib/features/ to bench/ (ADR-036): no task ran it (their FFI permission is scoped, and the
 * experiment pipeline never used it), so it stays only for `bench/features.ts --alloc huge` to compare.
 *
 * @module
 */

const _MADV_HUGEPAGE = 14;
const _MADV_POPULATE_WRITE = 23;
const _HUGE_PAGE = 2 * 1024 * 1024;
const _PAGE = 4096;
const _ALIGN = 64;
const _MIN_BYTES = 512 * 1024;

/** An allocator plus the handle to release. */
export interface ColumnAllocator {
  /** A zero-filled Float64Array of `n` entries whose bytes no other column shares. */
  alloc: (n: number) => Float64Array;
  /**
   * Sets aside `bytes` for the columns allocated next (the sum of their `n * 8`, each rounded up to 64
   * bytes) and starts pre-faulting the last two thirds of them on a background thread. A wrong estimate
   * costs only time: columns past it come from new chunks, unused reserved memory is pre-faulted for
   * nothing.
   */
  reserve: (bytes: number) => void;
  /**
   * Releases the libc handle once background pre-faulting has finished (the returned promise settles
   * then); columns already allocated stay valid, later ones are plain arrays.
   */
  close: () => Promise<void>;
}

/** Options of {@link hugePageAllocator}. */
export interface HugePageOptions {
  /**
   * Size of one chunk in bytes; a column larger than this gets a chunk of its own.
   * @default 134217728 (128 MiB: 16 columns of 1,000,000 rows)
   */
  chunkBytes?: number;
  /**
   * Pre-fault memory (`MADV_POPULATE_WRITE`) instead of page by page as it is first written: each column
   * when it is handed out, and reserved memory on a background thread. Costs no extra memory: the columns
   * are about to be written anyway.
   * @default true
   */
  prefault?: boolean;
}

const _SYMBOLS = {
  madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  madviseInBackground: {
    name: "madvise",
    parameters: ["pointer", "usize", "i32"],
    result: "i32",
    nonblocking: true,
  },
} as const;

/**
 * Returns a huge-page arena allocator, or undefined when FFI is not permitted or not on Linux. Columns
 * under 512 KiB (65,536 rows) are plain `new Float64Array(n)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hugePageAllocator } from "./alloc.ts";
 * const a = hugePageAllocator();
 * a?.reserve(2 * 8_000_000);
 * const col = a ? a.alloc(1_000_000) : new Float64Array(1_000_000);
 * assert.ok(col.length === 1_000_000 && col[0] === 0 && col[999_999] === 0);
 * await a?.close();
 * ```
 */
export function hugePageAllocator(options: HugePageOptions = {}): ColumnAllocator | undefined {
  if (Deno.build.os !== "linux" || Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return undefined;
  }
  const chunkBytes = Math.max(_HUGE_PAGE, options.chunkBytes ?? 128 * 1024 * 1024);
  const prefault = options.prefault ?? true;
  let lib: Deno.DynamicLibrary<typeof _SYMBOLS>;
  try {
    lib = Deno.dlopen("libc.so.6", _SYMBOLS);
  } catch {
    return undefined;
  }
  // the current chunk: its buffer, the address of its first 2 MiB boundary (`base`, at byte `start` of
  // the buffer), the next free byte and the end of the usable region (bytes of the buffer)
  let buffer: ArrayBuffer | undefined;
  let base = 0n;
  let start = 0;
  let next = 0;
  let end = 0;
  let closed = false;
  const pending = new Set<Promise<unknown>>();
  const newChunk = (bytes: number) => {
    const span = Math.ceil(Math.max(bytes, chunkBytes) / _HUGE_PAGE) * _HUGE_PAGE;
    buffer = new ArrayBuffer(span + _HUGE_PAGE);
    const addr = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
    start = Number((BigInt(_HUGE_PAGE) - addr % BigInt(_HUGE_PAGE)) % BigInt(_HUGE_PAGE));
    base = addr + BigInt(start);
    next = start;
    end = start + span;
    // advice only: without THP the kernel refuses and the chunk keeps 4 KiB pages
    lib.symbols.madvise(Deno.UnsafePointer.create(base), BigInt(span), _MADV_HUGEPAGE);
  };
  // whole pages around bytes [from, to) of the current chunk (offsets from `start`); an error (kernel
  // < 5.14) leaves them to page-by-page faults
  const pages = (from: number, to: number): [Deno.PointerValue, bigint] => {
    const a = Math.floor(from / _PAGE) * _PAGE;
    const b = Math.ceil(to / _PAGE) * _PAGE;
    return [Deno.UnsafePointer.create(base + BigInt(a)), BigInt(b - a)];
  };
  return {
    alloc(n: number): Float64Array {
      const bytes = n * 8;
      if (bytes < _MIN_BYTES || closed) return new Float64Array(n);
      if (!buffer || next + bytes > end) newChunk(bytes);
      const offset = next;
      next = Math.min(end, start + Math.ceil((offset - start + bytes) / _ALIGN) * _ALIGN);
      // a no-op where the background thread got there first
      if (prefault) {
        lib.symbols.madvise(...pages(offset - start, offset - start + bytes), _MADV_POPULATE_WRITE);
      }
      return new Float64Array(buffer!, offset, n);
    },
    reserve(bytes: number): void {
      if (closed || bytes < _MIN_BYTES) return;
      if (!buffer || next + bytes > end) newChunk(bytes);
      if (!prefault) return;
      // The background thread starts a third of the way in, the caller's first columns fault the first
      // third themselves: two threads faulting the same pages would both zero a huge page and throw one
      // away (measured: starting both at the same address gained little over no background thread).
      const from = next - start + Math.floor(bytes / 3 / _PAGE) * _PAGE;
      const chunk = buffer;
      const job = lib.symbols.madviseInBackground(
        ...pages(from, Math.min(end, next + bytes) - start),
        _MADV_POPULATE_WRITE,
      ).finally(() => {
        pending.delete(job);
        void chunk; // keeps the chunk (and so its memory) alive until the kernel is done with it
      });
      pending.add(job);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...pending]);
      lib.close();
    },
  };
}
