/**
 * No secret reaches a run log: a real run with secret-looking environment variables and a secret-looking
 * config key leaves no trace of the secret values anywhere in the project. (Jupyter's 127.0.0.1 binding
 * and token handling are tested in lib/notebooks/jupyter_server_test.ts and deploy_test.ts.)
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../lib/config/load.ts";
import { ExperimentConfigSchema } from "../../lib/experiments/config.ts";
import { runExperiment } from "../../lib/experiments/pipeline.ts";
import { silentProgress } from "../../lib/experiments/progress.ts";
import { ConfigError } from "../../lib/config/load.ts";
import { loadExperimentConfig } from "../../lib/experiments/config.ts";
import { caught, makeProject, recordCounts, runDeno, smallConfig, writeConfig } from "./_project.ts";

const SECRETS = {
  CANDLELAB_EXCHANGE_API_KEY: "sk-live-ENVSECRET-0001",
  CANDLELAB_TOKEN: "tok-ENVSECRET-0002",
  DENO_AUTH_TOKENS: "abc@npm.example.com-ENVSECRET-0003",
  AWS_SECRET_ACCESS_KEY: "ENVSECRET-0004",
};

async function _grepTree(dir: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        const text = new TextDecoder().decode(await Deno.readFile(p));
        for (const n of needles) if (text.includes(n)) hits.push(`${p} contains ${n}`);
      }
    }
  };
  await walk(dir);
  return hits;
}

Deno.test("a real run with secret-looking env vars records their names at most, never their values", async () => {
  const root = await makeProject();
  const rel = await writeConfig(root, "sec", smallConfig());
  const r = await runDeno(root, ["-A"], "lib/tasks/experiment.ts", [rel], SECRETS);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await _grepTree(root, ["ENVSECRET"]), []);
  assert.ok(!(r.stdout + r.stderr).includes("ENVSECRET"), "a secret was printed");
  const runDir = /^folder (.+)$/m.exec(r.stdout)![1];
  const rec = JSON.parse(await Deno.readTextFile(`${root}/${runDir}/run.json`));
  const env = (rec.env ?? {}) as Record<string, string>;
  for (const k of Object.keys(SECRETS)) if (k in env) assert.equal(env[k], "[scrubbed]", k);
  await Deno.remove(root, { recursive: true });
  await recordCounts("secrets", { secrets_kept_out: Object.keys(SECRETS).length });
});

Deno.test("a secret-looking config key is refused in YAML and scrubbed from run.json when passed in code", async () => {
  const root = await makeProject();
  const file = `${root}/${await writeConfig(
    root,
    "key",
    smallConfig((c) => (c.exchange_api_key = "sk-CFGSECRET-1")),
  )}`;
  const err = await caught(() => loadExperimentConfig(file));
  assert.ok(err instanceof ConfigError && err.message.includes("exchange_api_key"), err.message);
  assert.ok(!err.message.includes("CFGSECRET"), "the error echoed the secret");

  const cfg = validateConfig(smallConfig(), ExperimentConfigSchema, "key.yaml");
  await Deno.remove(file);
  const withSecret = {
    ...cfg,
    exchange_api_key: "sk-CFGSECRET-2",
    guard: { ...cfg.guard, authToken: "CFGSECRET-3" },
  };
  const r = await runExperiment(withSecret, { projectRoot: root, progress: silentProgress });
  assert.deepEqual(await _grepTree(root, ["CFGSECRET"]), []);
  const rec = JSON.parse(await Deno.readTextFile(`${r.runDir}/run.json`));
  assert.equal(rec.config.exchange_api_key, "[scrubbed]");
  assert.equal(rec.config.guard.authToken, "[scrubbed]");
  await Deno.remove(root, { recursive: true });
  await recordCounts("secrets", { secrets_kept_out: 3 });
});
