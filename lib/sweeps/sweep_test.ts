/**
 * End-to-end sweeps on a tiny project: the local pool killed by SIGKILL and rerun finishes only the
 * missing trials; two queue workers on a real redis-server (127.0.0.1, persistence off), one killed
 * mid-trial, give the local sweep's results bit for bit, each trial recorded once; an unreachable Redis is
 * a clear error within 5 s.
 */
import assert from "node:assert/strict";
import { planSweep } from "./plan.ts";
import { checkRedis } from "./queue.ts";
import {
  collectLines,
  freePort,
  makeSweepProject,
  recordedTrials,
  spawnTask,
  startRedis,
  waitFor,
} from "./_test_project.ts";

async function okRuns(root: string): Promise<number> {
  let n = 0;
  try {
    for await (const e of Deno.readDir(`${root}/experiments/runs`)) if (!e.name.startsWith(".")) n++;
  } catch { /* not there yet */ }
  return n;
}

function childPids(pid: number): number[] {
  const out = new Deno.Command("ps", { args: ["-o", "pid=", "--ppid", String(pid)] }).outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").map((l) => Number(l.trim())).filter((n) => n > 0);
}

function alive(pid: number): boolean {
  const out = new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)] }).outputSync();
  const stat = new TextDecoder().decode(out.stdout).trim();
  return stat !== "" && !stat.startsWith("Z");
}

let reference: Map<string, string> | null = null;

Deno.test("a local sweep killed with SIGKILL and rerun finishes only the missing trials", async () => {
  const root = await makeSweepProject();
  const plan = await planSweep(`${root}/configs/sweeps/tiny.yaml`, { projectRoot: root });
  assert.equal(plan.trials.length, 4);
  const first = spawnTask(root, "lib/tasks/sweep.ts", ["configs/sweeps/tiny.yaml", "--workers", "1"]);
  const err = collectLines(first.stderr);
  await waitFor(async () => (await okRuns(root)) >= 1, 120_000, "the first recorded trial");
  const workers = childPids(first.pid);
  assert.equal(workers.length, 1, "one pool worker process");
  first.kill("SIGKILL");
  const st = await first.status;
  assert.equal(st.signal, "SIGKILL");
  await first.stdout.cancel();
  await err.done;
  // the orphaned worker sees its stdin close and exits on its own
  await waitFor(() => workers.every((p) => !alive(p)), 20_000, `worker ${workers} to exit after the kill`);
  const before = await okRuns(root);
  assert(before >= 1 && before < 4, `runs after the kill: ${before}`);
  const second = spawnTask(root, "lib/tasks/sweep.ts", ["configs/sweeps/tiny.yaml", "--workers", "2"]);
  const out = await second.output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stdout);
  assert.match(stdout, new RegExp(`ran ${4 - before} trials .*\\(${before} already done\\)`));
  assert.match(stdout, /PBO \d\.\d+/);
  reference = await recordedTrials(root); // throws if a trial was recorded twice
  assert.deepEqual([...reference.keys()].sort(), plan.trials.map((t) => t.id).sort());
  // no scratch left by the finished workers (the killed one may leave its own)
  await Deno.remove(root, { recursive: true });
});

Deno.test("two queue workers, one killed mid-trial, give the local sweep's results bit for bit", async () => {
  assert(reference, "runs after the local sweep test");
  const root = await makeSweepProject();
  const port = freePort();
  const redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const workerArgs = ["--queue", url, "--lock-ms", "2000", "--stalled-ms", "1000"];
  const w1 = spawnTask(root, "lib/tasks/sweep_worker.ts", workerArgs);
  const w1log = collectLines(w1.stderr);
  let w2: Deno.ChildProcess | null = null;
  try {
    await waitFor(() => w1log.lines.some((l) => l.includes("ready")), 30_000, "worker 1 ready");
    const sweep = spawnTask(root, "lib/tasks/sweep.ts", ["configs/sweeps/tiny.yaml", "--queue", url]);
    await waitFor(() => w1log.lines.some((l) => l.includes("started")), 60_000, "worker 1 starting a trial");
    w1.kill("SIGKILL");
    await w1.status;
    await w1.stdout.cancel();
    const killedJob = /job (\S+),/.exec(w1log.lines.find((l) => l.includes("started"))!)![1];
    w2 = spawnTask(root, "lib/tasks/sweep_worker.ts", workerArgs);
    const w2log = collectLines(w2.stderr);
    const out = await sweep.output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(stdout, /ran 4 trials/);
    assert(
      w2log.lines.some((l) => l.includes(`job ${killedJob},`)),
      `worker 2 never took over the killed job ${killedJob}:\n${w2log.lines.join("\n")}`,
    );
    const got = await recordedTrials(root);
    assert.deepEqual([...got.keys()].sort(), [...reference.keys()].sort());
    for (const [id, v] of got) assert.equal(v, reference.get(id), `trial ${id} differs from the local sweep`);
  } finally {
    for (const w of [w1, w2]) {
      if (!w) continue;
      try {
        w.kill("SIGTERM");
      } catch { /* ended */ }
      await w.status;
      await w.stdout.cancel().catch(() => {});
      await w.stderr.cancel().catch(() => {});
    }
    redis.kill("SIGTERM");
    await redis.status;
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("an unreachable Redis is a clear error within 5 s", async () => {
  const t0 = performance.now();
  await assert.rejects(
    () => checkRedis(`redis://127.0.0.1:${freePort()}`),
    /Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/,
  );
  assert(performance.now() - t0 < 5000);
});

Deno.test("a queue worker whose data differ refuses the trial once (not retried) and the sweep says why", async () => {
  const root = await makeSweepProject();
  const workerRoot = await makeSweepProject();
  const data = `${workerRoot}/data/raw/binance_BTC_USDT_spot_1h.parquet`;
  const bytes = await Deno.readFile(data);
  await Deno.writeFile(data, Uint8Array.from([...bytes, 0]));
  const port = freePort();
  const redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const w = spawnTask(workerRoot, "lib/tasks/sweep_worker.ts", ["--queue", url]);
  const log = collectLines(w.stderr);
  try {
    await waitFor(() => log.lines.some((l) => l.includes("ready")), 30_000, "the worker ready");
    const out = await spawnTask(root, "lib/tasks/sweep.ts", ["configs/sweeps/tiny.yaml", "--queue", url])
      .output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.match(
      stderr,
      /failed on a worker: .*binance_BTC_USDT_spot_1h\.parquet on this worker has SHA-256 [0-9a-f]{64}/,
    );
    assert.match(stderr, /not retried/);
    const refusals = log.lines.filter((l) => l.includes("refused"));
    assert(refusals.length >= 1);
    const started = log.lines.filter((l) => l.includes("started")).map((l) => /job (\S+),/.exec(l)![1]);
    assert.equal(new Set(started).size, started.length, `a job was retried:\n${log.lines.join("\n")}`);
    assert.equal(await okRuns(root), 0);
  } finally {
    w.kill("SIGTERM");
    await w.status;
    await w.stdout.cancel().catch(() => {});
    redis.kill("SIGTERM");
    await redis.status;
  }
  await Deno.remove(root, { recursive: true });
  await Deno.remove(workerRoot, { recursive: true });
});
