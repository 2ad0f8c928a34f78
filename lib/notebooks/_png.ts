/**
 * Minimal PNG reader for tests (8-bit RGB/RGBA, non-interlaced, as Chromium writes): returns the size
 * and a function giving a pixel's RGB.
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import { CandlelabError } from "../util/errors.ts";

/** Decoded PNG. */
export interface _Png {
  width: number;
  height: number;
  rgb(x: number, y: number): [number, number, number];
}

/** Decodes a PNG's pixels. */
export function _decodePng(bytes: Uint8Array): _Png {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!sig.every((b, i) => bytes[i] === b)) throw new CandlelabError("Cannot decode PNG: bad signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 8, width = 0, height = 0, colorType = 0, depth = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (off < bytes.length) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    const data = bytes.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      depth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (depth !== 8 || bpp === 0 || interlace !== 0) {
    throw new CandlelabError(
      `Cannot decode PNG: only 8-bit RGB/RGBA non-interlaced, got depth ${depth} type ${colorType}`,
    );
  }
  const raw = new Uint8Array(inflateSync(_concat(idat)));
  const stride = width * bpp;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? px[y * stride + i - bpp] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y > 0 ? px[(y - 1) * stride + i - bpp] : 0;
      let v = src[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + i] = v & 255;
    }
  }
  return {
    width,
    height,
    rgb: (x, y) => {
      const i = y * stride + x * bpp;
      return [px[i], px[i + 1], px[i + 2]];
    },
  };
}

function _concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
