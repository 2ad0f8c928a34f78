/**
 * `deno task registry:compare <id> <id>... [--json] [--root models]`: models side by side; rows that
 * differ are marked with `*`.
 *
 * @module
 */
import { compareModels, DEFAULT_REGISTRY_ROOT, formatModelComparison } from "../registry/mod.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

/** The flags of `deno task registry:compare` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    root: { type: "string", default: DEFAULT_REGISTRY_ROOT },
    json: { type: "boolean", default: false },
  },
} as const satisfies TaskArgsConfig;

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
  const c = await compareModels(values.root, positionals);
  console.log(values.json ? JSON.stringify(c, null, 2) : formatModelComparison(c));
}

export const SPEC: TaskSpec = {
  name: "registry:compare",
  usage: "deno task registry:compare <id> <id>... [--json] [--root models]",
  about: "Shows registered models side by side (config differences and metrics).",
  reads: "models/",
  writes: "models/ (its index)",
};

if (import.meta.main) await runTask(SPEC, main);
