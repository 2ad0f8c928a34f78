import assert from "node:assert/strict";
import { codeVersion } from "../registry/git.ts";
import { gitState } from "./manifest.ts";

Deno.test("gitState() outside a checkout is null, or the commit named by CANDLELAB_GIT_COMMIT (the image's)", async () => {
  const dir = await Deno.makeTempDir();
  const code = `const { gitState } = await import(${JSON.stringify(import.meta.resolve("./manifest.ts"))});
    console.log(JSON.stringify(await gitState(${JSON.stringify(dir)})));`;
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env,
      clearEnv: true,
      stdout: "piped",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout));
  };
  const commit = "fedcba9876543210fedcba9876543210fedcba98";
  assert.deepEqual(await run({ CANDLELAB_GIT_COMMIT: commit, PATH: Deno.env.get("PATH") ?? "" }), {
    commit,
    dirty: null,
  });
  assert.deepEqual(await run({ PATH: Deno.env.get("PATH") ?? "" }), { commit: null, dirty: null });
  assert.deepEqual((await gitState(dir)).dirty, null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("gitState() says what codeVersion() says: an untracked notebook counts as dirty, run folders do not", async () => {
  const dir = await Deno.makeTempDir();
  const git = async (...args: string[]) => {
    const r = await new Deno.Command("git", {
      args: ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(r.success, `git ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
    return new TextDecoder().decode(r.stdout).trim();
  };
  await git("init", "-q");
  await Deno.writeTextFile(`${dir}/a.ts`, "x\n");
  await git("add", "a.ts");
  await git("commit", "-q", "-m", "first");
  const commit = await git("rev-parse", "HEAD");
  await Deno.mkdir(`${dir}/experiments/runs/r1`, { recursive: true });
  await Deno.writeTextFile(`${dir}/experiments/runs/r1/manifest.json`, "{}\n");
  assert.deepEqual(await gitState(dir), { commit, dirty: false });
  await Deno.writeTextFile(`${dir}/new.ipynb`, "{}\n"); // untracked: the old reader (--untracked-files=no) missed it
  const v = await codeVersion({ cwd: dir });
  assert.deepEqual(await gitState(dir), { commit: v.commit, dirty: v.dirty });
  assert.equal(v.dirty, true);
  await Deno.remove(dir, { recursive: true });
});
