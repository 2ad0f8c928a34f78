import assert from "node:assert/strict";
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
