/**
 * `deno task schema [--out configs/schema]`: writes the JSON Schema of every config kind. Point your editor's
 * YAML support at them (see configs/schema/README.md). Schema generation lives here, with the task, because
 * it needs the config schema of every stage; lib/config stays below the stages (ADR-035).
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { ExperimentConfigSchema } from "../experiments/config.ts";
import { FeatureSetSchema } from "../features/config.ts";
import { LabelSpecSchema } from "../labels/config.ts";
import { SweepConfigSchema } from "../sweeps/config.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

/** Config kinds: schema file name -> zod schema and the YAML files it describes. */
export const CONFIG_SCHEMAS: Record<string, { schema: z.ZodType; glob: string; title: string }> = {
  "strategy.schema.json": {
    schema: ExperimentConfigSchema,
    glob: "configs/strategies/*.yaml",
    title: "Candlelab strategy / experiment config",
  },
  "feature-set.schema.json": {
    schema: FeatureSetSchema,
    glob: "configs/features/*.yaml",
    title: "Candlelab feature set",
  },
  "label.schema.json": {
    schema: LabelSpecSchema,
    glob: "configs/labels/*.yaml",
    title: "Candlelab label spec",
  },
  "sweep.schema.json": {
    schema: SweepConfigSchema,
    glob: "configs/sweeps/*.yaml",
    title: "Candlelab parameter sweep",
  },
};

/**
 * The JSON Schema (draft 2020-12) of one zod schema, describing the input a user writes (defaults optional).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { jsonSchemaOf } from "./schema.ts";
 * const s = jsonSchemaOf(z.strictObject({ n: z.number().default(1) }), "t");
 * assert.equal(s.title, "t");
 * assert.equal((s as { additionalProperties?: boolean }).additionalProperties, false);
 * ```
 */
export function jsonSchemaOf(schema: z.ZodType, title: string): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...js, title };
}

/**
 * Writes the schemas into `out`; returns the files written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIG_SCHEMAS, writeSchemas } from "./schema.ts";
 * const files = await writeSchemas(await Deno.makeTempDir());
 * assert.equal(files.length, Object.keys(CONFIG_SCHEMAS).length);
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

export const SPEC: TaskSpec = {
  name: "schema",
  usage: "deno task schema [--out configs/schema]",
  about: "Writes JSON Schema for strategy, feature-set and label configs (editor completion).",
  reads: "anything",
  writes: "configs/schema/",
};

/** The flags of `deno task schema` (parsed strictly). */
export const ARGS = {
  options: { out: { type: "string", default: "configs/schema" } },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
    for (const f of await writeSchemas(values.out!)) console.log(`wrote ${f}`);
  });
}
