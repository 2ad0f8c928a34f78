/**
 * Executes a notebook through Jupyter's nbclient (Debian `/usr/bin/python3`) with a given kernel, in a
 * given working folder, and returns the executed notebook and nbconvert's HTML body fragment.
 *
 * @module
 */
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { SYSTEM_PYTHON } from "./kernel.ts";
import type { Notebook } from "./notebook_file.ts";

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** Kernel name in `jupyterPath/kernels/`. @default "deno" */
  kernelName?: string;
  /** Folder of the project-local kernelspec (exported as `JUPYTER_PATH`). */
  jupyterPath: string;
  /** Working folder of the kernel (the original notebook's folder, so relative imports resolve). */
  cwd: string;
  /** Seconds a single cell may run. @default 600 */
  timeoutSeconds?: number;
  /** Scratch folder for the intermediate files (must exist; the caller removes it). */
  scratchDir: string;
  /** Python interpreter with nbclient and nbconvert. @default "/usr/bin/python3" */
  python?: string;
  /** Aborting it stops the runner (SIGTERM; it shuts its kernel down before exiting). */
  signal?: AbortSignal;
  /** Called as each code cell starts (from the runner's progress lines on stderr). */
  onProgress?: (p: CellProgress) => void;
}

/** A code cell starting: its position among the code cells and in the notebook, and its first line. */
export interface CellProgress {
  /** 1-based position among the notebook's code cells. */
  cell: number;
  /** Number of code cells. */
  of: number;
  /** 0-based index in the executed notebook. */
  index: number;
  firstLine: string;
}

/** Prefix of the runner's progress lines on stderr (one JSON {@link CellProgress} after it). */
export const PROGRESS_PREFIX = "@@candlelab-progress ";

/**
 * One progress line for the terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCellProgress } from "./execute.ts";
 * assert.equal(formatCellProgress({ cell: 3, of: 12, index: 5, firstLine: "const x = 1;" }),
 *   "  cell 3/12 (#5) const x = 1;");
 * ```
 */
export function formatCellProgress(p: CellProgress): string {
  const line = p.firstLine.length > 70 ? p.firstLine.slice(0, 69) + "…" : p.firstLine;
  return `  cell ${p.cell}/${p.of} (#${p.index}) ${line}`;
}

/** Why an execution failed. */
export interface ExecutionError {
  kind: "cell" | "timeout" | "kernel" | "setup";
  message: string;
  cellIndex?: number | null;
  ename?: string;
  evalue?: string;
}

/** The outcome of {@link executeNotebook}. */
export interface ExecutionResult {
  status: "ok" | "failed";
  error?: ExecutionError;
  /** The executed notebook (absent when the kernel never started). */
  executed?: Notebook;
  /** nbconvert "basic" HTML body fragment of the executed notebook. */
  htmlFragment?: string;
  /** Pygments CSS for the highlighted code in the fragment. */
  highlightCss?: string;
  /** Python's stderr (kernel start messages, warnings), for diagnosis. */
  stderr: string;
}

/**
 * Runs every cell of `nb` in order, stopping at the first error.
 *
 * @example
 * ```ts ignore
 * import { executeNotebook } from "./execute.ts";
 * const r = await executeNotebook(nb, { jupyterPath: ".jupyter", cwd: "notebooks", scratchDir: "/tmp/x" });
 * ```
 */
export async function executeNotebook(nb: Notebook, options: ExecuteOptions): Promise<ExecutionResult> {
  const s = options.scratchDir;
  const paths = {
    input: join(s, "input.ipynb"),
    output: join(s, "executed.ipynb"),
    fragment: join(s, "fragment.html"),
    css: join(s, "highlight.css"),
  };
  await Deno.writeTextFile(paths.input, JSON.stringify(nb, null, 1) + "\n");
  const runtimeDir = join(s, "runtime");
  await Deno.mkdir(runtimeDir, { recursive: true });
  const args = {
    ...paths,
    kernel: options.kernelName ?? "deno",
    timeout: options.timeoutSeconds ?? 600,
    cwd: options.cwd,
  };
  const script = new URL("./_execute.py", import.meta.url).pathname;
  const python = options.python ?? SYSTEM_PYTHON;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(python, {
      args: [script, JSON.stringify(args)],
      cwd: options.cwd,
      env: { JUPYTER_PATH: options.jupyterPath, JUPYTER_RUNTIME_DIR: runtimeDir, PYTHONNOUSERSITE: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).spawn();
  } catch (err) {
    throw new CandlelabError(
      `Cannot execute notebook: starting ${python} failed (${(err as Error).message}); run: bash .ci/setup`,
    );
  }
  // stderr: progress lines go to onProgress as they come, the rest is kept for diagnosis
  const kept: string[] = [];
  const readErr = (async () => {
    let buf = "";
    const take = (line: string) => {
      if (!line.startsWith(PROGRESS_PREFIX)) return void kept.push(line);
      try {
        options.onProgress?.(JSON.parse(line.slice(PROGRESS_PREFIX.length)));
      } catch { /* a malformed progress line is not worth failing the run */ }
    };
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      lines.forEach(take);
    }
    if (buf) take(buf);
  })();
  const [outBytes, code] = await Promise.all([
    new Response(child.stdout).arrayBuffer(),
    child.status.then((s) => s.code),
    readErr,
  ]);
  const out = { code };
  const stdout = new TextDecoder().decode(outBytes).trim();
  const stderr = kept.join("\n");
  const last = stdout.split("\n").at(-1) ?? "";
  let parsed: { status: "ok" | "failed"; error?: ExecutionError; written?: boolean };
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new CandlelabError(
      `Cannot execute notebook: the nbclient runner exited with code ${out.code} without a result; its stderr ends with:\n${
        stderr.split("\n").slice(-15).join("\n")
      }`,
    );
  }
  const result: ExecutionResult = { status: parsed.status, error: parsed.error, stderr };
  if (parsed.written) {
    result.executed = JSON.parse(await Deno.readTextFile(paths.output));
    result.htmlFragment = await Deno.readTextFile(paths.fragment);
    result.highlightCss = await Deno.readTextFile(paths.css);
  }
  return result;
}
