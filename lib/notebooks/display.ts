/**
 * `show(x)`: display a chart, table or any value from a notebook cell, awaited. Relying on a cell's last
 * expression was observed to drop the output now and then under load with Deno 2.9.6's kernel; an awaited
 * `Deno.jupyter.display` sends the output before the cell completes. Outside a notebook, prints the
 * value's `text/plain` form.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { tableView } from "./table_view.ts";

type _Bundle = Record<string, unknown>;
type _Jupyter = {
  display(bundle: unknown, options?: { raw?: boolean }): Promise<void>;
  format(obj: unknown): Promise<_Bundle>;
};

function _jupyter(): _Jupyter | undefined {
  try {
    return (Deno as unknown as { jupyter?: _Jupyter }).jupyter;
  } catch {
    return undefined;
  }
}

/**
 * The media bundle of a value: its own `Symbol.for("Jupyter.display")` bundle, or text.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mediaBundle } from "./display.ts";
 * const b = await mediaBundle({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>x</b>" }) });
 * assert(b["text/html"] === "<b>x</b>");
 * assert((await mediaBundle(42))["text/plain"] === "42");
 * ```
 */
export async function mediaBundle(value: unknown): Promise<_Bundle> {
  const fn = (value as Record<symbol, unknown> | null)?.[Symbol.for("Jupyter.display")];
  if (typeof fn === "function") return await fn.call(value);
  return { "text/plain": typeof value === "string" ? value : Deno.inspect(value, { colors: false }) };
}

/**
 * Displays each value in order (awaited) in a notebook; prints its text form elsewhere.
 *
 * @example
 * ```ts
 * import { show } from "./display.ts";
 * await show("printed outside a notebook");
 * ```
 */
export async function show(...values: unknown[]): Promise<void> {
  const jupyter = _jupyter();
  await showWith(
    jupyter
      ? (b) => jupyter.display(b, { raw: true })
      : (b) => Promise.resolve(console.log(b["text/plain"] ?? "")),
    ...values,
  );
  // Deno 2.9's kernel can report a cell finished before its last display message is out; headless runs
  // (nbclient) then lose that output now and then. A short pause lets the message leave first.
  if (jupyter) await new Promise((resolve) => setTimeout(resolve, SHOW_SETTLE_MS));
}

/** Pause after a notebook display, in ms (see {@link show}). */
export const SHOW_SETTLE_MS = 50;

/**
 * Like {@link show}, with the destination given (for tests and custom front ends).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { showWith } from "./display.ts";
 * const got: unknown[] = [];
 * await showWith((b) => Promise.resolve(void got.push(b["text/plain"])), "a", 1);
 * assert(got.join() === "a,1");
 * ```
 */
export async function showWith(
  sink: (bundle: _Bundle) => Promise<void>,
  ...values: unknown[]
): Promise<void> {
  for (const v of values) await sink(await mediaBundle(v));
}

const _DISPLAY = Symbol.for("Jupyter.display");

/**
 * Makes every Arquero table display as the project's HTML table ({@link tableView}: first and last rows,
 * formatted numbers, UTC dates) when it is a cell's last expression, instead of Deno's inspect dump. It
 * defines `Symbol.for("Jupyter.display")` on Arquero's table prototype, which only Deno's Jupyter kernel
 * reads: outside the kernel (tasks, tests) nothing is touched unless `force` is given. An existing display
 * method is kept. Returns whether the prototype was patched by this call.
 *
 * Why a prototype patch: a bare expression's display is looked up on the value itself, and Arquero
 * builds its tables internally (filter, derive, join ...), so wrapping each result is not possible.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { enableRichTables } from "./display.ts";
 * const t = aq.table({ a: [1, 2] });
 * assert.equal(enableRichTables(), false); // not in the kernel: no patch
 * assert.equal(enableRichTables({ force: true }), true);
 * const bundle = (t as any)[Symbol.for("Jupyter.display")]();
 * assert.match(bundle["text/html"], /<table class="candlelab-table">/);
 * assert.equal(enableRichTables({ force: true }), false); // once
 * ```
 */
export function enableRichTables(options: { force?: boolean } = {}): boolean {
  if (!options.force && !_jupyter()) return false;
  const proto = Object.getPrototypeOf(aq.table({})) as Record<symbol, unknown>;
  if (Object.prototype.hasOwnProperty.call(proto, _DISPLAY)) return false;
  Object.defineProperty(proto, _DISPLAY, {
    configurable: true,
    value: function (this: ColumnTable) {
      return tableView(this)[_DISPLAY]();
    },
  });
  return true;
}

// In the kernel, importing the notebook helpers turns bare Arquero tables into HTML tables.
enableRichTables();
