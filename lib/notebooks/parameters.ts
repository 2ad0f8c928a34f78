/**
 * Papermill-style parameters for Deno notebooks.
 *
 * - The notebook declares its parameters in `metadata.candlelab.parameters`:
 *   `{ name: { type: "string" | "number" | "integer" | "boolean", description, enum?, min?, max? } }`.
 * - The cell tagged `parameters` holds the defaults as `let name = value;` lines.
 * - `nb:run -p name=value` values are validated against the declaration (a zod schema built from it), then
 *   a cell tagged `injected-parameters` is inserted right after the parameters cell. It *assigns* the
 *   overrides (`name = value;`): the Deno kernel keeps one module scope across cells, so re-declaring a
 *   name fails, while assigning a `let` works. Overriding a `const` is refused before the run starts.
 *
 * @module
 */
import { z } from "zod";
import { resolve } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { cellSource, findTaggedCell, type Notebook, type NotebookCell } from "./notebook_file.ts";

/** Declaration of one parameter in the notebook's metadata. */
export const ParameterSpecSchema = z.strictObject({
  type: z.enum(["string", "number", "integer", "boolean"]),
  description: z.string().min(1),
  enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** A path relative to the notebook's folder that must exist before the run starts. */
  path: z.enum(["file", "dir"]).optional(),
});

/** One parameter's declaration. */
export type ParameterSpec = z.infer<typeof ParameterSpecSchema>;

/** All of a notebook's parameter declarations, by name. */
export const ParameterSpecsSchema = z.record(z.string().regex(/^[A-Za-z_$][\w$]*$/), ParameterSpecSchema);

/** A parameter value after validation. */
export type ParameterValue = string | number | boolean;

/** Tag of the defaults cell. */
export const PARAMETERS_TAG = "parameters";
/** Tag of the cell `nb:run` inserts. */
export const INJECTED_TAG = "injected-parameters";

/**
 * Reads and validates `metadata.candlelab.parameters` (an empty object when absent).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parameterSpecs } from "./parameters.ts";
 * const specs = parameterSpecs({ nbformat: 4, nbformat_minor: 5, cells: [], metadata: {
 *   candlelab: { parameters: { n: { type: "integer", description: "bars", min: 1 } } } } }, "a.ipynb");
 * assert(specs.n.type === "integer");
 * ```
 */
export function parameterSpecs(nb: Notebook, path: string): Record<string, ParameterSpec> {
  const raw = (nb.metadata.candlelab as { parameters?: unknown } | undefined)?.parameters;
  if (raw === undefined) return {};
  const parsed = ParameterSpecsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CandlelabError(
      `Cannot read the parameter declaration of ${path}: metadata.candlelab.parameters is invalid:\n${
        z.prettifyError(parsed.error)
      }\nEach entry is { type: "string"|"number"|"integer"|"boolean", description, enum?, min?, max? }`,
    );
  }
  return parsed.data;
}

/** A declaration found in the parameters cell. */
export interface DeclaredParameter {
  keyword: "let" | "const" | "var";
  /** The default's source text, e.g. `"BTC"` or `500`. */
  valueSource: string;
  /** The default parsed as JSON where possible (undefined when it is an expression). */
  value: unknown;
}

/**
 * Finds `let|const|var name = value;` lines in a parameters cell (one declaration a line).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { declaredParameters } from "./parameters.ts";
 * const d = declaredParameters('let asset = "BTC"; // which asset\nconst bars: number = 500;');
 * assert(d.get("asset")?.value === "BTC" && d.get("bars")?.keyword === "const");
 * ```
 */
export function declaredParameters(source: string): Map<string, DeclaredParameter> {
  const out = new Map<string, DeclaredParameter>();
  const re = /^\s*(let|const|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[^=]+?)?\s*=\s*(.+?)\s*;?\s*(?:\/\/.*)?$/;
  for (const line of source.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    let value: unknown = undefined;
    try {
      value = JSON.parse(m[3]);
    } catch {
      value = undefined;
    }
    out.set(m[2], { keyword: m[1] as DeclaredParameter["keyword"], valueSource: m[3], value });
  }
  return out;
}

/**
 * Splits `key=value` strings (from `-p`), refusing a missing `=` or a repeated key.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseAssignments } from "./parameters.ts";
 * assert(parseAssignments(["a=1", "b=x=y"]).b === "x=y");
 * ```
 */
