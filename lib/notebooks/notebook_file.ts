/**
 * The parts of the Jupyter notebook format (nbformat 4) that Candlelab reads and writes.
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";

/** One notebook cell (nbformat 4). `source` may be a string or a list of lines. */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: Record<string, unknown>[];
  execution_count?: number | null;
  id?: string;
  [key: string]: unknown;
}

/** A notebook document (nbformat 4). */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/**
 * Parses notebook JSON text and checks it is nbformat 4.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseNotebook } from "./notebook_file.ts";
 * const nb = parseNotebook('{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[]}', "x.ipynb");
 * assert(nb.cells.length === 0);
 * ```
 */
export function parseNotebook(text: string, path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read notebook ${path}: it is not valid JSON (${
        (err as Error).message
      }); open and save it in Jupyter`,
    );
  }
  if (!nb || typeof nb !== "object" || nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new CandlelabError(
      `Cannot read notebook ${path}: expected an nbformat 4 notebook with a "cells" list, current nbformat is ${
        JSON.stringify((nb as { nbformat?: unknown })?.nbformat)
      }; save it with Jupyter 7 or later format 4`,
    );
  }
  nb.metadata ??= {};
  return nb;
}

/**
 * Reads and parses a notebook file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readNotebook } from "./notebook_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.ipynb`, '{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[]}');
 * assert((await readNotebook(`${dir}/a.ipynb`)).nbformat === 4);
 * ```
 */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read notebook ${path}: ${
        (err as Error).message
      }; check the path (notebooks live in notebooks/)`,
    );
  }
  return parseNotebook(text, path);
}

/**
 * The text of a cell's source, whether stored as a string or as a list of lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { cellSource } from "./notebook_file.ts";
 * assert(cellSource({ cell_type: "code", source: ["a\n", "b"], metadata: {} }) === "a\nb");
 * ```
 */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * Index of the first cell carrying `tag` in `metadata.tags`, or -1.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { findTaggedCell } from "./notebook_file.ts";
 * const cells = [{ cell_type: "code" as const, source: "", metadata: { tags: ["parameters"] } }];
 * assert(findTaggedCell({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, "parameters") === 0);
 * ```
 */
export function findTaggedCell(nb: Notebook, tag: string): number {
  return nb.cells.findIndex((c) => c.metadata?.tags?.includes(tag) ?? false);
}

/**
 * The first non-empty line of a cell's source (used to name a cell in messages), at most 80 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { firstLine } from "./notebook_file.ts";
 * assert(firstLine({ cell_type: "code", source: "\n  x = 1\ny", metadata: {} }) === "x = 1");
 * ```
 */
export function firstLine(cell: NotebookCell): string {
  const line = cellSource(cell).split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  return line.length > 80 ? line.slice(0, 77) + "..." : line;
}
