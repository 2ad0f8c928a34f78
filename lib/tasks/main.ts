/**
 * `deno task main`: the README's main job. Runs headless, in order, 03_train_spot, 04_train_perpetual,
 * 05_backtest for each strategy and 06_compare_experiments; stops at the first failure (exit 1) and ends
 * by printing each HTML report and the experiment run ids.
 *
 * @module
 */
import { join, relative } from "node:path";
import { listRuns } from "../experiments/list.ts";
import { formatCellProgress } from "../notebooks/execute.ts";
import { projectRoot } from "../notebooks/kernel.ts";
import {
  describeFailure,
  type NotebookRunResult,
  runNotebook,
  type RunNotebookOptions,
} from "../notebooks/run.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

/** One notebook run of the main job. */
export interface MainStep {
  notebook: string;
  overrides?: Record<string, string>;
  /** Strategy whose experiment run the notebook records (training notebooks). */
  trains?: string;
}

/** The shipped strategies, in the order they are trained and shown. */
export const MAIN_STRATEGIES = ["btc_spot_ema_cross_rsi", "btc_perp_funding_basis"] as const;

/** The main job's notebooks, in order (paths relative to the project root). */
export const MAIN_STEPS: readonly MainStep[] = [
  { notebook: "notebooks/03_train_spot.ipynb", trains: MAIN_STRATEGIES[0] },
  { notebook: "notebooks/04_train_perpetual.ipynb", trains: MAIN_STRATEGIES[1] },
  ...MAIN_STRATEGIES.map((s) => ({ notebook: "notebooks/05_backtest.ipynb", overrides: { strategy: s } })),
  { notebook: "notebooks/06_compare_experiments.ipynb" },
];

/** What one step produced. */
export interface MainStepResult {
  step: MainStep;
  ok: boolean;
  /** Report path relative to the root (when the notebook wrote one). */
  html?: string;
  /** Experiment run id recorded by a training notebook. */
  experimentRunId?: string;
  message?: string;
  /** Cells of the executed notebook that call `show` but have no display output (see {@link missingDisplays}). */
  missing?: number[];
  seconds: number;
}

/**
 * Indices of code cells that call `await show(` but whose executed outputs hold no display: Deno 2.9.6's
 * kernel was seen to drop a display now and then under load (ADR-019), so the main job checks every
 * report instead of trusting it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { missingDisplays } from "./main.ts";
 * const nb = { cells: [
 *   { cell_type: "code", source: ["await show(1);"], outputs: [{ output_type: "display_data" }] },
 *   { cell_type: "code", source: "await show(2);", outputs: [] },
 *   { cell_type: "code", source: "let a = 1;", outputs: [] },
 * ] };
 * assert(missingDisplays(nb).join() === "1");
 * ```
 */
export function missingDisplays(nb: unknown): number[] {
  const cells = (nb as {
    cells?: { cell_type: string; source: string | string[]; outputs?: { output_type: string }[] }[];
  })
    ?.cells ?? [];
  const out: number[] = [];
  cells.forEach((c, i) => {
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    if (c.cell_type !== "code" || !src.includes("await show(")) return;
    if (!(c.outputs ?? []).some((o) => o.output_type === "display_data")) out.push(i);
  });
  return out;
}

/** Options of {@link runMain}. */
export interface MainOptions {
  /** Project root. @default the folder above lib/ */
  root?: string;
  steps?: readonly MainStep[];
  /** Notebook runner (for tests). @default runNotebook */
  run?: (o: RunNotebookOptions) => Promise<NotebookRunResult>;
  /** Progress lines. @default console.log */
  log?: (line: string) => void;
}

/**
 * Runs the steps in order and stops at the first failure. A training step's experiment run id is the
 * newest ok run of its strategy under `<root>/experiments/runs` that started after the step did.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { runMain } from "./main.ts";
 * const root = await Deno.makeTempDir();
 * const r = await runMain({
 *   root,
 *   steps: [{ notebook: "a.ipynb" }, { notebook: "b.ipynb" }],
 *   run: (o) => Promise.resolve({ runId: "x", runDir: `${root}/x`, manifest: {
 *     status: o.notebook.endsWith("a.ipynb") ? "failed" : "ok", artifacts: {}, error: { message: "boom" },
 *   } } as any),
 *   log: () => {},
 * });
 * assert(r.length === 1 && !r[0].ok && r[0].message!.includes("boom"));
 * ```
 */
export async function runMain(options: MainOptions = {}): Promise<MainStepResult[]> {
  const root = options.root ?? projectRoot();
  const run = options.run ?? runNotebook;
  const log = options.log ?? console.log;
  const steps = options.steps ?? MAIN_STEPS;
  const out: MainStepResult[] = [];
  for (const [i, step] of steps.entries()) {
    log(`[${i + 1}/${steps.length}] ${step.notebook}${_params(step)} ...`);
    const started = new Date();
    let result = await _attempt(step, root, run);
    // A read-only notebook is cheap and has no side effect worth keeping: run it again once when the
    // kernel dropped a display. A training notebook is not rerun (each run is one more trial).
    if (result.ok && result.missing?.length && !step.trains) {
      log(
        `      cell(s) ${
          result.missing.join(", ")
        } show nothing (a display dropped by the kernel); running it again`,
      );
      result = await _attempt(step, root, run);
    }
    if (result.ok && step.trains) {
      result.experimentRunId = await _runSince(join(root, "experiments", "runs"), step.trains, started);
    }
    out.push(result);
    log(
      `      ${result.ok ? "ok" : "FAILED"} in ${result.seconds.toFixed(1)} s${
        result.html ? ` -> ${result.html}` : ""
      }`,
    );
    if (result.missing?.length) {
      log(
        `      warning: cell(s) ${result.missing.join(", ")} of the report show nothing: the Deno kernel ` +
          `dropped a display (ADR-019); rerun it with deno task nb:run ${step.notebook}${
            _params(step, " -p ")
          }`,
      );
    }
    if (!result.ok) break;
  }
  return out;
}

