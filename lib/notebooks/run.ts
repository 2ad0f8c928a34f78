/**
 * `nb:run`: validate parameters, inject them, execute through Jupyter with the Deno kernel, and write the
 * executed notebook, a self-contained HTML and `manifest.json` into a run folder. Every check that can
 * fail on bad input runs before the run folder is created; every file is written atomically; a run that
 * fails mid-way leaves `manifest.json` with `status: "failed"` and the error.
 *
 * @module
 */
import { basename, dirname, join, relative, resolve } from "node:path";
import { writeFileAtomic, writeJsonAtomic, writeJsonAtomicSync } from "../util/atomic.ts";
import { whileInterruptible } from "../util/interrupt.ts";
import { CandlelabError } from "../util/errors.ts";
import { sha256 } from "../util/hash.ts";
import { type CellProgress, executeNotebook, type ExecutionError } from "./execute.ts";
import { buildReportHtml } from "./html_report.ts";
import { checkJupyterInstalled, projectRoot, resolveKernel } from "./kernel.ts";
import { gitState, notebookRunId, type NotebookRunManifest } from "./manifest.ts";
import { firstLine, type Notebook, parseNotebook } from "./notebook_file.ts";
import {
  checkPathParameters,
  effectiveParameters,
  injectParameters,
  validateOverrides,
} from "./parameters.ts";
import { experimentRunsBetween, latestOkRun, writeRunsIndex } from "../experiments/index_html.ts";

/** Options of {@link runNotebook}. */
export interface RunNotebookOptions {
  /** Path of the `.ipynb`. */
  notebook: string;
  /** `-p` values as text, validated against the notebook's declaration. @default {} */
  overrides?: Record<string, string>;
  /** Run folder; default `<runsDir>/<run-id>`. */
  outDir?: string;
  /** Parent of default run folders. @default "<project>/experiments/runs" */
  runsDir?: string;
  /** Project root (holds `.jupyter/` and `deno.json`). @default the folder above lib/ */
  root?: string;
  /** Kernel name. @default "deno" */
  kernelName?: string;
  /** Seconds a single cell may run. @default 600 */
  timeoutSeconds?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Called as each code cell starts. */
  onProgress?: (p: CellProgress) => void;
}

/** What {@link runNotebook} returns. */
export interface NotebookRunResult {
  runId: string;
  runDir: string;
  manifest: NotebookRunManifest;
}

/**
 * Describes a failed run in one line: the cell (index and first line) and the error.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { describeFailure } from "./run.ts";
 * const m = describeFailure("a.ipynb", { message: "x", cellIndex: 2, cellFirstLine: "throw 1", ename: "Error", evalue: "boom" });
 * assert(m.includes("cell 2") && m.includes("throw 1") && m.includes("Error: boom"));
 * ```
 */
export function describeFailure(notebook: string, error: NonNullable<NotebookRunManifest["error"]>): string {
  const where = error.cellIndex === undefined || error.cellIndex === null
    ? ""
    : ` in cell ${error.cellIndex} (0-based, of the executed notebook) \`${error.cellFirstLine ?? ""}\``;
  const what = error.ename ? `${error.ename}: ${error.evalue ?? ""}` : error.message;
  return `Notebook ${notebook} failed${where}: ${what}`;
}

/**
 * Runs one notebook headless and writes its run folder. Throws CandlelabError for bad input (before any
 * work); returns a manifest with `status: "failed"` when a cell fails.
 *
 * @example
 * ```ts ignore
 * import { runNotebook } from "./run.ts";
 * const r = await runNotebook({ notebook: "notebooks/00_smoke.ipynb", overrides: { bars: "48" } });
 * console.log(r.runDir, r.manifest.status);
 * ```
 */
