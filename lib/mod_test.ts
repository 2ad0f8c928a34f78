/**
 * lib/mod.ts is the notebooks' one import: a curated surface of 25-45 names, every notebook imports
 * Candlelab from it and nothing else, every name a notebook takes from it (or from its `views`) exists,
 * no runner internals leak into it, and no notebook cell grows past 15 lines (longer code belongs in lib/
 * as a named view).
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { moduleExports } from "./_exports.ts";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SURFACE = "../lib/mod.ts";
const MAX_CELL_LINES = 15;

/** The code cells of a notebook file, in order. */
function _codeCells(path: string): string[] {
  const nb = JSON.parse(Deno.readTextFileSync(path)) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  return nb.cells.filter((c) => c.cell_type === "code").map((c) =>
    Array.isArray(c.source) ? c.source.join("") : c.source
  );
}

function _notebooks(): string[] {
  return [...Deno.readDirSync(join(ROOT, "notebooks"))]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => join(ROOT, "notebooks", e.name))
    .sort();
}

/** What a notebook's code imports: specifier, named imports (local alias -> exported name). */
export interface NotebookImport {
  specifier: string;
  names: Map<string, string>;
}

/**
 * Import statements (static, `export ... from`, dynamic, bare) of cell sources, comments skipped.
 */
export function notebookImports(cells: readonly string[]): NotebookImport[] {
  const out: NotebookImport[] = [];
  for (const cell of cells) {
    const code = cell.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const re =
      /\b(?:import|export)\s+(?:type\s+)?([\s\S]*?)\s*\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;
    for (const m of code.matchAll(re)) {
      const names = new Map<string, string>();
      const braces = /\{([^}]*)\}/.exec(m[1] ?? "");
      for (const part of braces ? braces[1].split(",") : []) {
        const p = part.trim().replace(/^type\s+/, "");
        if (!p) continue;
        const [name, alias] = p.split(/\s+as\s+/);
        names.set((alias ?? name).trim(), name.trim());
      }
      out.push({ specifier: m[2] ?? m[3] ?? m[4], names });
    }
  }
  return out;
}

/** Specifiers that reach Candlelab code other than through lib/mod.ts (relative, absolute, file:). */
export function offSurfaceImports(imports: readonly NotebookImport[]): string[] {
  return imports.map((i) => i.specifier)
    .filter((s) => /^(\.|\/|file:)/.test(s) && s !== SURFACE);
}

/** Names used on the views alias (`v.name`, `const { name } = v`) that `views` does not export. */
export function unknownViews(cells: readonly string[], alias: string, views: ReadonlySet<string>): string[] {
  const code = cells.join("\n");
  const used = new Set([...code.matchAll(new RegExp(`(?<![\\w.])${alias}\\.(\\w+)`, "g"))].map((m) => m[1]));
  for (const m of code.matchAll(new RegExp(`const\\s*\\{([^}]*)\\}\\s*=\\s*${alias}\\b`, "g"))) {
    for (const p of m[1].split(",")) if (p.trim()) used.add(p.split(":")[0].trim());
  }
  return [...used].filter((n) => !views.has(n)).sort();
}

Deno.test("the import checks can fail", () => {
  const lib = "../lib"; // built, so that lib/architecture_test.ts does not read these as this file's imports
  const imports = notebookImports([
    `import { show, views as v } from "${lib}/mod.ts";\nimport { loadBars } from "${lib}/data/mod.ts";`,
    `const m = await import("/work/lib/x.ts");\nimport * as aq from "arquero";\n// import "${lib}/y.ts";`,
    `import "${lib}/z.ts";`,
  ]);
  assert.deepEqual(imports[0].names, new Map([["show", "show"], ["v", "views"]]));
  assert.deepEqual(offSurfaceImports(imports), [`${lib}/data/mod.ts`, "/work/lib/x.ts", `${lib}/z.ts`]);
  const cells = [
    "await show(v.tearSheet(r));\nconst { runLabel, gone } = v;",
    "x.v.notAView(); await v.renamed()",
  ];
  assert.deepEqual(unknownViews(cells, "v", new Set(["tearSheet", "runLabel"])), ["gone", "renamed"]);
});

Deno.test("lib/mod.ts exports between 25 and 45 names", async () => {
  const names = (await moduleExports(ROOT, ["lib/mod.ts"])).get("lib/mod.ts")!;
  assert.ok(
    names.size >= 25 && names.size <= 45,
    `lib/mod.ts exports ${names.size} names (${[...names.keys()].join(", ")}); keep it a curated 25-45`,
  );
  for (const group of ["loadBars", "runExperiment", "backtest", "show", "tableView", "lineChart", "views"]) {
    assert.ok(names.has(group), `lib/mod.ts should export ${group}`);
  }
});

Deno.test("lib/mod.ts and its views carry no runner internals", async () => {
  const ex = await moduleExports(ROOT, ["lib/mod.ts", "lib/notebooks/mod.ts"]);
  const internals = [
    "runNotebook",
    "runAllNotebooks",
    "executeNotebook",
    "buildJupyterCommand",
    "generateToken",
    "resolveKernel",
    "SYSTEM_PYTHON",
    "notebookRunId",
    "injectParameters",
    "buildReportHtml",
    "parseNotebook",
  ];
  for (const [mod, names] of ex) {
    const leaked = internals.filter((n) => names.has(n));
    assert.deepEqual(leaked, [], `${mod} exports runner internals: ${leaked.join(", ")}`);
  }
});

Deno.test("every notebook imports Candlelab only from lib/mod.ts, and only names it exports", async () => {
  const ex = await moduleExports(ROOT, ["lib/mod.ts", "lib/notebooks/mod.ts"]);
  const surface = ex.get("lib/mod.ts")!, views = ex.get("lib/notebooks/mod.ts")!;
  const notebooks = _notebooks();
  assert.ok(notebooks.length >= 8, `expected the notebooks, found ${notebooks.length}`);
  for (const nb of notebooks) {
    const cells = _codeCells(nb);
    const imports = notebookImports(cells);
    const name = nb.slice(ROOT.length + 1);
    assert.deepEqual(offSurfaceImports(imports), [], `${name} imports Candlelab around ${SURFACE}`);
    const own = imports.filter((i) => i.specifier === SURFACE);
    assert.equal(own.length, 1, `${name} should import ${SURFACE} exactly once`);
    const missing = [...own[0].names.values()].filter((n) => !surface.has(n));
    assert.deepEqual(missing, [], `${name} imports names lib/mod.ts does not export`);
    // views: `import { views as v }`, then `v.name` or `const { name } = v`
    const alias = [...own[0].names].find(([, n]) => n === "views")?.[0];
    if (!alias) continue;
    const unknown = unknownViews(cells, alias, new Set(views.keys()));
    assert.deepEqual(unknown, [], `${name} uses views lib/notebooks/mod.ts does not export`);
  }
});

Deno.test(`no notebook code cell is longer than ${MAX_CELL_LINES} lines`, () => {
  const long: string[] = [];
  for (const nb of _notebooks()) {
    _codeCells(nb).forEach((src, i) => {
      const n = src.replace(/\n+$/, "").split("\n").length;
      if (n > MAX_CELL_LINES) long.push(`${nb.slice(ROOT.length + 1)} code cell ${i + 1}: ${n} lines`);
    });
  }
  assert.deepEqual(long, [], `move these cells into lib/ as named views:\n${long.join("\n")}`);
});
