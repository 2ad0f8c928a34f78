/**
 * `deno task evaluate <config.yaml> --model <id> [--set path.to.key=value ...] [--start ISO] [--end ISO]
 * [--allow-overlap]`: scores a registered model on the data the config describes (another period, another
 * asset's file via `--set data.paths.candles=...`), backtests it with the config's costs and policy, and
 * writes a run whose run.json links the model, its training data and the new data (ADR-032). Refuses rows
 * that overlap the model's training range unless `--allow-overlap`. Exit 1 on failure, 2 on bad arguments.
 *
 * @module
 */
import { loadExperimentConfig } from "../experiments/config.ts";
import { evaluateModel } from "../experiments/evaluate.ts";
import { parseTaskArgs, refreshRunsIndex, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

const _USAGE = "usage: deno task evaluate <config.yaml> --model <id> [--set path.to.key=value ...] " +
  "[--start 2024-01-01] [--end 2025-01-01] [--allow-overlap]";

/** The flags of `deno task evaluate` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    model: { type: "string" },
    set: { type: "string", multiple: true, default: [] },
    start: { type: "string" },
    end: { type: "string" },
    "allow-overlap": { type: "boolean" },
  },
} as const satisfies TaskArgsConfig;

/**
 * Runs the task; returns the exit code. Report lines go to `out`, refusals of the arguments (exit 2) to `err`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./evaluate.ts";
 * const lines: string[] = [];
 * const push = (l: string) => lines.push(l);
 * assert.equal(await main(["configs/strategies/btc_spot_ema_cross_rsi.yaml"], push, push), 2);
 * assert.match(lines[0], /--model/);
 * ```
 */
export async function main(
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const parsed = parseTaskArgs(args, ARGS, _USAGE, err);
  if (!parsed) return 2;
  if (parsed.positionals.length !== 1 || !parsed.values.model) {
    err(
      `Cannot evaluate: expected one config file and --model <id>, got ${parsed.positionals.length} file(s) and ${
        parsed.values.model ? "a model" : "no --model"
      }; ${_USAGE}`,
    );
    return 2;
  }
  const file = parsed.positionals[0];
  const config = await loadExperimentConfig(file, parsed.values.set ?? []);
  const r = await evaluateModel(config, {
    modelId: parsed.values.model,
    configFile: file,
    start: parsed.values.start,
    end: parsed.values.end,
    allowOverlap: parsed.values["allow-overlap"] ?? false,
  });
  const s = r.scored, m = s.backtest.metrics, ev = r.model;
  out(`run ${r.runId}`);
  out(`folder ${r.runDir}`);
  out(
    `model ${ev.id} (${ev.strategy}, ${ev.asset} ${ev.interval}, trained on ${_day(ev.training.start)} .. ${
      _day(ev.training.end)
    })`,
  );
  out(`strategy ${r.strategy}`);
  out(
    `evaluated ${s.rows.length} rows of ${r.dataset.asset} ${r.dataset.market} ${r.dataset.interval}, ` +
      `${_day(s.backtest.timestamp[0])} .. ${_day(s.backtest.timestamp[s.backtest.timestamp.length - 1])}` +
      (r.overlapRows > 0 ? ` (${r.overlapRows} overlap the training range: --allow-overlap)` : ""),
  );
  if (r.holdoutOpens !== undefined) {
    out(`these rows are in the lockbox: opened ${r.holdoutOpens} time(s) in all`);
  }
  out(
    `macro-F1 ${s.report.macroF1.toFixed(4)} (majority baseline ${s.report.majorityBaseline.toFixed(4)}), ` +
      `total return ${(m.totalReturn * 100).toFixed(2)} %, Sharpe ${m.sharpe.toFixed(2)}, ` +
      `max drawdown ${(m.maxDrawdown * 100).toFixed(2)} %, trades ${s.backtest.trades.length}`,
  );
  out(`verdict: ${s.verdict.text}`);
  return 0;
}

function _day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

export const SPEC: TaskSpec = {
  name: "evaluate",
  usage: _USAGE.replace(/^usage: /, ""),
  about: "Applies a registered model to a dataset (another period or asset): rebuilds its feature set, " +
    "checks the data and its overlap with the training range, predicts, backtests and records a run.",
  writes: "data/cache/, experiments/",
};

if (import.meta.main) {
  // runTask: --help, honest permission messages, and what Ctrl-C does (the run's last word, then exit 130)
  await runTask(SPEC, async (args) => {
    const code = await main(args);
    await refreshRunsIndex(); // experiments/index.html lists every run
    return code;
  });
}
