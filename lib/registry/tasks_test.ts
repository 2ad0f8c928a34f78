import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { fakeModel, recordInput } from "../registry/_fixtures.ts";
import { saveModel } from "../registry/store.ts";

const _task = (name: string) => fileURLToPath(new URL(`../tasks/${name}.ts`, import.meta.url));

/** Runs a registry task with only the permissions its deno.json task grants (on the temp registry). */
async function _run(root: string, name: string, ...args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${root}`,
      `--allow-write=${root}`,
      "--allow-env",
      "--allow-sys",
      _task(name),
      "--root",
      root,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("registry tasks list, show, compare and reindex with only read/write on the registry folder", async () => {
  const root = await Deno.makeTempDir();
  const a = await saveModel(root, fakeModel({ trees: 10 }), recordInput());
  const b = await saveModel(
    root,
    fakeModel({ trees: 20 }),
    recordInput({ strategy: "other", created: "2026-02-01T00:00:00.000Z" }),
  );
  await Deno.remove(`${root}/index.sqlite`);
  const list = await _run(root, "registry_list", "--strategy", "btc_trend");
  assert.deepEqual(list.ok, true, list.err);
  assert.deepEqual([list.out.includes(a.id), list.out.includes(b.id)], [true, false]);
  const json = await _run(root, "registry_list", "--json", "--metric", "macro_f1>=0.3");
  assert.deepEqual(JSON.parse(json.out).map((m: { id: string }) => m.id), [b.id, a.id]);
  const show = await _run(root, "registry_show", a.id, "--json");
  assert.equal(JSON.parse(show.out).id, a.id, show.err);
  const readable = await _run(root, "registry_show", a.id);
  assert.ok(readable.ok && readable.out.includes(a.id), readable.err);
  const cmp = await _run(root, "registry_compare", a.id, b.id);
  assert.deepEqual(cmp.out.includes("* strategy"), true, cmp.err);
  const re = await _run(root, "registry_reindex");
  assert.deepEqual(re.out.trim(), `Indexed 2 models from ${root}/metadata (0 skipped).`);
});

Deno.test("registry:show fails with a clear message for an edited artifact", async () => {
  const root = await Deno.makeTempDir();
  const a = await saveModel(root, fakeModel(), recordInput());
  await Deno.writeTextFile(`${root}/trained/${a.id}.json`, "{}\n");
  const show = await _run(root, "registry_show", a.id);
  assert.deepEqual(show.ok, false);
  assert.deepEqual(show.err.includes("corrupted or edited"), true, show.err);
});
