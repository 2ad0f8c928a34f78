/**
 * `deno task experiments:list [--strategy S] [--notebooks] [--json] [--root experiments/runs]`: one line per run.
 *
 * @module
 */
import { DEFAULT_RUNS_ROOT, formatRunList, listRuns, summariseRun } from "../experiments/list.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

/** The flags of `deno task experiments:list` (parsed strictly). */
export const ARGS = {
  options: {
    strategy: { type: "string" },
    json: { type: "boolean", default: false },
    notebooks: { type: "boolean", default: false },
    root: { type: "string", default: DEFAULT_RUNS_ROOT },
  },
} as const satisfies TaskArgsConfig;

/**
 * Runs the task with `args`; returns the exit code. Output goes to `out` (default stdout).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { main } from "./experiments_list.ts";
 * let text = "";
 * const code = await main(["--root", await Deno.makeTempDir()], (t) => text += t);
 * assert(code === 0 && text.includes("No runs"));
 * ```
 */
export async function main(
  args: string[],
  out: (text: string) => void = (t) => console.log(t.trimEnd()),
): Promise<number> {
  const { values } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
  const root = values.root!;
  const { runs, notebooks, problems } = await listRuns(root, { strategy: values.strategy });
  const rows = runs.map(summariseRun);
  if (values.json) {
    out(JSON.stringify({ root, runs: rows, notebooks, problems }, null, 2) + "\n");
    return 0;
  }
  const filter = values.strategy ? ` for strategy ${values.strategy}` : "";
  out(
    rows.length === 0
      ? `No runs under ${root}${filter}.\n`
      : formatRunList(rows) + `\n\n${rows.length} run(s) under ${root}${filter}\n`,
  );
  if (values.notebooks) {
    for (const n of notebooks) {
      out(`${n.id}  ${n.status.padEnd(7)} ${n.notebook}${n.experimentRun ? ` -> ${n.experimentRun}` : ""}\n`);
    }
  } else if (notebooks.length > 0) {
    out(
      `(${notebooks.length} notebook run(s) beside them: --notebooks lists them; reports in experiments/index.html)\n`,
    );
  }
  for (const p of problems) out(`skipped ${p.path}: ${p.message.split("\n")[0]}\n`);
  return 0;
}

export const SPEC: TaskSpec = {
  name: "experiments:list",
  usage: "deno task experiments:list [--strategy S] [--notebooks] [--json] [--root experiments/runs]",
  about:
    "Lists experiment runs (newest last) with their status, key metrics and the notebook runs that belong to them.",
  reads: "experiments/",
};

if (import.meta.main) await runTask(SPEC, (args) => main(args));
