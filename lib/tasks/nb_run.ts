/**
 * `deno task nb:run <notebook> [-p key=value ...] [--out <folder>] [--timeout <seconds>]`
 * Runs a notebook headless through Jupyter with the Deno kernel; writes the executed notebook, a
 * self-contained HTML and manifest.json into experiments/runs/<run-id>/ (or --out). Prints one line per
 * cell as it starts. Exit 1 on failure.
 *
 * @module
 */
import { formatCellProgress } from "../notebooks/execute.ts";
import { parseAssignments } from "../notebooks/parameters.ts";
import { describeFailure, runNotebook } from "../notebooks/run.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

export const SPEC: TaskSpec = {
  name: "nb:run",
  usage: "deno task nb:run <notebook.ipynb> [-p key=value ...] [--out <folder>] [--timeout <seconds>]",
  about: "Runs a notebook headless with parameters (checked, paths included, before the kernel starts); " +
    "writes the executed .ipynb, a self-contained HTML report and manifest.json into " +
    "experiments/runs/<run-id>/ (or --out, inside experiments/) and refreshes experiments/index.html.",
  reads: "the project folder",
  writes: "experiments/",
};

/** The flags of `deno task nb:run` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    param: { type: "string", short: "p", multiple: true },
    out: { type: "string" },
    timeout: { type: "string" },
  },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values, positionals } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
    if (positionals.length !== 1) {
      console.error(`nb:run: expected one notebook path, got ${positionals.length}; usage: ${SPEC.usage}`);
      return 2;
    }
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) {
      console.error(
        `nb:run: --timeout must be a positive number of seconds, current value is "${values.timeout}"`,
      );
      return 2;
    }
    const r = await runNotebook({
      notebook: positionals[0],
      overrides: parseAssignments(values.param ?? []),
      outDir: values.out,
      timeoutSeconds: timeout,
      onProgress: (p) => console.log(formatCellProgress(p)),
    });
    if (r.manifest.status === "ok") {
      console.log(`nb:run ok ${r.runId}: ${r.runDir}/${r.manifest.artifacts.html}`);
      if (r.manifest.experimentRun) console.log(`experiment run ${r.manifest.experimentRun}`);
      return 0;
    }
    console.error(describeFailure(positionals[0], r.manifest.error!));
    console.error(`nb:run failed ${r.runId}: see ${r.runDir}/manifest.json`);
    return 1;
  });
}
