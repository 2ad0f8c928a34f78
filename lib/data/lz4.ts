/**
 * LZ4 frame decoding (the format Arrow IPC / Feather v2 uses for `lz4` compression), so freqtrade
 * Feather files can be read without a native library.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/** Decodes LZ4 block data into `out` starting at `pos`; returns the new end position. */
function _block(src: Uint8Array, out: Uint8Array, pos: number): number {
  let i = 0;
  while (i < src.length) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b;
      do lit += b = src[i++]; while (b === 255);
    }
    out.set(src.subarray(i, i + lit), pos);
    pos += lit;
    i += lit;
    if (i >= src.length) break;
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > pos) {
      throw new CandlelabError(`Cannot decode LZ4 data: match offset ${offset} is out of range`);
    }
    let len = token & 15;
    if (len === 15) {
      let b;
      do len += b = src[i++]; while (b === 255);
    }
    len += 4;
    for (let k = 0; k < len; k++, pos++) out[pos] = out[pos - offset];
  }
  return pos;
}

/**
 * Decompresses one LZ4 frame (magic 0x184D2204); `sizeHint` sizes the output buffer when the frame does
 * not carry its content size.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { decompressLz4Frame } from "./lz4.ts";
 * // Frame with one uncompressed block holding "hi".
 * const frame = new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 2, 0, 0, 0x80, 104, 105, 0, 0, 0, 0]);
 * assert(new TextDecoder().decode(decompressLz4Frame(frame)) === "hi");
 * ```
 */
export function decompressLz4Frame(src: Uint8Array, sizeHint = 0): Uint8Array {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (src.length < 7 || dv.getUint32(0, true) !== 0x184d2204) {
    throw new CandlelabError(
      "Cannot decode LZ4 data: the frame magic number is missing; the data is not LZ4 frame format",
    );
  }
  const flg = src[4];
  const blockChecksum = (flg >> 4) & 1,
    hasSize = (flg >> 3) & 1,
    contentChecksum = (flg >> 2) & 1,
    hasDict = flg & 1;
  let i = 6;
  let size = sizeHint;
  if (hasSize) {
    size = Number(dv.getBigUint64(i, true));
    i += 8;
  }
  if (hasDict) i += 4;
  i += 1; // header checksum
  let out = new Uint8Array(Math.max(size, 1024));
  let pos = 0;
  const maxBlock = 4 << 20;
  for (;;) {
    const word = dv.getUint32(i, true);
    i += 4;
    if (word === 0) break;
    const len = word & 0x7fffffff;
    if (out.length - pos < maxBlock) {
      const bigger = new Uint8Array(Math.max(out.length * 2, pos + maxBlock));
      bigger.set(out.subarray(0, pos));
      out = bigger;
    }
    const data = src.subarray(i, i + len);
    if (word & 0x80000000) {
      out.set(data, pos);
      pos += len;
    } else pos = _block(data, out, pos);
    i += len + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) i += 4;
  return out.subarray(0, pos);
}
