// Child process for recorder_test.ts: starts a recorded run whose stage "slow" waits until killed
// (args: root). Prints "in stage" once the stage has started.
import { withRun } from "./recorder.ts";
import { silentProgress } from "./progress.ts";
import { exitOnSignals } from "../util/interrupt.ts";

// the process owner decides what a signal does (library code only registers its last word)
exitOnSignals();

await withRun(
  { root: Deno.args[0], strategy: "demo", config: { a: 1 }, env: {}, progress: silentProgress },
  (run) =>
    run.stage("slow", async () => {
      console.log("in stage");
      await new Promise((resolve) => setTimeout(resolve, 60_000));
    }),
);
