/**
 * Secret scrubbing: values under keys that look like credentials are replaced before anything is
 * written to a run folder.
 *
 * @module
 */

/** What replaces a scrubbed value. */
export const SCRUBBED = "[scrubbed]";

const _SECRET_WORD =
  /^(.*key|keys|tokens?|passwords?|passwd|pwd|passphrase|secrets?|credentials?|auth|authorization|cookies?)$/;
const _SECRET_SUBSTRING = /(token|password|secret|passphrase|credential)/;

/**
 * Returns `true` when a key name looks like it holds a secret: one of its words (split on camelCase,
 * `_`, `-`, `.`) is or ends in "key", or is token/password/secret/credential/auth/cookie, or the whole
 * name contains token/password/secret. Errs on the side of scrubbing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { isSecretKey } from "./scrub.ts";
 * assert(isSecretKey("apiKey") && isSecretKey("BINANCE_SECRET") && isSecretKey("key"));
 * assert(!isSecretKey("keyboard_layout") && !isSecretKey("horizon"));
 * ```
 */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (_SECRET_SUBSTRING.test(lower)) return true;
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[\s_.\-]+/);
  return words.some((w) => _SECRET_WORD.test(w));
}

/**
 * Deep copy of `value` with every value under a secret-looking key replaced by `"[scrubbed]"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scrubSecrets } from "./scrub.ts";
 * const out = scrubSecrets({ exchange: { api_key: "abc", name: "binance" } }) as any;
 * assert(out.exchange.api_key === "[scrubbed]" && out.exchange.name === "binance");
 * ```
 */
export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (ArrayBuffer.isView(value)) return value;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? SCRUBBED : scrubSecrets(v);
    return out;
  }
  return value;
}
