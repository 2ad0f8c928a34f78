import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashId } from "../util/hash.ts";
import { listRuns } from "./list.ts";
import { parseLogLines } from "./logger.ts";
import { silentProgress } from "./progress.ts";
import { type RunOptions, startRun, withRun } from "./recorder.ts";
import { readRunRecord } from "./run_record.ts";

const T0 = Date.UTC(2026, 10, 24, 10, 15, 0);

function opts(root: string, extra: Partial<RunOptions> = {}): RunOptions {
  let t = T0;
  return {
    root,
    strategy: "btc_perp_1h",
    config: { model: { kind: "forest", depth: 6 } },
    seed: 7,
    env: {},
    progress: silentProgress,
    projectRoot: root,
    now: () => (t += 1000),
    ...extra,
  };
}

Deno.test("withRun() records an ok run with stages, timings, peak memory, metrics and a log", async () => {
  const root = await Deno.makeTempDir();
  const id = await withRun(opts(root), async (run) => {
    const n = await run.stage("features", async (log) => {
      log.info("computing", { columns: 30 });
      const big = new Float64Array(2_000_000).fill(1); // ~16 MB so the peak is visibly above "before"
      await new Promise((r) => setTimeout(r, 120));
      return big.length;
    });
    assert.equal(n, 2_000_000);
    run.setModelId("forest-abc");
    run.setFeatureSpecHash("feat123");
    run.setLabelSpecHash("lab456");
    run.addDataset({ path: "data/raw/btc.parquet", sha256: "a".repeat(64), kind: "ohlcv" });
    run.addFoldMetrics({ fold: 0, macro_f1: 0.41, accuracy: 0.5 });
    run.setOverallMetrics({ macro_f1: 0.42, accuracy: 0.51 });
    run.setBacktest({
      sharpe: 0.01,
      sharpe_annualised: 0.936,
      n_periods: 8760,
      skew: -0.2,
      kurtosis: 5.1,
      total_return: 0.12,
    });
    return run.id;
  });
  const rec = await readRunRecord(join(root, id, "run.json"));
  assert.equal(rec.status, "ok");
  assert.equal(rec.error, null);
  assert.equal(rec.run_id, id);
  assert.match(id, /^20261124T101501Z-[0-9a-f]{8}-[0-9a-z]{6}$/);
  assert.equal(rec.config_hash, hashId({ model: { kind: "forest", depth: 6 } }));
  assert.ok(id.includes(rec.config_hash.slice(0, 8)));
  assert.equal(rec.seed, 7);
  assert.equal(rec.model_id, "forest-abc");
  assert.equal(rec.backtest?.n_periods, 8760);
  assert.equal(rec.metrics.overall.macro_f1, 0.42);
  assert.equal(rec.datasets[0].sha256, "a".repeat(64));
  assert.equal(rec.stages.length, 1);
  const st = rec.stages[0];
  assert.equal(st.name, "features");
  assert.equal(st.status, "ok");
  assert.ok(st.seconds > 0);
  assert.ok(st.rss_peak_bytes >= st.rss_before_bytes && st.rss_peak_bytes >= st.rss_after_bytes);
  assert.ok(rec.ended_at !== null && rec.duration_seconds !== null && rec.duration_seconds > 0);
  assert.equal(rec.versions.deno, Deno.version.deno);
  assert.deepEqual(rec.code, { commit: null, dirty: null }); // projectRoot is a temp dir, not a repository
  const log = parseLogLines(await Deno.readTextFile(join(root, id, "log.jsonl")));
  assert.deepEqual(log.map((e) => [e.stage, e.msg]), [
    [null, "run started"],
    ["features", "stage started"],
    ["features", "computing"],
    ["features", "stage finished"],
    [null, "run finished"],
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("withRun() records a run that throws as failed, with message and stack, and rethrows", async () => {
  const root = await Deno.makeTempDir();
  let runId = "";
  await assert.rejects(
    withRun(opts(root), async (run) => {
      runId = run.id;
      await run.stage("features", () => 1);
      await run.stage("walkforward", () => {
        throw new RangeError("fold 3 has no rows");
      });
    }),
    { name: "RangeError", message: "fold 3 has no rows" },
  );
  const rec = await readRunRecord(join(root, runId, "run.json"));
  assert.equal(rec.status, "failed");
  assert.equal(rec.error?.name, "RangeError");
  assert.equal(rec.error?.message, "fold 3 has no rows");
  assert.match(rec.error?.stack ?? "", /recorder_test\.ts/);
  assert.deepEqual(rec.stages.map((s) => [s.name, s.status]), [["features", "ok"], [
    "walkforward",
    "failed",
  ]]);
  const log = parseLogLines(await Deno.readTextFile(join(root, runId, "log.jsonl")));
  assert.ok(log.some((e) => e.level === "error" && e.stage === "walkforward" && e.msg === "stage failed"));
  assert.equal(log.at(-1)?.msg, "run failed");
  await Deno.remove(root, { recursive: true });
});

Deno.test("withRun() records a thrown non-Error value as failed too", async () => {
  const root = await Deno.makeTempDir();
  await assert.rejects(withRun(opts(root), () => Promise.reject("plain string")));
  const { runs } = await listRuns(root);
  assert.equal(runs[0].status, "failed");
  assert.deepEqual(runs[0].error, { name: "NonError", message: "plain string", stack: null });
  await Deno.remove(root, { recursive: true });
});

Deno.test("concurrent runs of the same config in the same second get different ids and folders", async () => {
  const root = await Deno.makeTempDir();
  const ids = await Promise.all(
    Array.from({ length: 6 }, () =>
      withRun(opts(root, { now: () => T0 }), async (run) => {
        await run.stage("work", () => new Promise((r) => setTimeout(r, 5)));
        return run.id;
      })),
  );
  assert.equal(new Set(ids).size, 6);
  const { runs, problems } = await listRuns(root);
  assert.equal(problems.length, 0);
  assert.deepEqual(runs.map((r) => r.run_id).sort(), [...ids].sort());
  assert.ok(runs.every((r) => r.status === "ok" && r.stages.length === 1));
  await Deno.remove(root, { recursive: true });
});

Deno.test("run.json and log.jsonl never contain secrets from the config or the environment", async () => {
  const root = await Deno.makeTempDir();
  const config = {
    exchange: { name: "binance", api_key: "AKIA-SECRET-1", secret: "S3CR3T-2" },
    db: { password: "PW-3" },
  };
  const env = {
    CANDLELAB_TOKEN: "TOK-4",
    CANDLELAB_MODE: "paper",
    DENO_AUTH_TOKENS: "TOK-5@host",
    HOME: "/root",
  };
  const id = await withRun(opts(root, { config, env }), (run) => {
    run.logger.info("connecting", { apiKey: "AKIA-SECRET-1", exchange: "binance" });
    return run.id;
  });
  const text = await Deno.readTextFile(join(root, id, "run.json")) +
    await Deno.readTextFile(join(root, id, "log.jsonl"));
  for (const s of ["AKIA-SECRET-1", "S3CR3T-2", "PW-3", "TOK-4", "TOK-5"]) {
    assert.ok(!text.includes(s), `${s} leaked`);
  }
  const rec = await readRunRecord(join(root, id, "run.json"));
  assert.deepEqual(rec.config, {
    exchange: { name: "binance", api_key: "[scrubbed]", secret: "[scrubbed]" },
    db: { password: "[scrubbed]" },
  });
  assert.deepEqual(rec.env, {
    CANDLELAB_TOKEN: "[scrubbed]",
    CANDLELAB_MODE: "paper",
    DENO_AUTH_TOKENS: "[scrubbed]",
  });
  assert.equal(rec.config_hash, hashId(rec.config)); // the hash can be re-derived from the recorded config
  await Deno.remove(root, { recursive: true });
});

Deno.test("run.json says 'running' while the run is in progress", async () => {
  const root = await Deno.makeTempDir();
  await withRun(opts(root), async (run) => {
    assert.equal((await readRunRecord(run.recordPath)).status, "running");
    await run.stage("features", () => {});
    const mid = await readRunRecord(run.recordPath);
    assert.equal(mid.status, "running");
    assert.equal(mid.stages.length, 1);
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("setters refuse invalid values with the field named, and a finished run refuses more work", async () => {
  const root = await Deno.makeTempDir();
  const run = await startRun(opts(root));
  assert.throws(
    () => run.setBacktest({ sharpe: NaN, sharpe_annualised: 1, n_periods: 10, skew: 0, kurtosis: 3 }),
    { name: "CandlelabError", message: /Cannot record backtest summary in run .*: sharpe: /s },
  );
  assert.throws(() => run.addDataset({ path: "x", sha256: "short" }), /dataset reference .*sha256/);
  assert.throws(
    () => run.setOverallMetrics({ macro_f1: Infinity }),
    /"macro_f1" must be a finite number or null, current value is Infinity/,
  );
  await run.finish("ok");
  await assert.rejects(run.stage("late", () => 1), /run .* has already finished/);
  await assert.rejects(run.finish("ok"), /has already finished/);
  assert.equal((await readRunRecord(run.recordPath)).status, "ok");
  await Deno.remove(root, { recursive: true });
});

Deno.test("run.json stays valid JSON when the writing process is killed mid-write", async () => {
  const root = await Deno.makeTempDir();
  const script = join(root, "writer.ts");
  // A child process rewrites a ~4 MB run.json as fast as it can; we SIGKILL it in the middle.
  await Deno.writeTextFile(
    script,
    `import { startRun } from ${JSON.stringify(import.meta.resolve("./recorder.ts"))};
import { silentProgress } from ${JSON.stringify(import.meta.resolve("./progress.ts"))};
const run = await startRun({ root: Deno.args[0], strategy: "kill_test", config: { big: "x".repeat(4_000_000) }, env: {}, progress: silentProgress, projectRoot: Deno.args[0] });
console.log(run.id);
for (let i = 0; ; i++) { run.setOverallMetrics({ i }); await run.save(); }
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    // --config: the script lives in a temp dir, so point Deno at the project's deno.json for bare imports.
    args: [
      "run",
      "-A",
      "--no-lock",
      "--config",
      fileURLToPath(new URL("../../deno.json", import.meta.url)),
      script,
      join(root, "runs"),
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  const id = new TextDecoder().decode(first.value).trim();
  // Wait until the child is inside its rewrite loop (a save after the first one landed), then kill it.
  const path = join(root, "runs", id, "run.json");
  for (let tries = 0; tries < 600; tries++) {
    if (typeof (await readRunRecord(path)).metrics.overall.i === "number") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  const rec = await readRunRecord(path); // throws if half-written
  assert.equal(typeof rec.metrics.overall.i, "number");
  assert.equal(rec.status, "running"); // killed: never finished, so it honestly still says running
  assert.equal((rec.config as { big: string }).big.length, 4_000_000);
  const { runs, problems } = await listRuns(join(root, "runs"));
  assert.equal(runs.length, 1);
  assert.equal(problems.length, 0); // a leftover .run.json.*.tmp is not mistaken for a run
  await Deno.remove(root, { recursive: true });
});

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`a run stopped by ${signal} is recorded as failed (interrupted, with its stage), not left running`, async () => {
    const root = await Deno.makeTempDir();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_interrupt_child.ts", import.meta.url).pathname, root],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("in stage")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    child.kill(signal);
    const status = await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel();
    assert.equal(status.code, code);
    const [id] = (await Array.fromAsync(Deno.readDir(root))).map((e) => e.name);
    const rec = JSON.parse(await Deno.readTextFile(`${root}/${id}/run.json`));
    assert.equal(rec.status, "failed");
    assert.equal(rec.error.name, "Interrupted");
    assert.match(rec.error.message, new RegExp(`interrupted by ${signal} during stage "slow"`));
    assert.ok(rec.ended_at !== null && rec.duration_seconds > 0);
    assert.match(await Deno.readTextFile(`${root}/${id}/log.jsonl`), /run interrupted/);
    await Deno.remove(root, { recursive: true });
  });
}
