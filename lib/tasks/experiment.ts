/**
 * `deno task experiment <config.yaml> [--set path.to.key=value ...] [--no-state] [--open-holdout]`: runs the
 * whole loop for one strategy config and prints the run id, folder and fold periods. Exit code 1 on failure
 * (the run is logged as failed). `--open-holdout` scores the final model on the config's lockbox and records
 * the opening in the ledger (ADR-032); without it the lockbox stays closed.
 *
 * @module
 */
import { loadExperimentConfig } from "../experiments/config.ts";
import { runExperiment } from "../experiments/pipeline.ts";
import { trainingFeed } from "../experiments/progress.ts";
import { createTerminalProgress } from "../util/progress_terminal.ts";
import { parseTaskArgs, refreshRunsIndex, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";
import { join } from "node:path";
import { readRunRecord } from "../experiments/run_record.ts";
import { type FoldPeriod, formatFoldPeriod } from "../validation/time_folds.ts";

const _USAGE =
  "usage: deno task experiment <config.yaml> [--set path.to.key=value ...] [--no-state] [--open-holdout]";

/** The flags of `deno task experiment` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    set: { type: "string", multiple: true, default: [] },
    "no-state": { type: "boolean" },
    "open-holdout": { type: "boolean" }, // issue #13
  },
} as const satisfies TaskArgsConfig;

/**
 * Runs the task; returns the exit code. Report lines go to `out`, refusals of the arguments (exit 2) to `err`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { main } from "./experiment.ts";
 * const code = await main([], () => {});
 * assert(code === 2);
 * ```
 */
export async function main(
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const parsed = parseTaskArgs(args, ARGS, _USAGE, err);
  if (!parsed) return 2;
  if (parsed.positionals.length !== 1) {
    err(`Cannot run an experiment: expected one config file, got ${parsed.positionals.length}; ${_USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0];
  const config = await loadExperimentConfig(file, parsed.values.set ?? []);
  if (parsed.values["open-holdout"] && !config.holdout) { // issue #13
    err(
      `Cannot open the hold-out: ${file} has no holdout section; add holdout: { start: "2024-01-01" } ` +
        `(or --set holdout.start=...) or drop --open-holdout`,
    );
    return 2;
  }
  const progress = createTerminalProgress(); // stages, and training folds and trees, on one live line
  const result = await runExperiment(config, {
    persistState: !parsed.values["no-state"],
    configFile: file,
    openHoldout: parsed.values["open-holdout"] ?? false, // issue #13
    progress,
    onTrainProgress: trainingFeed(progress),
  });
  const m = result.backtest.metrics;
  out(`run ${result.runId}`);
  out(`folder ${result.runDir}`);
  out(`model ${result.model.id}`);
  // issue #13: fold periods as dates, and the lockbox
  const record = await readRunRecord(join(result.runDir, "run.json"));
  for (const f of record.metrics.folds) {
    if (typeof f.test_start === "string") out(formatFoldPeriod(f as unknown as FoldPeriod));
  }
  if (result.holdout) {
    out(result.holdout.text);
    const s = result.holdout.scored;
    if (s) {
      out(
        `hold-out: ${s.rows.length} rows, macro-F1 ${s.report.macroF1.toFixed(4)}, total return ${
          (s.backtest.metrics.totalReturn * 100).toFixed(2)
        } %, Sharpe ${s.backtest.metrics.sharpe.toFixed(2)}, trades ${s.backtest.trades.length}`,
      );
      out(`hold-out verdict: ${s.verdict.text}`);
    }
  }
  // issue #11 (ADR-028): rows kept/dropped, warnings, the guard, and the verdict against same-metric nulls
  const rows = result.rows;
  out(
    `rows ${rows.kept} of ${rows.total} kept (${(rows.kept_share * 100).toFixed(1)} % of ${
      rows.eligible ?? "?"
    } eligible; minimum ${(rows.min_kept_share * 100).toFixed(0)} %); dropped: ${
      Object.entries(rows.dropped).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(", ")
    }`,
  );
  for (const w of result.warnings) out(`warning: ${w}`);
  const ov = result.verdict;
  out(
    `macro-F1 ${ov.macro_f1.toFixed(4)} (majority ${ov.macro_f1_majority.toFixed(4)}, prior-random ${
      ov.macro_f1_prior_random.toFixed(4)
    }), accuracy ${ov.accuracy.toFixed(4)} (majority ${ov.accuracy_majority.toFixed(4)}), total return ${
      (m.totalReturn * 100).toFixed(2)
    } %, Sharpe ${m.sharpe.toFixed(2)}, max drawdown ${
      (m.maxDrawdown * 100).toFixed(2)
    } %, trades ${result.backtest.trades.length}`,
  );
  out(`verdict: ${ov.text}`);
  return 0;
}

// issue #15: --help, Ctrl-C records the run as interrupted, permission refusals explained (lib/tasks/_cli.ts)
export const SPEC: TaskSpec = {
  name: "experiment",
  usage: _USAGE.replace(/^usage: /, ""),
  about: "Runs the whole loop for one strategy config (data, features, labels, walk-forward, backtest, " +
    "verdict) and prints the run id, folder, fold periods and the verdict. --open-holdout scores the " +
    "final model on the lockbox and records the opening.",
  writes: "data/cache/, models/, experiments/",
};

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const code = await main(args);
    await refreshRunsIndex(); // experiments/index.html lists every run
    return code;
  });
}
