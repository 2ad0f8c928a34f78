/**
 * The one error class of Candlelab's own. Messages follow the house rule:
 * the action that failed, why, the current value, and what to do next.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { CandlelabError } from "./errors.ts";
 * const e = new CandlelabError("Cannot build labels: horizon must be a positive integer, current value is 0");
 * assert(e.name === "CandlelabError");
 * ```
 */
export class CandlelabError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CandlelabError";
  }
}
