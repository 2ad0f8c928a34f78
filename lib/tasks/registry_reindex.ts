/**
 * `deno task registry:reindex [--root models]`: rebuilds models/index.sqlite from the JSON files.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULT_REGISTRY_ROOT, reindex } from "../registry/mod.ts";
import { CandlelabError } from "../util/errors.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: "string", default: DEFAULT_REGISTRY_ROOT } } });

  try {
    const r = await reindex(values.root);
    for (const p of r.problems) console.error(`warning: skipped ${p.file}: ${p.reason}`);
    console.log(`Indexed ${r.total} models from ${values.root}/metadata (${r.problems.length} skipped).`);
  } catch (err) {
    console.error(err instanceof CandlelabError ? err.message : err);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
