/**
 * `deno task nb:run <notebook> [-p key=value ...] [--out <folder>] [--timeout <seconds>]`
 * Runs a notebook headless through Jupyter with the Deno kernel; writes the executed notebook, a
 * self-contained HTML and manifest.json into experiments/runs/<run-id>/ (or --out). Exit 1 on failure.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { describeFailure, parseAssignments, runNotebook } from "../notebooks/mod.ts";

const USAGE =
  "usage: deno task nb:run <notebook.ipynb> [-p key=value ...] [--out <folder>] [--timeout <seconds>]";

if (import.meta.main) {
  try {
    const { values, positionals } = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        param: { type: "string", short: "p", multiple: true },
        out: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      Deno.exit(0);
    }
    if (positionals.length !== 1) {
      throw new Error(`expected one notebook path, got ${positionals.length}; ${USAGE}`);
    }
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) {
      throw new Error(`--timeout must be a positive number of seconds, current value is "${values.timeout}"`);
    }
    const r = await runNotebook({
      notebook: positionals[0],
      overrides: parseAssignments(values.param ?? []),
      outDir: values.out,
      timeoutSeconds: timeout,
    });
    if (r.manifest.status === "ok") {
      console.log(`nb:run ok ${r.runId}: ${r.runDir}/${r.manifest.artifacts.html}`);
    } else {
      console.error(describeFailure(positionals[0], r.manifest.error!));
      console.error(`nb:run failed ${r.runId}: see ${r.runDir}/manifest.json`);
      Deno.exit(1);
    }
  } catch (err) {
    console.error(`nb:run: ${(err as Error).message}`);
    Deno.exit(2);
  }
}
