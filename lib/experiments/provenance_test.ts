import assert from "node:assert/strict";
import { codeVersion, libraryVersions, recordedEnv } from "./provenance.ts";

Deno.test("codeVersion() reads the commit and dirty flag of a git repository", async () => {
  const dir = await Deno.makeTempDir();
  const git = (...args: string[]) =>
    new Deno.Command("git", {
      args: ["-c", "user.email=t@t", "-c", "user.name=t", ...args],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).output();
  const init = await git("init", "-q").catch(() => null);
  if (init === null || !init.success) return; // no git on this machine: nothing to check
  await Deno.writeTextFile(`${dir}/a.txt`, "a");
  await git("add", "a.txt");
  await git("commit", "-q", "-m", "x");
  const clean = await codeVersion(dir);
  assert.match(clean.commit ?? "", /^[0-9a-f]{40}$/);
  assert.equal(clean.dirty, false);
  await Deno.writeTextFile(`${dir}/a.txt`, "b");
  assert.equal((await codeVersion(dir)).dirty, true);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("codeVersion() gives nulls outside a repository", async () => {
  const dir = await Deno.makeTempDir();
  assert.deepEqual(await codeVersion(dir), { commit: null, dirty: null });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("libraryVersions() reads node_modules/<pkg>/package.json and skips missing packages", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/node_modules/@scope/lib`, { recursive: true });
  await Deno.writeTextFile(`${dir}/node_modules/@scope/lib/package.json`, '{"version":"1.2.3"}');
  assert.deepEqual(await libraryVersions(dir, ["@scope/lib", "absent"]), { "@scope/lib": "1.2.3" });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("recordedEnv() keeps CANDLELAB_/DENO_/TZ variables and scrubs secret-looking ones", () => {
  const env = recordedEnv({
    CANDLELAB_DATA: "/d",
    CANDLELAB_API_KEY: "AK",
    CANDLELAB_BINANCE_SECRET: "S",
    DENO_AUTH_TOKENS: "tok@host",
    TZ: "UTC",
    HOME: "/root",
    AWS_SECRET_ACCESS_KEY: "nope",
  });
  assert.deepEqual(env, {
    CANDLELAB_DATA: "/d",
    CANDLELAB_API_KEY: "[scrubbed]",
    CANDLELAB_BINANCE_SECRET: "[scrubbed]",
    DENO_AUTH_TOKENS: "[scrubbed]",
    TZ: "UTC",
  });
});

Deno.test("codeVersion() outside a repository takes the commit from CANDLELAB_GIT_COMMIT when it is set", async () => {
  const dir = await Deno.makeTempDir();
  const code = `const { codeVersion } = await import(${
    JSON.stringify(import.meta.resolve("./provenance.ts"))
  });
    console.log(JSON.stringify(await codeVersion(${JSON.stringify(dir)})));`;
  const commit = "89abcdef0123456789abcdef0123456789abcdef";
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { CANDLELAB_GIT_COMMIT: commit },
    stdout: "piped",
  }).output();
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), { commit, dirty: null });
  await Deno.remove(dir, { recursive: true });
});
