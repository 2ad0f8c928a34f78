/**
 * Content hashes for provenance: SHA-256 of files and of canonical JSON.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * SHA-256 of a file's bytes, streamed, as lowercase hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sha256File } from "./hash.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "abc");
 * assert((await sha256File(`${dir}/a`)).startsWith("ba7816bf"));
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) h.update(chunk);
  return h.digest("hex");
}

/**
 * SHA-256 of a string or bytes as lowercase hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sha256 } from "./hash.ts";
 * assert(sha256("abc").startsWith("ba7816bf"));
 * ```
 */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * JSON with object keys sorted at every depth, so equal values give equal text.
 * `undefined` fields are dropped; non-finite numbers are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { canonicalJson } from "./hash.ts";
 * assert(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) === '{"a":[2,{"c":4,"d":3}],"b":1}');
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(_canonical(value));
}

function _canonical(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`Cannot hash value: non-finite number ${value} is not canonical JSON`);
  }
  if (Array.isArray(value)) return value.map(_canonical);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = _canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * Short content id: the first `length` hex digits of the SHA-256 of canonical JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hashId } from "./hash.ts";
 * assert(hashId({ a: 1, b: 2 }) === hashId({ b: 2, a: 1 }));
 * ```
 */
export function hashId(value: unknown, length = 16): string {
  return sha256(canonicalJson(value)).slice(0, length);
}
