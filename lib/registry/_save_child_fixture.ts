/**
 * Test fixture run as a child process by `store_concurrency_test.ts`: saves `count` models tagged `tag`
 * into the registry at `root`, starting only once the file `go` exists (so both children save at the same
 * time). Usage: `deno run -A _save_child_fixture.ts <root> <tag> <count> <go>`.
 *
 * @module
 */
import { fakeModel, recordInput } from "./_fixtures.ts";
import { saveModel } from "./store.ts";

const [root, tag, count, go] = Deno.args;
for (let waited = 0; waited < 20_000; waited += 5) {
  if (await Deno.stat(go).then(() => true, () => false)) break;
  await new Promise((r) => setTimeout(r, 5));
}
for (let i = 0; i < Number(count); i++) {
  const meta = await saveModel(
    root,
    fakeModel({ tag, i }, Array.from({ length: 2000 }, (_, j) => j * i)),
    recordInput({ strategy: `s_${tag}`, seed: i }),
  );
  console.log(meta.id);
}
