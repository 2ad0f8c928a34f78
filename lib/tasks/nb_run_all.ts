/**
 * `deno task nb:run-all [--dir notebooks] [--timeout <seconds>]`: runs every notebook of notebooks/ in
 * name order (skipping `_*`), continues after a failure, prints a summary, exits 1 if any failed.
 *
 * @module
 */
import { join } from "node:path";
import { formatCellProgress } from "../notebooks/execute.ts";
import { projectRoot } from "../notebooks/kernel.ts";
import { runAllNotebooks } from "../notebooks/run.ts";
import { numberFlag, parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec } from "./_cli.ts";

export const SPEC: TaskSpec = {
  name: "nb:run-all",
  usage: "deno task nb:run-all [--dir notebooks] [--timeout <seconds>]",
  about: "Runs every notebook of notebooks/ in name order (skipping names starting with _ or .), " +
    "continues after a failure, prints a summary; exit 1 if any failed.",
  reads: "the project folder",
  writes: "experiments/",
};

/** The flags of `deno task nb:run-all` (parsed strictly). */
export const ARGS = {
  options: { dir: { type: "string" }, timeout: { type: "string" } },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const usage = `usage: ${SPEC.usage}`;
    const { values } = parseTaskArgs(args, ARGS, usage);
    const timeoutSeconds = numberFlag(values.timeout, "timeout", usage, { positive: true });
    const dir = values.dir ?? join(projectRoot(), "notebooks");
    const entries = await runAllNotebooks(dir, {
      timeoutSeconds,
      onProgress: (p) => console.log(formatCellProgress(p)),
      onResult: (e) =>
        console.log(
          `${e.status === "ok" ? "ok    " : "FAILED"} ${e.notebook}${e.runDir ? ` -> ${e.runDir}` : ""}`,
        ),
    });
    const failed = entries.filter((e) => e.status === "failed");
    console.log(
      `\nnb:run-all: ${
        entries.length - failed.length
      } ok, ${failed.length} failed (of ${entries.length} in ${dir})`,
    );
    for (const f of failed) console.log(`  ${f.message}`);
    return failed.length > 0 ? 1 : 0;
  });
}
