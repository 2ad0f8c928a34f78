import assert from "node:assert/strict";
import { benchPermissions } from "./permissions.ts";

Deno.test("benchPermissions() are deno task experiment's flags, the experiment's reads widened by the input and /proc/self/status", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks;
  const flags = (task: string) => task.split(" ").filter((w) => w.startsWith("--"));
  const experiment = flags(tasks.experiment);
  const bench = benchPermissions("/data/in.parquet");
  const read = (fs: string[]) => fs.find((f) => f.startsWith("--allow-read="))!;
  assert.deepEqual(
    bench.filter((f) => !f.startsWith("--allow-read=")),
    experiment.filter((f) => !f.startsWith("--allow-read=")),
  );
  assert.equal(read(bench), `${read(experiment)},/proc/self/status,/data/in.parquet`);
  // deno task bench: the same, with /tmp as the input's place
  assert.deepEqual(flags(tasks.bench), benchPermissions("/tmp"));
});
