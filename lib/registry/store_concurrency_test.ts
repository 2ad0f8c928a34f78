import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { findModels } from "./query.ts";
import { loadRegisteredModel } from "./store.ts";

const CHILD = fileURLToPath(new URL("./_save_child_fixture.ts", import.meta.url));

Deno.test("two processes saving into one registry at once both succeed completely", async () => {
  const root = await Deno.makeTempDir();
  const go = `${root}/go`;
  const run = (tag: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-read=${root}`,
        `--allow-write=${root}`,
        "--allow-env",
        "--allow-sys",
        CHILD,
        root,
        tag,
        "6",
        go,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const both = Promise.all([run("a"), run("b")]);
  await new Promise((r) => setTimeout(r, 1500)); // let both start and wait on the go file
  await Deno.writeTextFile(go, "");
  const [a, b] = await both;
  const dec = new TextDecoder();
  assert.deepEqual([a.success, b.success], [true, true], dec.decode(a.stderr) + dec.decode(b.stderr));
  const ids = [...dec.decode(a.stdout).trim().split("\n"), ...dec.decode(b.stdout).trim().split("\n")];
  assert.deepEqual(new Set(ids).size, 12);
  for (const id of ids) await loadRegisteredModel(root, id); // every artifact complete and matching its hash
  const { models, refresh } = await findModels(root);
  assert.deepEqual(refresh.added, 0, "both processes indexed their own models");
  assert.deepEqual(models.map((m) => m.id).sort(), ids.sort());
  assert.deepEqual((await findModels(root, { strategy: "s_a" })).models.length, 6);
});