export function parseAssignments(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new CandlelabError(
        `Cannot read parameter "${pair}": expected key=value; write e.g. -p bars=500`,
      );
    }
    const key = pair.slice(0, eq).trim();
    if (key in out) {
      throw new CandlelabError(
        `Cannot read parameters: "${key}" is given twice (${out[key]} and ${
          pair.slice(eq + 1)
        }); give it once`,
      );
    }
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * Builds the zod schema of a parameter declaration (strict object: unknown names fail).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parameterSchema } from "./parameters.ts";
 * const s = parameterSchema({ n: { type: "integer", description: "bars", min: 1 } });
 * assert(s.safeParse({ n: 0 }).success === false);
 * ```
 */
export function parameterSchema(
  specs: Record<string, ParameterSpec>,
): z.ZodType<Record<string, ParameterValue>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let s: z.ZodType;
    if (spec.type === "boolean") s = z.boolean();
    else if (spec.type === "string") s = z.string();
    else {
      let n = spec.type === "integer" ? z.number().int() : z.number();
      if (spec.min !== undefined) n = n.min(spec.min);
      if (spec.max !== undefined) n = n.max(spec.max);
      s = n;
    }
    if (spec.enum) {
      const allowed = spec.enum;
      s = s.refine((v) => allowed.includes(v as string | number), {
        message: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      });
    }
    shape[name] = s.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, ParameterValue>>;
}

function _convert(name: string, raw: string, spec: ParameterSpec, path: string): ParameterValue {
  const fail = (what: string): never => {
    throw new CandlelabError(
      `Cannot run ${path}: parameter "${name}" must be ${what} (${spec.description}), current value is "${raw}"; pass e.g. -p ${name}=${
        spec.type === "boolean" ? "true" : spec.type === "string" ? "text" : "1"
      }`,
    );
  };
  if (spec.type === "string") return raw;
  if (spec.type === "boolean") {
    if (raw === "true") return true;
    if (raw === "false") return false;
    return fail("a boolean (true or false)");
  }
  const v = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(v)) return fail(spec.type === "integer" ? "an integer" : "a finite number");
  if (spec.type === "integer" && !Number.isInteger(v)) return fail("an integer");
  return v;
}

/**
 * Converts and validates `-p` overrides against the notebook's declaration and parameters cell.
 * Errors (before any work starts): unknown name, wrong type, out of range or enum, no parameters cell,
 * a declared parameter missing from the parameters cell, overriding a `const`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { validateOverrides } from "./parameters.ts";
 * const nb = { nbformat: 4, nbformat_minor: 5,
 *   metadata: { candlelab: { parameters: { bars: { type: "integer", description: "bars" } } } },
 *   cells: [{ cell_type: "code" as const, source: "let bars = 10;", metadata: { tags: ["parameters"] } }] };
 * assert(validateOverrides(nb, { bars: "20" }, "a.ipynb").bars === 20);
 * ```
 */