export async function runNotebook(options: RunNotebookOptions): Promise<NotebookRunResult> {
  const root = resolve(options.root ?? projectRoot());
  const now = options.now ?? Date.now;
  const kernelName = options.kernelName ?? "deno";
  const nbPath = resolve(options.notebook);
  const jupyterPath = join(root, ".jupyter");

  // 1. Every input check, before anything is written.
  let text: string;
  try {
    text = await Deno.readTextFile(nbPath);
  } catch (err) {
    throw new CandlelabError(
      `Cannot run notebook ${options.notebook}: ${
        (err as Error).message
      }; check the path (notebooks live in notebooks/)`,
    );
  }
  const nb = parseNotebook(text, options.notebook);
  const overrides = validateOverrides(nb, options.overrides ?? {}, options.notebook);
  await checkPathParameters(nb, overrides, dirname(nbPath), options.notebook);
  await checkJupyterInstalled();
  await resolveKernel(jupyterPath, kernelName);

  const notebookSha256 = sha256(text);
  const parameters = effectiveParameters(nb, overrides);
  const started = now();
  const runId = notebookRunId(started, notebookSha256, parameters);
  const runDir = options.outDir
    ? resolve(options.outDir)
    : await _freshDir(resolve(options.runsDir ?? join(root, "experiments", "runs")), runId);
  const name = basename(nbPath).replace(/\.ipynb$/, "");
  const git = await gitState(root);
  const manifest: NotebookRunManifest = {
    kind: "candlelab.notebook-run",
    version: 1,
    runId,
    notebook: relative(root, nbPath),
    notebookSha256,
    parameters,
    overrides,
    status: "running",
    startedAt: new Date(started).toISOString(),
    kernel: kernelName,
    denoVersion: Deno.version.deno,
    gitCommit: git.commit,
    gitDirty: git.dirty,
    artifacts: {},
  };
  const manifestPath = join(runDir, "manifest.json");
  await writeJsonAtomic(manifestPath, manifest);

  // 2. Execute in a scratch folder inside the run folder; publish finished files by rename.
  const scratch = await Deno.makeTempDir({ dir: runDir, prefix: ".scratch-" });
  try {
    const injected = injectParameters(nb, overrides);
    // Ctrl-C / SIGTERM: the runner is told to stop (it shuts its kernel down) and the manifest says failed
    // (interrupted) instead of "running" forever
    const stop = new AbortController();
    const result = await whileInterruptible((sig) => {
      stop.abort();
      manifest.status = "failed";
      manifest.endedAt = new Date(now()).toISOString();
      manifest.error = { message: `interrupted by ${sig}; rerun the notebook to complete it` };
      writeJsonAtomicSync(manifestPath, manifest);
      Deno.removeSync(scratch, { recursive: true });
    }, () =>
      executeNotebook(injected, {
        kernelName,
        jupyterPath,
        cwd: dirname(nbPath),
        timeoutSeconds: options.timeoutSeconds,
        scratchDir: scratch,
        signal: stop.signal,
        onProgress: options.onProgress,
      }));
    const ended = now();
    manifest.status = result.status;
    manifest.endedAt = new Date(ended).toISOString();
    manifest.durationMs = ended - started;
    if (result.error) manifest.error = _errorFields(result.error, result.executed ?? injected);
    // one id space: the experiment runs this notebook run recorded (run.json started while it ran)
    const recorded = await experimentRunsBetween(join(root, "experiments", "runs"), started, ended);
    if (recorded.length > 0) {
      manifest.experimentRuns = recorded;
      manifest.experimentRun = recorded.at(-1);
    } else if (typeof parameters.strategy === "string") {
      // a report notebook (05_backtest) shows the newest ok run of its `strategy` parameter: it belongs to it
      manifest.experimentRun = await latestOkRun(
        join(root, "experiments", "runs"),
        parameters.strategy,
        started,
      );
    }
    if (result.executed && result.htmlFragment !== undefined) {
      manifest.artifacts = { notebook: `${name}.ipynb`, html: `${name}.html` };
      const html = buildReportHtml({
        title: `${name} — ${runId}`,
        manifest: manifest as unknown as Record<string, unknown>,
        bodyFragment: result.htmlFragment,
        extraCss: result.highlightCss,
      });
      await writeFileAtomic(join(runDir, `${name}.ipynb`), JSON.stringify(result.executed, null, 1) + "\n");
      await writeFileAtomic(join(runDir, `${name}.html`), html);
    }
    await writeJsonAtomic(manifestPath, manifest);
    await _refreshIndex(root);
    return { runId, runDir, manifest };
  } catch (err) {
    manifest.status = "failed";
    manifest.endedAt = new Date(now()).toISOString();
    manifest.error = { message: (err as Error).message };
    await writeJsonAtomic(manifestPath, manifest);
    throw err;
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/** Rewrites experiments/index.html; a failure is a warning (the run itself is recorded). */
async function _refreshIndex(root: string): Promise<void> {
  try {
    await writeRunsIndex(join(root, "experiments"));
  } catch (err) {
    console.error(`warning: experiments/index.html not refreshed: ${(err as Error).message}`);
  }
}

/** `<parent>/<id>`, or `<id>-2`, `-3`, ... when a run with the same id (same second, same inputs) exists. */
async function _freshDir(parent: string, id: string): Promise<string> {
  for (let n = 1;; n++) {
    const dir = join(parent, n === 1 ? id : `${id}-${n}`);
    try {
      await Deno.mkdir(dir, { recursive: false });
      return dir;
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) continue;
      if (err instanceof Deno.errors.NotFound) {
        await Deno.mkdir(parent, { recursive: true });
        n--;
        continue;
      }
      throw err;
    }
  }
}

function _errorFields(error: ExecutionError, nb: Notebook): NonNullable<NotebookRunManifest["error"]> {
  const idx = error.cellIndex ?? null;
  const cell = idx !== null ? nb.cells[idx] : undefined;
  return {
    message: error.message,
    cellIndex: idx,
    cellFirstLine: cell ? firstLine(cell) : undefined,
    ename: error.ename,
    evalue: error.evalue,
  };
}

/** One line of the {@link runAllNotebooks} summary. */
export interface RunAllEntry {
  notebook: string;
  status: "ok" | "failed";
  runDir?: string;
  message?: string;
}

/**
 * The notebooks `nb:run-all` runs: every `*.ipynb` directly in `dir`, sorted by name, skipping names that
 * start with `_` or `.` (scratch and checkpoints).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { listNotebooks } from "./run.ts";
 * const dir = await Deno.makeTempDir();
 * for (const n of ["b.ipynb", "a.ipynb", "_x.ipynb", "c.txt"]) await Deno.writeTextFile(`${dir}/${n}`, "{}");
 * assert((await listNotebooks(dir)).map((p) => p.split("/").pop()).join() === "a.ipynb,b.ipynb");
 * ```
 */
export async function listNotebooks(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ipynb") && !/^[_.]/.test(e.name)) out.push(join(dir, e.name));
  }
  return out.sort();
}

/**
 * Runs every notebook of `dir` in order (no overrides), continuing after a failure, and returns one entry
 * per notebook. `onResult` is called after each (for a live summary).
 *
 * @example
 * ```ts ignore
 * import { runAllNotebooks } from "./run.ts";
 * const entries = await runAllNotebooks("notebooks");
 * ```
 */
export async function runAllNotebooks(
  dir: string,
  options: Omit<RunNotebookOptions, "notebook" | "overrides" | "outDir"> & {
    onResult?: (e: RunAllEntry) => void;
  } = {},
): Promise<RunAllEntry[]> {
  const entries: RunAllEntry[] = [];
  for (const notebook of await listNotebooks(dir)) {
    let entry: RunAllEntry;
    try {
      const r = await runNotebook({ ...options, notebook });
      entry = r.manifest.status === "ok" ? { notebook, status: "ok", runDir: r.runDir } : {
        notebook,
        status: "failed",
        runDir: r.runDir,
        message: describeFailure(notebook, r.manifest.error!),
      };
    } catch (err) {
      entry = { notebook, status: "failed", message: (err as Error).message };
    }
    entries.push(entry);
    options.onResult?.(entry);
  }
  return entries;
}
