/**
 * JSON Schema of every config file kind, generated from the zod schemas so editors (with the YAML language
 * server) autocomplete fields and underline mistakes.
 *
 * @module
 */
import { z } from "zod";
import { ExperimentConfigSchema } from "../experiments/config.ts";
import { FeatureSetSchema } from "../features/config.ts";
import { LabelSpecSchema } from "../labels/config.ts";
import { SweepConfigSchema } from "../sweeps/config.ts";

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
 * import { z } from "zod";
 * import { jsonSchemaOf } from "./json_schema.ts";
 * const s = jsonSchemaOf(z.strictObject({ n: z.number().default(1) }), "t");
 * console.assert(s.title === "t" && (s as { additionalProperties?: boolean }).additionalProperties === false);
 * ```
 */
export function jsonSchemaOf(schema: z.ZodType, title: string): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...js, title };
}
