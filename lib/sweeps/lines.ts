/**
 * Newline-delimited JSON over a byte stream: the local pool's protocol between the sweep process and its
 * worker processes (one job per line in, one result per line out).
 *
 * @module
 */

/** Prefix of a result line on a worker's stdout (anything else there is passed through to stderr). */
export const RESULT_PREFIX = "@@candlelab-trial ";

/**
 * Yields the lines of a byte stream (without the newline; a last unterminated line is yielded too).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLines } from "./lines.ts";
 * const s = new Blob(["a\nb", "c\n", "d"]).stream();
 * const got: string[] = [];
 * for await (const l of readLines(s)) got.push(l);
 * assert.deepEqual(got, ["a", "bc", "d"]);
 * ```
 */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  // pieces of the current line; only each new chunk is searched, so a long line costs linear time
  let parts: string[] = [];
  for await (const chunk of stream) {
    let text = decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = text.indexOf("\n")) >= 0) {
      parts.push(text.slice(0, nl));
      yield parts.join("");
      parts = [];
      text = text.slice(nl + 1);
    }
    if (text) parts.push(text);
  }
  const rest = parts.join("") + decoder.decode();
  if (rest.length > 0) yield rest;
}
