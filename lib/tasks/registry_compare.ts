/**
 * `deno task registry:compare <id> <id>... [--json] [--root models]`: models side by side; rows that
 * differ are marked with `*`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { compareModels, DEFAULT_REGISTRY_ROOT, formatModelComparison } from "../registry/mod.ts";
import { runTask, type TaskSpec } from "./_cli.ts";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      root: { type: "string", default: DEFAULT_REGISTRY_ROOT },
      json: { type: "boolean", default: false },
    },
  });
  const c = await compareModels(values.root, positionals);
  console.log(values.json ? JSON.stringify(c, null, 2) : formatModelComparison(c));
}

const SPEC: TaskSpec = {
  name: "registry:compare",
  usage: "deno task registry:compare <id> <id>... [--json] [--root models]",
  about: "Shows registered models side by side (config differences and metrics).",
  reads: "models/",
  writes: "models/ (its index)",
};

if (import.meta.main) await runTask(SPEC, main);
