/**
 * `deno task registry:reindex [--root models]`: rebuilds models/index.sqlite from the JSON files.
 *
 * @module
 */
import { DEFAULT_REGISTRY_ROOT, reindex } from "../registry/mod.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

/** The flags of `deno task registry:reindex` (parsed strictly). */
export const ARGS = {
  options: { root: { type: "string", default: DEFAULT_REGISTRY_ROOT } },
} as const satisfies TaskArgsConfig;

async function main(args: string[]): Promise<void> {
  const { values } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
  const r = await reindex(values.root);
  for (const p of r.problems) console.error(`warning: skipped ${p.file}: ${p.reason}`);
  console.log(`Indexed ${r.total} models from ${values.root}/metadata (${r.problems.length} skipped).`);
}

export const SPEC: TaskSpec = {
  name: "registry:reindex",
  usage: "deno task registry:reindex [--root models]",
  about: "Rebuilds the SQLite index of the model registry from models/metadata/*.json.",
  reads: "models/",
  writes: "models/ (its index)",
};

if (import.meta.main) await runTask(SPEC, main);
