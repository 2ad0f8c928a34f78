/**
 * The shape of lib/: data flows one way. Fails on any circle of relative imports between files (type-only
 * imports count: a circle is a circle for the reader too) and on a stage folder importing from a later one.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Stage folders in pipeline order; a folder may import only from itself and earlier folders. */
export const STAGES = [
  "util",
  "config",
  "series",
  "data",
  "features",
  "labels",
  "models",
  "validation",
  "registry",
  "strategy",
  "backtest",
  "portfolio",
  "state",
  "experiments",
  "sweeps",
  "plots",
  "notebooks",
  "tasks",
] as const;

const SELF = fileURLToPath(import.meta.url);
const LIB = dirname(SELF);

/** Relative import specifiers of one module's code (comments, and so JSDoc examples, are skipped). */
export function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  const re =
    /(?:\bimport|\bexport)\s[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']/g;
  for (const m of code.matchAll(re)) out.push(m[1] ?? m[2]);
  const bare = /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm;
  for (const m of code.matchAll(bare)) out.push(m[1]);
  return out;
}

/** The module graph of lib/: path relative to lib/ -> the lib/ paths it imports. */
export function libGraph(root = LIB): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory && e.name !== "testdata") visit(p);
      else if (e.isFile && /\.tsx?$/.test(e.name) && p !== SELF) {
        const from = relative(root, p);
        const to = relativeImports(Deno.readTextFileSync(p)).map((s) => normalize(join(dirname(from), s)));
        graph.set(from, to);
      }
    }
  };
  visit(root);
  return graph;
}

/** Every circle of imports (strongly connected components with more than one file, or a self-import). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return cycles;
}

/**
 * Imports that run against the stage order (or leave lib/, or name a folder not in {@link STAGES}). Files
 * directly in lib/ (lib/mod.ts, the notebooks' one import, and the tests of lib/ as a whole) rank above
 * every stage: they may import any stage, and no stage may import them.
 */
export function backwardImports(graph: Map<string, string[]>, stages: readonly string[] = STAGES): string[] {
  const rank = (p: string) => (p.includes("/") ? stages.indexOf(p.split("/")[0]) : stages.length);
  const name = (p: string, r: number) => (r === stages.length ? `lib/${p}` : stages[r]);
  const bad: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      const a = rank(from), b = rank(to);
      if (to.startsWith("..")) bad.push(`${from} -> ${to} (outside lib/)`);
      else if (a === -1 || b === -1) {
        bad.push(`${from} -> ${to} (folder not in STAGES)`);
      } else if (b > a) bad.push(`${from} -> ${to} (${name(from, a)} is before ${name(to, b)})`);
    }
  }
  return bad.sort();
}

Deno.test("lib/ has no circle of imports", () => {
  const cycles = importCycles(libGraph());
  assert.deepEqual(cycles, [], `import circles:\n${cycles.map((c) => c.join(" <-> ")).join("\n")}`);
});

Deno.test("lib/ stage folders import only from earlier stages", () => {
  const bad = backwardImports(libGraph());
  assert.deepEqual(bad, [], `imports against the pipeline order:\n${bad.join("\n")}`);
});

Deno.test("the checks find a circle and a backward import (they can fail)", () => {
  const g = new Map([
    ["data/a.ts", ["data/b.ts"]],
    ["data/b.ts", ["data/a.ts"]],
    ["features/c.ts", ["data/a.ts"]],
    ["util/d.ts", ["features/c.ts"]],
    ["tasks/e.ts", ["mod.ts"]],
    ["mod.ts", ["tasks/e.ts", "data/a.ts"]],
  ]);
  assert.deepEqual(importCycles(g), [["data/a.ts", "data/b.ts"], ["mod.ts", "tasks/e.ts"]]);
  assert.deepEqual(backwardImports(g), [
    "tasks/e.ts -> mod.ts (tasks is before lib/mod.ts)",
    "util/d.ts -> features/c.ts (util is before features)",
  ]);
  assert.deepEqual(
    relativeImports(
      `import type { A } from "./a.ts";\n/** import { x } from "./doc.ts"; */\n` +
        `export * from "../b/c.ts";\nconst m = await import("./d.ts");\nimport "./e.ts";`,
    ),
    ["./a.ts", "../b/c.ts", "./d.ts", "./e.ts"],
  );
});
