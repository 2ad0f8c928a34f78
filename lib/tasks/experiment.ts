/**
 * `deno task experiment <config.yaml> [--set path.to.key=value ...] [--no-state]`: runs the whole loop for
 * one strategy config and prints the run id and folder. Exit code 1 on failure (the run is logged as failed).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadExperimentConfig } from "../experiments/config.ts";
import { runExperiment } from "../experiments/pipeline.ts";
import { terminalProgress } from "../models/progress.ts";
import { CandlelabError } from "../util/errors.ts";

const _USAGE = "usage: deno task experiment <config.yaml> [--set path.to.key=value ...] [--no-state]";

/**
 * Runs the task; returns the exit code. Lines go to `out`.
 *
 * @example
 * ```ts
 * import { main } from "./experiment.ts";
 * const code = await main([], () => {});
 * console.assert(code === 2);
 * ```
 */
export async function main(args: string[], out: (line: string) => void = console.log): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { set: { type: "string", multiple: true, default: [] }, "no-state": { type: "boolean" } },
      strict: true,
    });
  } catch (err) {
    out(`Cannot read the arguments: ${(err as Error).message}; ${_USAGE}`);
    return 2;
  }
  if (parsed.positionals.length !== 1) {
    out(`Cannot run an experiment: expected one config file, got ${parsed.positionals.length}; ${_USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0];
  const config = await loadExperimentConfig(file, parsed.values.set ?? []);
  const bar = terminalProgress("training");
  const result = await runExperiment(config, {
    persistState: !parsed.values["no-state"],
    configFile: file,
    onTrainProgress: (p) => {
      if (p.done !== undefined && p.total) bar(p.done, p.total);
    },
  });
  const m = result.backtest.metrics;
  out(`run ${result.runId}`);
  out(`folder ${result.runDir}`);
  out(`model ${result.model.id}`);
  out(
    `macro-F1 ${result.evaluation.overall.macroF1.toFixed(4)} (majority baseline ${
      result.evaluation.overall.majorityBaseline.toFixed(4)
    }), total return ${(m.totalReturn * 100).toFixed(2)} %, Sharpe ${m.sharpe.toFixed(2)}, ` +
      `max drawdown ${(m.maxDrawdown * 100).toFixed(2)} %, trades ${result.backtest.trades.length}`,
  );
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(err instanceof CandlelabError ? err.message : (err as Error).stack ?? String(err));
    Deno.exit(1);
  }
}
