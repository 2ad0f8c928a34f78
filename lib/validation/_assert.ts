/**
 * Small assertion helpers for tests, on top of `node:assert/strict` (JSR's @std/assert is unreachable).
 *
 * @module
 */
import assert from "node:assert/strict";

/**
 * Deep strict equality.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./_assert.ts";
 * assertEquals([1, { a: 2 }], [1, { a: 2 }]);
 * ```
 */
export function assertEquals(actual: unknown, expected: unknown, msg?: string): void {
  assert.deepStrictEqual(actual, expected, msg);
}

/**
 * |actual - expected| <= tolerance.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "./_assert.ts";
 * assertAlmostEquals(0.1 + 0.2, 0.3, 1e-12);
 * ```
 */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-9): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${actual} to be within ${tolerance} of ${expected}`,
  );
}

/**
 * `fn` throws an instance of `cls` whose message includes `includes`.
 *
 * @example
 * ```ts
 * import { assertThrows } from "./_assert.ts";
 * assertThrows(() => { throw new RangeError("bad value 3"); }, RangeError, "value 3");
 * ```
 */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => Error,
  includes?: string,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (includes) {
      assert.ok(
        (e as Error).message.includes(includes),
        `message "${(e as Error).message}" lacks "${includes}"`,
      );
    }
    return true;
  });
}

/**
 * Async `fn` rejects with an instance of `cls` whose message includes `includes`.
 *
 * @example
 * ```ts
 * import { assertRejects } from "./_assert.ts";
 * await assertRejects(() => Promise.reject(new TypeError("nope")), TypeError, "nope");
 * ```
 */
export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => Error,
  includes?: string,
): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (includes) {
      assert.ok(
        (e as Error).message.includes(includes),
        `message "${(e as Error).message}" lacks "${includes}"`,
      );
    }
    return true;
  });
}
