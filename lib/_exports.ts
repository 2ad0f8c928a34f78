/**
 * Test helper: the exported names of modules (types included) and where each is declared, read with
 * `deno doc --json`, which resolves `export *` and re-exports the way TypeScript does.
 *
 * @module
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Module path (relative to `root`) -> exported name -> where it is declared (`file:line`, relative to `root`). */
export type ExportMap = Map<string, Map<string, string>>;

type _Location = { filename: string; line: number };

interface _DocJson {
  nodes: Record<string, {
    symbols?: {
      name: string;
      declarations: { location: _Location; kind: string; def?: { target?: _Location } }[];
    }[];
  }>;
}

/** Reads the exports of `files` (paths relative to `root`) with the running Deno's `doc --json`. */
export async function moduleExports(root: string, files: readonly string[]): Promise<ExportMap> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...files],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `deno doc --json ${files.join(" ")} failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`,
    );
  }
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as _DocJson;
  const at = (url: string) => (url.startsWith("file:") ? relative(root, fileURLToPath(url)) : url);
  const map: ExportMap = new Map();
  for (const [url, node] of Object.entries(doc.nodes)) {
    const names = new Map<string, string>();
    for (const s of node.symbols ?? []) {
      // a re-export of a module also given is a "reference" to the declaration it names
      const loc = (d: (typeof s.declarations)[number]) =>
        (d.kind === "reference" && d.def?.target) || d.location;
      const where = [...new Set(s.declarations.map((d) => `${at(loc(d).filename)}:${loc(d).line}`))];
      names.set(s.name, where.sort().join(","));
    }
    map.set(at(url), names);
  }
  for (const f of files) {
    if (!map.has(f)) throw new Error(`deno doc --json gave no exports for ${f}`);
  }
  return map;
}

/**
 * Names exported by more than one module for different things (a name re-exported from the same
 * declaration is one thing): `name: moduleA (declared at) | moduleB (declared at)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportCollisions } from "./_exports.ts";
 * const m = new Map([
 *   ["a/mod.ts", new Map([["f", "a/f.ts:1"], ["g", "a/g.ts:1"]])],
 *   ["b/mod.ts", new Map([["f", "b/f.ts:9"], ["g", "a/g.ts:1"]])],
 * ]);
 * assert.deepEqual(exportCollisions(m), ["f: a/mod.ts (a/f.ts:1) | b/mod.ts (b/f.ts:9)"]);
 * ```
 */
export function exportCollisions(exports: ExportMap): string[] {
  const byName = new Map<string, [string, string][]>();
  for (const [mod, names] of exports) {
    for (const [name, where] of names) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name)!.push([mod, where]);
    }
  }
  const out: string[] = [];
  for (const [name, xs] of byName) {
    if (new Set(xs.map(([, where]) => where)).size > 1) {
      out.push(`${name}: ${xs.map(([mod, where]) => `${mod} (${where})`).join(" | ")}`);
    }
  }
  return out.sort();
}