export function validateOverrides(
  nb: Notebook,
  overrides: Record<string, string>,
  path: string,
): Record<string, ParameterValue> {
  const specs = parameterSpecs(nb, path);
  const names = Object.keys(overrides);
  const paramIndex = findTaggedCell(nb, PARAMETERS_TAG);
  if (paramIndex < 0) {
    if (names.length === 0) return {};
    throw new CandlelabError(
      `Cannot run ${path} with parameters (${
        names.join(", ")
      }): the notebook has no cell tagged "${PARAMETERS_TAG}"; add a code cell with the defaults as let lines and tag it "${PARAMETERS_TAG}"`,
    );
  }
  const declared = declaredParameters(cellSource(nb.cells[paramIndex]));
  for (const name of Object.keys(specs)) {
    if (!declared.has(name)) {
      throw new CandlelabError(
        `Cannot run ${path}: parameter "${name}" is declared in metadata.candlelab.parameters but not in the parameters cell (cell ${paramIndex}); add "let ${name} = <default>;" to it`,
      );
    }
  }
  const known = Object.keys(specs);
  const values: Record<string, ParameterValue> = {};
  for (const name of names) {
    const spec = specs[name];
    if (!spec) {
      throw new CandlelabError(
        `Cannot run ${path}: unknown parameter "${name}"; known parameters are ${
          known.length ? known.join(", ") : "(none declared in metadata.candlelab.parameters)"
        }`,
      );
    }
    if (declared.get(name)?.keyword === "const") {
      throw new CandlelabError(
        `Cannot override parameter "${name}" of ${path}: the parameters cell declares it with const; declare it with let so the injected cell can assign it`,
      );
    }
    values[name] = _convert(name, overrides[name], spec, path);
  }
  const parsed = parameterSchema(specs).safeParse(values);
  if (!parsed.success) {
    throw new CandlelabError(`Cannot run ${path}: invalid parameters:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The effective parameters: the parameters cell's defaults (where they are JSON literals) overlaid with
 * the overrides.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { effectiveParameters } from "./parameters.ts";
 * const nb = { nbformat: 4, nbformat_minor: 5, metadata: {},
 *   cells: [{ cell_type: "code" as const, source: 'let a = 1;\nlet b = "x";', metadata: { tags: ["parameters"] } }] };
 * assert(effectiveParameters(nb, { a: 2 }).b === "x");
 * ```
 */
export function effectiveParameters(
  nb: Notebook,
  overrides: Record<string, ParameterValue>,
): Record<string, unknown> {
  const idx = findTaggedCell(nb, PARAMETERS_TAG);
  const out: Record<string, unknown> = {};
  if (idx >= 0) {
    for (const [name, d] of declaredParameters(cellSource(nb.cells[idx]))) {
      out[name] = d.value ?? d.valueSource;
    }
  }
  return { ...out, ...overrides };
}

/**
 * Source of the injected cell: one assignment a line, ending in `void 0;` so the cell shows no value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { injectedSource } from "./parameters.ts";
 * assert(injectedSource({ asset: "XRP", bars: 5 }).includes('asset = "XRP";'));
 * ```
 */
export function injectedSource(values: Record<string, ParameterValue>): string {
  const lines = Object.entries(values).map(([k, v]) => `${k} = ${JSON.stringify(v)};`);
  return ["// Parameters injected by nb:run", ...lines, "void 0;"].join("\n");
}

/**
 * Returns a copy of `nb` with the injected-parameters cell right after the parameters cell (replacing an
 * earlier injected cell). With no overrides the notebook is returned unchanged (but copied).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { injectParameters } from "./parameters.ts";
 * const nb = { nbformat: 4, nbformat_minor: 5, metadata: {},
 *   cells: [{ cell_type: "code" as const, source: "let a = 1;", metadata: { tags: ["parameters"] } }] };
 * const out = injectParameters(nb, { a: 2 });
 * assert(out.cells.length === 2 && out.cells[1].metadata.tags?.[0] === "injected-parameters");
 * ```
 */
export function injectParameters(nb: Notebook, values: Record<string, ParameterValue>): Notebook {
  const copy: Notebook = structuredClone(nb);
  const old = findTaggedCell(copy, INJECTED_TAG);
  if (old >= 0) copy.cells.splice(old, 1);
  if (Object.keys(values).length === 0) return copy;
  const at = findTaggedCell(copy, PARAMETERS_TAG);
  if (at < 0) {
    throw new CandlelabError(
      `Cannot inject parameters: the notebook has no cell tagged "${PARAMETERS_TAG}"; tag the cell that holds the defaults`,
    );
  }
  const cell: NotebookCell = {
    cell_type: "code",
    source: injectedSource(values),
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    execution_count: null,
  };
  if (copy.nbformat_minor >= 5) cell.id = "injected-parameters";
  copy.cells.splice(at + 1, 0, cell);
  return copy;
}

/**
 * Whether a string parameter names a path (relative to the notebook's folder): declared with `path`, or
 * described as "relative to ..." or named like `config`, `*Dir`, `*Path`, `*File`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPathParameter } from "./parameters.ts";
 * assert.equal(isPathParameter("config", { type: "string", description: "Strategy config file" }), true);
 * assert.equal(isPathParameter("runsDir", { type: "string", description: "Folder of runs" }), true);
 * assert.equal(isPathParameter("title", { type: "string", description: "Title" }), false);
 * assert.equal(isPathParameter("config", { type: "integer", description: "n" }), false);
 * ```
 */
export function isPathParameter(name: string, spec: ParameterSpec): boolean {
  if (spec.type !== "string" || spec.enum) return false;
  if (spec.path) return true;
  return /relative to /i.test(spec.description) ||
    /^(config|sweep)$|(Dir|Path|File|_dir|_path|_file)$/.test(name);
}

/**
 * Checks, before the kernel starts, that every path parameter (see {@link isPathParameter}) given as an
 * override exists relative to the notebook's folder (`nbDir`); throws a CandlelabError naming the
 * parameter, the value, where it was looked for and what to pass instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPathParameters } from "./parameters.ts";
 * const nb = { nbformat: 4, nbformat_minor: 5, cells: [],
 *   metadata: { candlelab: { parameters: { config: { type: "string", description: "Config, relative to notebooks/" } } } } };
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.yaml`, "x: 1");
 * await checkPathParameters(nb, { config: "a.yaml" }, dir, "n.ipynb");
 * await assert.rejects(() => checkPathParameters(nb, { config: "nope.yaml" }, dir, "n.ipynb"), /"config".*nope\.yaml.*does not exist/);
 * ```
 */
export async function checkPathParameters(
  nb: Notebook,
  values: Record<string, ParameterValue>,
  nbDir: string,
  path: string,
): Promise<void> {
  const specs = parameterSpecs(nb, path);
  for (const [name, value] of Object.entries(values)) {
    const spec = specs[name];
    if (!spec || typeof value !== "string" || !isPathParameter(name, spec)) continue;
    const full = resolve(nbDir, value);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(full);
    } catch (err) {
      const outside = err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied;
      throw new CandlelabError(
        outside
          ? `Cannot run ${path}: parameter "${name}" = "${value}" is ${full}, outside the project; notebooks read only inside the project: copy it in (configs under configs/, data under data/raw/) and pass its path relative to the notebook's folder`
          : `Cannot run ${path}: parameter "${name}" = "${value}" does not exist (looked for ${full}; ${spec.description}); pass a path relative to the notebook's folder, e.g. -p ${name}=../configs/...`,
        { cause: err },
      );
    }
    if (spec.path === "dir" && !info.isDirectory) {
      throw new CandlelabError(
        `Cannot run ${path}: parameter "${name}" = "${value}" is not a folder (${full})`,
      );
    }
    if (spec.path === "file" && !info.isFile) {
      throw new CandlelabError(
        `Cannot run ${path}: parameter "${name}" = "${value}" is not a file (${full})`,
      );
    }
  }
}