async function _attempt(
  step: MainStep,
  root: string,
  run: (o: RunNotebookOptions) => Promise<NotebookRunResult>,
): Promise<MainStepResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  let r: NotebookRunResult;
  try {
    r = await run({ notebook: join(root, step.notebook), overrides: step.overrides, root });
  } catch (err) {
    return {
      step,
      ok: false,
      seconds: seconds(),
      message: `Notebook ${step.notebook} could not be run: ${(err as Error).message}`,
    };
  }
  const { artifacts } = r.manifest;
  const html = artifacts.html ? relative(root, join(r.runDir, artifacts.html)) : undefined;
  let missing: number[] | undefined;
  if (artifacts.notebook) {
    try {
      missing = missingDisplays(JSON.parse(await Deno.readTextFile(join(r.runDir, artifacts.notebook))));
    } catch { /* no executed notebook to check */ }
  }
  if (r.manifest.status === "ok") return { step, ok: true, html, missing, seconds: seconds() };
  return {
    step,
    ok: false,
    html,
    missing,
    seconds: seconds(),
    message: `${describeFailure(step.notebook, r.manifest.error ?? { message: "unknown error" })}; ` +
      `see ${relative(root, join(r.runDir, "manifest.json"))}`,
  };
}

/**
 * The closing summary: each report, the experiment run ids, or the failure and what to do.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatMainSummary } from "./main.ts";
 * const s = formatMainSummary([{ step: { notebook: "n.ipynb", trains: "s" }, ok: true, html: "r/n.html",
 *   experimentRunId: "20261124T000000Z-a-b", seconds: 1 }], 1);
 * assert(s.includes("r/n.html") && s.includes("s: 20261124T000000Z-a-b"));
 * ```
 */
export function formatMainSummary(results: readonly MainStepResult[], totalSteps: number): string {
  const lines: string[] = [];
  const failed = results.find((r) => !r.ok);
  lines.push(
    failed
      ? `\nmain FAILED at step ${results.length} of ${totalSteps}: ${failed.message}\n` +
        `Fix the cause, then rerun that notebook alone with deno task nb:run ${failed.step.notebook}${
          _params(failed.step, " -p ")
        } or the whole job with deno task main.`
      : `\nmain ok: ${results.length} notebooks in ${
        results.reduce((a, r) => a + r.seconds, 0).toFixed(0)
      } s`,
  );
  lines.push("\nHTML reports (relative to the project root):");
  for (const r of results) {
    if (!r.html) continue;
    const warn = r.missing?.length ? `  (WARNING: ${r.missing.length} display(s) dropped by the kernel)` : "";
    lines.push(`  ${r.html}${_params(r.step)}${warn}`);
  }
  const ids = results.filter((r) => r.step.trains);
  if (ids.length > 0) {
    lines.push("\nExperiment runs (experiments/runs/<id>/run.json, backtest.json):");
    for (const r of ids) lines.push(`  ${r.step.trains}: ${r.experimentRunId ?? "(not found)"}`);
  }
  return lines.join("\n");
}

function _params(step: MainStep, sep = " "): string {
  const o = Object.entries(step.overrides ?? {});
  return o.length === 0 ? "" : sep + o.map(([k, v]) => `${k}=${v}`).join(sep);
}

async function _runSince(root: string, strategy: string, since: Date): Promise<string | undefined> {
  const { runs } = await listRuns(root, { strategy });
  const after = runs
    .filter((r) => r.status === "ok" && Date.parse(r.started_at) >= since.getTime() - 1000)
    .sort((a, b) => a.started_at.localeCompare(b.started_at));
  return after.at(-1)?.run_id;
}

export const SPEC: TaskSpec = {
  name: "main",
  usage: "deno task main",
  about: "The README's main job: runs headless, in order, 03_train_spot, 04_train_perpetual, 05_backtest " +
    "for each strategy and 06_compare_experiments; stops at the first failure (exit 1) and ends by " +
    "printing each HTML report, the experiment run ids and experiments/index.html.",
  reads: "the project folder",
  writes: "experiments/",
};

/** `deno task main` takes no flags: anything given is refused before a notebook runs. */
export const ARGS = { options: {} } as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
    const results = await runMain({
      run: (o) => runNotebook({ ...o, onProgress: (p) => console.log(`    ${formatCellProgress(p)}`) }),
    });
    console.log(formatMainSummary(results, MAIN_STEPS.length));
    console.log("\nEvery run and report: experiments/index.html");
    return results.length === MAIN_STEPS.length && results.every((r) => r.ok) ? 0 : 1;
  });
}
