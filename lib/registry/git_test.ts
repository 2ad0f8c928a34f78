import assert from "node:assert/strict";
import { codeVersion } from "./git.ts";

async function _git(cwd: string, ...args: string[]): Promise<string> {
  const r = await new Deno.Command("git", {
    args: ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(r.stderr)}`);
  return new TextDecoder().decode(r.stdout).trim();
}

Deno.test("codeVersion() records the commit, and a dirty tree with a diff hash that follows the edit", async () => {
  const dir = await Deno.makeTempDir();
  await _git(dir, "init", "-q");
  await Deno.writeTextFile(`${dir}/a.ts`, "export const a = 1;\n");
  await _git(dir, "add", "a.ts");
  await _git(dir, "commit", "-q", "-m", "first");
  const head = await _git(dir, "rev-parse", "HEAD");
  assert.deepEqual(await codeVersion({ cwd: dir }), { commit: head, dirty: false, diffSha256: null });
  await Deno.writeTextFile(`${dir}/a.ts`, "export const a = 2;\n");
  const d1 = await codeVersion({ cwd: dir });
  await Deno.writeTextFile(`${dir}/a.ts`, "export const a = 3;\n");
  const d2 = await codeVersion({ cwd: dir });
  assert.deepEqual([d1.dirty, d2.dirty], [true, true]);
  assert.deepEqual(d1.diffSha256 !== null && d1.diffSha256 !== d2.diffSha256, true);
});

Deno.test("codeVersion() ignores files in the output folders (saving a model must not change the next id)", async () => {
  const dir = await Deno.makeTempDir();
  await _git(dir, "init", "-q");
  await Deno.writeTextFile(`${dir}/a.ts`, "x\n");
  await _git(dir, "add", "a.ts");
  await _git(dir, "commit", "-q", "-m", "first");
  await Deno.mkdir(`${dir}/models/trained`, { recursive: true });
  await Deno.writeTextFile(`${dir}/models/trained/0123.json`, "{}\n");
  assert.deepEqual((await codeVersion({ cwd: dir })).dirty, false);
  assert.deepEqual((await codeVersion({ cwd: dir, excludeDirs: [] })).dirty, true);
});

Deno.test("codeVersion() outside a git checkout records null and why", async () => {
  const v = await codeVersion({ cwd: await Deno.makeTempDir() });
  assert.deepEqual([v.commit, v.dirty, v.note?.startsWith("not a git checkout")], [null, null, true]);
});

Deno.test("codeVersion() outside a checkout takes the commit from CANDLELAB_GIT_COMMIT (the Docker image's build argument)", async () => {
  const dir = await Deno.makeTempDir();
  const code = `const { codeVersion } = await import(${JSON.stringify(import.meta.resolve("./git.ts"))});
    console.log(JSON.stringify(await codeVersion({ cwd: ${JSON.stringify(dir)} })));`;
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], env, stdout: "piped" })
      .output();
    return JSON.parse(new TextDecoder().decode(out.stdout));
  };
  const commit = "0123456789abcdef0123456789abcdef01234567";
  assert.deepEqual(await run({ CANDLELAB_GIT_COMMIT: commit }), {
    commit,
    dirty: null,
    diffSha256: null,
    note: "from CANDLELAB_GIT_COMMIT",
  });
  assert.deepEqual((await run({ CANDLELAB_GIT_COMMIT: "not-a-commit" })).commit, null);
  await Deno.remove(dir, { recursive: true });
});
