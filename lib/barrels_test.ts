/**
 * One name, one thing across the stage barrels (lib/<stage>/mod.ts): a name two barrels export for
 * different declarations makes an import's meaning depend on which barrel it came from. The same
 * declaration re-exported by two barrels is fine.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportCollisions, moduleExports } from "./_exports.ts";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function _barrels(): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(join(ROOT, "lib"))) {
    if (!e.isDirectory) continue;
    try {
      Deno.statSync(join(ROOT, "lib", e.name, "mod.ts"));
      out.push(`lib/${e.name}/mod.ts`);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return out.sort();
}

Deno.test("no name is exported by two stage barrels for different things", async () => {
  const barrels = _barrels();
  assert.ok(barrels.length >= 10, `expected the stage barrels, found ${barrels.join(", ")}`);
  const exports = await moduleExports(ROOT, barrels);
  for (const b of barrels) assert.ok(exports.get(b)!.size > 0, `${b} exports nothing`);
  const clashes = exportCollisions(new Map(barrels.map((b) => [b, exports.get(b)!])));
  assert.deepEqual(clashes, [], `names exported by two barrels for different things:\n${clashes.join("\n")}`);
});
