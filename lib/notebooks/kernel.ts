/**
 * Finds the project-local Jupyter pieces (kernelspec in `.jupyter/`, `/usr/bin/jupyter`, `/usr/bin/python3`)
 * and explains what to run when one is missing, before any notebook work starts.
 *
 * @module
 */
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";

/** Where Candlelab expects the Debian Jupyter binaries (a different python3 may come first on PATH). */
export const SYSTEM_PYTHON = "/usr/bin/python3";
/** The Debian `jupyter` launcher. */
export const SYSTEM_JUPYTER = "/usr/bin/jupyter";

/** A resolved kernelspec. */
export interface KernelSpec {
  name: string;
  path: string;
  argv: string[];
}

/**
 * The project root (the folder holding `deno.json`, two levels above this file).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { projectRoot } from "./kernel.ts";
 * assert((await Deno.stat(`${projectRoot()}/deno.json`)).isFile);
 * ```
 */
export function projectRoot(): string {
  return new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
}

/**
 * Reads `<jupyterPath>/kernels/<name>/kernel.json` and checks its program exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveKernel } from "./kernel.ts";
 * const dir = await Deno.makeTempDir();
 * await resolveKernel(dir, "deno").catch((e) => assert(/bash .ci\/setup/.test(e.message)));
 * ```
 */
export async function resolveKernel(jupyterPath: string, name: string): Promise<KernelSpec> {
  const path = join(jupyterPath, "kernels", name, "kernel.json");
  let spec: { argv?: unknown };
  try {
    spec = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new CandlelabError(
      `Cannot find Jupyter kernel "${name}": ${path} is missing or unreadable (${
        (err as Error).message
      }); run: bash .ci/setup (it registers the Deno kernel in .jupyter/)`,
    );
  }
  const argv = spec.argv;
  if (!Array.isArray(argv) || argv.length === 0 || typeof argv[0] !== "string") {
    throw new CandlelabError(
      `Cannot use Jupyter kernel "${name}": ${path} has no argv list; delete it and run: bash .ci/setup`,
    );
  }
  if (!(await _isFile(argv[0]))) {
    throw new CandlelabError(
      `Cannot use Jupyter kernel "${name}": its program ${
        argv[0]
      } (from ${path}) does not exist; delete ${path} and run: bash .ci/setup`,
    );
  }
  return { name, path, argv: argv as string[] };
}

/**
 * Checks `/usr/bin/python3` and `/usr/bin/jupyter` exist (Debian packages), with the install command.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkJupyterInstalled } from "./kernel.ts";
 * await checkJupyterInstalled("/nonexistent/python3", "/nonexistent/jupyter")
 *   .catch((e) => assert(/apt-get install/.test(e.message)));
 * ```
 */
export async function checkJupyterInstalled(python = SYSTEM_PYTHON, jupyter = SYSTEM_JUPYTER): Promise<void> {
  for (const p of [python, jupyter]) {
    if (!(await _isFile(p))) {
      throw new CandlelabError(
        `Cannot run notebooks: ${p} is missing; install Jupyter from Debian: bash .ci/setup (apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel)`,
      );
    }
  }
}

async function _isFile(p: string): Promise<boolean> {
  try {
    return (await Deno.stat(p)).isFile;
  } catch {
    return false;
  }
}
