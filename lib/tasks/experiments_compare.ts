/**
 * `deno task experiments:compare <run-id>... [--json] [--root experiments/runs]`: config differences,
 * metrics side by side, trials per strategy and the deflated Sharpe ratio beside the raw one.
 *
 * @module
 */
import { compareRuns, formatComparison } from "../experiments/compare.ts";
import { DEFAULT_RUNS_ROOT } from "../experiments/list.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

/** The flags of `deno task experiments:compare` (parsed strictly). */
export const ARGS = {
  options: {
    json: { type: "boolean", default: false },
    root: { type: "string", default: DEFAULT_RUNS_ROOT },
  },
  allowPositionals: true,
} as const satisfies TaskArgsConfig;

/**
 * Runs the task with `args`; returns the exit code. Output goes to `out` (default stdout).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { main } from "./experiments_compare.ts";
 * let threw = false;
 * try { await main(["--root", await Deno.makeTempDir(), "no-such-run"], () => {}); } catch { threw = true; }
 * assert(threw);
 * ```
 */
export async function main(
  args: string[],
  out: (text: string) => void = (t) => console.log(t.trimEnd()),
): Promise<number> {
  const { values, positionals } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
  const comparison = await compareRuns(values.root!, positionals);
  out(values.json ? JSON.stringify(comparison, null, 2) + "\n" : formatComparison(comparison) + "\n");
  return 0;
}

export const SPEC: TaskSpec = {
  name: "experiments:compare",
  usage: "deno task experiments:compare <run id or unique suffix>... [--json] [--root experiments/runs]",
  about:
    "Compares experiment runs side by side: differing config keys, metrics, trial counts and deflated Sharpe. A notebook run id stands for the experiment run it recorded.",
  reads: "experiments/",
};

if (import.meta.main) await runTask(SPEC, (args) => main(args));
