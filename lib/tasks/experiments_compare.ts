/**
 * `deno task experiments:compare <run-id>... [--json] [--root experiments/runs]`: config differences,
 * metrics side by side, trials per strategy and the deflated Sharpe ratio beside the raw one.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CandlelabError } from "../util/errors.ts";
import { compareRuns, formatComparison } from "../experiments/compare.ts";
import { DEFAULT_RUNS_ROOT } from "../experiments/list.ts";

/**
 * Runs the task with `args`; returns the exit code. Output goes to `out` (default stdout).
 *
 * @example
 * ```ts
 * import { main } from "./experiments_compare.ts";
 * let threw = false;
 * try { await main(["--root", await Deno.makeTempDir(), "no-such-run"], () => {}); } catch { threw = true; }
 * console.assert(threw);
 * ```
 */
export async function main(
  args: string[],
  out: (text: string) => void = (t) => console.log(t.trimEnd()),
): Promise<number> {
  let parsed;
  try {
    parsed = _parse(args);
  } catch (err) {
    throw new CandlelabError(
      `Cannot read the arguments: ${
        (err as Error).message
      }; usage: deno task experiments:compare <run-id>... [--json] [--root experiments/runs]`,
    );
  }
  const { values, positionals } = parsed;
  const comparison = await compareRuns(values.root!, positionals);
  out(values.json ? JSON.stringify(comparison, null, 2) + "\n" : formatComparison(comparison) + "\n");
  return 0;
}

function _parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      root: { type: "string", default: DEFAULT_RUNS_ROOT },
    },
    allowPositionals: true,
    strict: true,
  });
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(1);
  }
}
