/**
 * `deno task registry:show <id> [--lineage] [--root models]`: a model's metadata as JSON, after checking
 * its artifact hash; `--lineage` prints the chain of parent ids instead.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULT_REGISTRY_ROOT, lineage, loadRegisteredModel } from "../registry/mod.ts";
import { CandlelabError } from "../util/errors.ts";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      root: { type: "string", default: DEFAULT_REGISTRY_ROOT },
      lineage: { type: "boolean", default: false },
    },
  });

  try {
    if (positionals.length !== 1) {
      throw new CandlelabError(
        `Cannot show a model: give exactly one id, got ${positionals.length}; e.g. deno task registry:show 0123456789abcdef`,
      );
    }
    if (values.lineage) {
      const { chain, missingParent } = await lineage(values.root, positionals[0]);
      for (const m of chain) console.log(`${m.id}  ${m.created}  ${m.strategy}  ${m.model.kind}`);
      if (missingParent) console.log(`${missingParent}  (parent not in this registry)`);
    } else {
      const { metadata } = await loadRegisteredModel(values.root, positionals[0]);
      console.log(JSON.stringify(metadata, null, 2));
    }
  } catch (err) {
    console.error(err instanceof CandlelabError ? err.message : err);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
