/**
 * Tampering is caught by hash before use: an edited raw data file fails the quality gate against its
 * `.metadata.json`, an edited model artifact is refused on load, an edited feature-cache file is logged
 * as corrupt and recomputed. The integrity check used by the crash and concurrency tests sees each one.
 */
import assert from "node:assert/strict";
import { hourlyBarsSql, sqlToParquet } from "../../lib/data/_test_util.ts";
import { validateConfig } from "../../lib/config/load.ts";
import { ExperimentConfigSchema } from "../../lib/experiments/config.ts";
import { runExperiment } from "../../lib/experiments/pipeline.ts";
import { silentProgress } from "../../lib/experiments/progress.ts";
import { loadRegisteredModel } from "../../lib/registry/store.ts";
import { CandlelabError } from "../../lib/util/errors.ts";
import { checkProjectIntegrity } from "./_invariants.ts";
import { caught, makeProject, recordCounts, smallConfig } from "./_project.ts";

const RAW = "data/raw/binance_BTC_USDT_spot_1h.parquet";

function _run(root: string) {
  const cfg = validateConfig(smallConfig(), ExperimentConfigSchema, "tamper.yaml");
  return runExperiment(cfg, { projectRoot: root, progress: silentProgress, configFile: "tamper.yaml" });
}

async function _flipByte(path: string, at: (size: number) => number): Promise<void> {
  const bytes = await Deno.readFile(path);
  const i = at(bytes.length);
  bytes[i] = bytes[i] === 0x31 ? 0x32 : 0x31;
  await Deno.writeFile(path, bytes);
}

Deno.test("an edited model artifact is refused on load and reported by the integrity check", async () => {
  const root = await makeProject();
  const r = await _run(root);
  assert.deepEqual((await checkProjectIntegrity(root)).problems, []);
  const artifact = `${root}/models/trained/${r.model.id}.json`;
  const text = await Deno.readTextFile(artifact);
  const m = /\d\.\d{3}/.exec(text.slice(200))!;
  const at = 200 + m.index + 2;
  await Deno.writeTextFile(artifact, text.slice(0, at) + (text[at] === "1" ? "2" : "1") + text.slice(at + 1));
  const err = await caught(() => loadRegisteredModel(`${root}/models`, r.model.id));
  assert.ok(err instanceof CandlelabError, err.message);
  assert.match(
    err.message,
    new RegExp(
      `Cannot load model ${r.model.id}: artifact .* has sha256 [0-9a-f]{64} but the metadata records`,
    ),
  );
  const report = await checkProjectIntegrity(root);
  assert.ok(report.problems.length >= 1, "the integrity check missed the edit");
  assert.match(report.problems[0], new RegExp(`${r.model.id}.*sha256`));
  await Deno.remove(root, { recursive: true });
  await recordCounts("tamper", { tamper_detected: 1 });
});

Deno.test("an edited feature-cache file is logged as corrupt, recomputed, and rewritten whole", async () => {
  const root = await makeProject();
  const first = await _run(root);
  assert.equal(first.cacheHit, false);
  const second = await _run(root);
  assert.equal(second.cacheHit, true);
  const dir = `${root}/data/cache/features`;
  const arrow = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).find((n) =>
    n.endsWith(".arrow")
  )!;
  await _flipByte(`${dir}/${arrow}`, (n) => Math.floor(n / 2));
  assert.equal((await checkProjectIntegrity(root)).problems.length, 1, "the integrity check missed the edit");
  const third = await _run(root);
  assert.equal(third.cacheHit, false, "a corrupt cache file was used");
  const log = await Deno.readTextFile(`${third.runDir}/log.jsonl`);
  assert.match(log, /cache corrupt/);
  assert.deepEqual(third.features.close_ema_200 ?? [], first.features.close_ema_200 ?? []);
  for (const [name, col] of Object.entries(first.features)) assert.deepEqual(third.features[name], col, name);
  assert.deepEqual((await checkProjectIntegrity(root)).problems, []);
  await Deno.remove(root, { recursive: true });
  await recordCounts("tamper", { tamper_detected: 1 });
});

Deno.test("a raw data file edited after its metadata was written fails the quality gate by hash", async () => {
  const root = await makeProject();
  // a valid Parquet file with other bars, under the name (and beside the metadata) of the original
  await sqlToParquet(`${root}/${RAW}.edited`, hourlyBarsSql(3000));
  await Deno.rename(`${root}/${RAW}.edited`, `${root}/${RAW}`);
  const cfg = validateConfig(
    smallConfig((c) => ((c.data as { range: unknown }).range = {})),
    ExperimentConfigSchema,
    "tamper.yaml",
  );
  const err = await caught(() => runExperiment(cfg, { projectRoot: root, progress: silentProgress }));
  assert.ok(err instanceof CandlelabError, err.message);
  assert.ok(err.message.includes("quality gate failed"), err.message);
  assert.ok(err.message.includes("binance_BTC_USDT_spot_1h.parquet"), err.message);
  assert.match(err.message, /SHA-256 is [0-9a-f]+\.*, its metadata says/);
  for (const folder of ["models", "data/cache"]) {
    await assert.rejects(() => Deno.stat(`${root}/${folder}`), Deno.errors.NotFound, `${folder} was written`);
  }
  await Deno.remove(root, { recursive: true });
  await recordCounts("tamper", { tamper_detected: 1 });
});
