/**
 * `--set path.to.key=value` overrides applied to a parsed config before it is validated.
 * Values are YAML scalars (`12`, `0.5`, `true`, `null`, `abc`, `"12"`) or flow lists (`[a, 2]`).
 *
 * @module
 */
import { parse } from "yaml";
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";

const _FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** Options of `applyOverrides`. */
export interface OverrideOptions {
  /**
   * Says whether a key that is absent from the config may be created at `path`. Default: never.
   * `schemaAllowsPath(schema)` gives one that asks the config's zod schema.
   */
  allowNew?: (path: readonly string[]) => boolean;
}

/**
 * Parses one override `a.b.c=value` into its path and YAML value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseOverride } from "./overrides.ts";
 * const o = parseOverride("model.params.depth=[4, 6]");
 * assert(o.path.join("/") === "model/params/depth" && (o.value as number[])[1] === 6);
 * ```
 */
export function parseOverride(spec: string): { path: string[]; value: unknown } {
  const eq = spec.indexOf("=");
  if (eq <= 0) {
    throw new CandlelabError(
      `Cannot apply override "${spec}": expected path.to.key=value; write e.g. --set labels.horizon=24`,
    );
  }
  const rawPath = spec.slice(0, eq).trim();
  const path = rawPath.split(".");
  if (path.some((p) => p === "")) {
    throw new CandlelabError(
      `Cannot apply override "${spec}": the path "${rawPath}" has an empty part; write keys separated by single dots`,
    );
  }
  const forbidden = path.find((p) => _FORBIDDEN.has(p));
  if (forbidden) {
    throw new CandlelabError(
      `Cannot apply override "${spec}": key "${forbidden}" is not allowed (it could alter object prototypes)`,
    );
  }
  const rawValue = spec.slice(eq + 1).trim();
  let value: unknown;
  try {
    value = parse(rawValue === "" ? '""' : rawValue, { maxAliasCount: 0 });
  } catch (err) {
    throw new CandlelabError(
      `Cannot apply override "${spec}" at ${rawPath}: the value ${rawValue} is not a YAML scalar or [a, b] list (${
        (err as Error).message.split("\n")[0]
      }); quote strings that contain special characters`,
    );
  }
  const bad = (v: unknown): boolean =>
    v !== null && typeof v === "object" && (!Array.isArray(v) || v.some(bad));
  if (bad(value)) {
    throw new CandlelabError(
      `Cannot apply override "${spec}" at ${rawPath}: the value ${rawValue} is a mapping; set its keys one by one (--set ${rawPath}.key=value)`,
    );
  }
  return { path, value };
}

/**
 * Returns a copy of `config` with each `path=value` override applied in order. Every path must exist
 * in the config (array elements by index) unless `options.allowNew` accepts it; errors name the path.
 * Validate the result with the config's strict schema afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { applyOverrides } from "./overrides.ts";
 * const c = applyOverrides({ labels: { horizon: 12 }, fees: [1, 2] }, ["labels.horizon=24", "fees.1=3"]) as any;
 * assert(c.labels.horizon === 24 && c.fees[1] === 3);
 * ```
 */
export function applyOverrides(
  config: unknown,
  overrides: readonly string[],
  options: OverrideOptions = {},
): unknown {
  const out = structuredClone(config);
  for (const spec of overrides) {
    const { path, value } = parseOverride(spec);
    let node: unknown = out;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      const at = path.slice(0, i + 1).join(".");
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        const idx = Number(key);
        if (!Number.isInteger(idx) || idx < 0 || idx >= node.length) {
          throw new CandlelabError(
            `Cannot apply override "${spec}": ${at} is not an index of the list at ${
              path.slice(0, i).join(".") || "(root)"
            } (length ${node.length}); use 0..${node.length - 1}`,
          );
        }
        if (last) node[idx] = value;
        else node = node[idx];
      } else if (node !== null && typeof node === "object") {
        const obj = node as Record<string, unknown>;
        if (!Object.hasOwn(obj, key)) {
          if (!options.allowNew?.(path.slice(0, i + 1))) {
            const keys = Object.keys(obj).sort().join(", ");
            throw new CandlelabError(
              `Cannot apply override "${spec}": ${at} does not exist in the config (keys here: ${
                keys || "none"
              }); check the spelling`,
            );
          }
          if (!last) obj[key] = {};
        }
        if (last) obj[key] = value;
        else node = obj[key];
      } else {
        throw new CandlelabError(
          `Cannot apply override "${spec}": ${path.slice(0, i).join(".")} is ${
            JSON.stringify(node)
          }, not a mapping or list, so it has no key "${key}"`,
        );
      }
    }
  }
  return out;
}

function _unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let i = 0; i < 16; i++) {
    if (
      cur instanceof z.ZodOptional || cur instanceof z.ZodNullable || cur instanceof z.ZodDefault ||
      cur instanceof z.ZodPrefault || cur instanceof z.ZodReadonly
    ) {
      cur = cur.unwrap() as z.ZodType;
    } else if (cur instanceof z.ZodPipe) {
      cur = cur.in as z.ZodType;
    } else {
      return cur;
    }
  }
  return cur;
}

function _allows(schema: z.ZodType, path: readonly string[]): boolean {
  const s = _unwrap(schema);
  if (path.length === 0) return true;
  const [head, ...rest] = path;
  if (s instanceof z.ZodObject) {
    const child = (s.shape as Record<string, z.ZodType>)[head];
    return child !== undefined && _allows(child, rest);
  }
  if (s instanceof z.ZodRecord) return _allows(s.valueType as z.ZodType, rest);
  if (s instanceof z.ZodArray) return /^\d+$/.test(head) && _allows(s.element as z.ZodType, rest);
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).some((o) => _allows(o, path));
  return false;
}

/**
 * An `allowNew` predicate that accepts a path when the zod schema declares it (objects, records,
 * unions; optional/default/nullable unwrapped), e.g. an optional key absent from the YAML.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { z } from "zod";
 * import { applyOverrides, schemaAllowsPath } from "./overrides.ts";
 * const schema = z.strictObject({ model: z.strictObject({ depth: z.number().optional() }) });
 * const c = applyOverrides({ model: {} }, ["model.depth=5"], { allowNew: schemaAllowsPath(schema) }) as any;
 * assert(c.model.depth === 5);
 * ```
 */
export function schemaAllowsPath(schema: z.ZodType): (path: readonly string[]) => boolean {
  return (path) => _allows(schema, path);
}
