/**
 * Reads a YAML config file and validates it against a zod schema. Errors name the file and
 * every bad field with its path and what was expected.
 *
 * @module
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { CandlelabError } from "../util/errors.ts";

/** Raised when a config file cannot be read, parsed or validated. */
export class ConfigError extends CandlelabError {
  constructor(readonly file: string, readonly issues: string[], message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Largest YAML document accepted (bytes): configs are small, a huge one is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 1_000_000;
/** Deepest nesting accepted in a config document. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Parses YAML text safely: aliases are limited (no alias bombs), nesting depth is bounded and
 * `__proto__` / `constructor` / `prototype` keys are refused. Returns plain data.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseYaml } from "./load.ts";
 * assert((parseYaml("a: 1", "x.yaml") as { a: number }).a === 1);
 * ```
 */
export function parseYaml(text: string, file: string): unknown {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      file,
      [],
      `Cannot read config ${file}: it is ${text.length} bytes, more than the limit of ${MAX_CONFIG_BYTES}; configs are small YAML files`,
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: "silent" });
  const tags = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED").map((w) =>
    w.message.split("\n")[0]
  );
  if (tags.length > 0) {
    throw new ConfigError(
      file,
      tags,
      `Cannot parse config ${file}: ${tags.join("; ")}; configs use plain YAML without custom tags`,
    );
  }
  if (doc.errors.length > 0) {
    const msgs = doc.errors.map((e) => e.message.split("\n")[0]);
    throw new ConfigError(file, msgs, `Cannot parse config ${file}: ${msgs.join("; ")}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const msg = (err as Error).message;
    throw new ConfigError(
      file,
      [msg],
      `Cannot parse config ${file}: ${msg} (YAML aliases are limited to prevent alias bombs)`,
    );
  }
  _checkShape(value, file, [], 0);
  return value;
}

const _FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function _checkShape(value: unknown, file: string, path: (string | number)[], depth: number): void {
  if (depth > MAX_CONFIG_DEPTH) {
    throw new ConfigError(
      file,
      [path.join(".")],
      `Cannot read config ${file}: nesting deeper than ${MAX_CONFIG_DEPTH} levels at ${path.join(".")}`,
    );
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => _checkShape(v, file, [...path, i], depth + 1));
  } else if (value && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (_FORBIDDEN_KEYS.has(key)) {
        const at = [...path, key].join(".");
        throw new ConfigError(
          file,
          [at],
          `Cannot read config ${file}: key "${key}" at ${at} is not allowed (it could alter object prototypes); remove it`,
        );
      }
      _checkShape((value as Record<string, unknown>)[key], file, [...path, key], depth + 1);
    }
  }
}

/**
 * Validates already-parsed data against `schema`; the error lists every bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { z } from "zod";
 * import { validateConfig } from "./load.ts";
 * const s = z.strictObject({ n: z.number().default(3) });
 * assert(validateConfig({}, s, "x.yaml").n === 3);
 * ```
 */
export function validateConfig<S extends z.ZodType>(data: unknown, schema: S, file: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => {
    const at = i.path.length ? i.path.join(".") : "(root)";
    return `${at}: ${i.message}`;
  });
  throw new ConfigError(
    file,
    issues,
    `Invalid config ${file}:\n${z.prettifyError(result.error)}`,
  );
}

/**
 * Reads, parses and validates a YAML config file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { z } from "zod";
 * import { loadConfig } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.yaml`, "n: 2\n");
 * const c = await loadConfig(`${dir}/c.yaml`, z.strictObject({ n: z.number() }));
 * assert(c.n === 2);
 * ```
 */
export async function loadConfig<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new ConfigError(file, [], `Cannot read config ${file}: ${(err as Error).message}`);
  }
  return validateConfig(parseYaml(text, file), schema, file);
}
