/**
 * Feature-set configs (`configs/features/<name>.yaml`): a name and a list of `{feature, params, rename}`.
 * Parameters are checked against each feature's own schema when the set is resolved (`set.ts`).
 *
 * @module
 */
import { z } from "zod";
import { loadConfig } from "../config/load.ts";
import { CandlelabError } from "../util/errors.ts";

const _ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier (letters, digits, _)");

/** One entry of a feature set. */
export const FeatureEntrySchema = z.strictObject({
  /** Registry name of the feature (e.g. `log_return`). */
  feature: z.string().min(1),
  /** Parameters; fields left out take the feature's defaults. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Optional renames of output columns: `{generated_name: new_name}`. */
  rename: z.record(z.string(), _ident).default({}),
});

/** A feature set as written in YAML. */
export const FeatureSetSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_-]+$/, "must be lowercase letters, digits, _ or -"),
  description: z.string().optional(),
  features: z.array(FeatureEntrySchema).min(1),
});

/** Parsed feature-set spec. */
export type FeatureSetSpec = z.output<typeof FeatureSetSchema>;
/** Feature-set spec as written (defaults optional). */
export type FeatureSetInput = z.input<typeof FeatureSetSchema>;

/** Folder of feature-set configs, relative to the repository root. */
export const FEATURE_SET_DIR = "configs/features";

/**
 * Loads a feature set by name (`configs/features/<name>.yaml`) or by path (anything ending in .yaml/.yml).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadFeatureSetSpec } from "./config.ts";
 * const spec = await loadFeatureSetSpec("peer30", new URL("../../configs/features", import.meta.url).pathname);
 * assert(spec.name === "peer30");
 * ```
 */
export async function loadFeatureSetSpec(nameOrPath: string, dir = FEATURE_SET_DIR): Promise<FeatureSetSpec> {
  const isPath = /\.ya?ml$/.test(nameOrPath);
  const file = isPath ? nameOrPath : `${dir}/${nameOrPath}.yaml`;
  if (!isPath) {
    try {
      await Deno.stat(file);
    } catch {
      const known: string[] = [];
      for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".yaml")) known.push(e.name.slice(0, -5));
      throw new CandlelabError(
        `Cannot load feature set "${nameOrPath}": ${file} does not exist; known sets: ${
          known.sort().join(", ")
        } ` +
          `(or pass a path to a .yaml file)`,
      );
    }
  }
  return loadConfig(file, FeatureSetSchema);
}
