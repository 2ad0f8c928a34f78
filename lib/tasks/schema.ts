/**
 * `deno task schema [--out configs/schema]`: writes the JSON Schema of every config kind. Point your editor's
 * YAML support at them (see configs/schema/README.md).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { CONFIG_SCHEMAS, jsonSchemaOf } from "../config/json_schema.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { runTask, type TaskSpec } from "./_cli.ts";

/**
 * Writes the schemas into `out`; returns the files written.
 *
 * @example
 * ```ts
 * import { writeSchemas } from "./schema.ts";
 * const files = await writeSchemas(await Deno.makeTempDir());
 * console.assert(files.length === 3);
 * ```
 */
export async function writeSchemas(out: string): Promise<string[]> {
  const files: string[] = [];
  for (const [name, { schema, title }] of Object.entries(CONFIG_SCHEMAS)) {
    const file = join(out, name);
    await writeJsonAtomic(file, jsonSchemaOf(schema, title));
    files.push(file);
  }
  return files;
}

const SPEC: TaskSpec = {
  name: "schema",
  usage: "deno task schema [--out configs/schema]",
  about: "Writes JSON Schema for strategy, feature-set and label configs (editor completion).",
  reads: "anything",
  writes: "configs/schema/",
};

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values } = parseArgs({
      args,
      options: { out: { type: "string", default: "configs/schema" } },
    });
    for (const f of await writeSchemas(values.out!)) console.log(`wrote ${f}`);
  });
}
