/**
 * Crash safety: `deno task experiment` is killed with SIGKILL at seeded points (feature caching,
 * training, model registration, artifacts, the SQLite state write, or a random moment); afterwards every
 * artifact is complete or absent, the registry index equals its JSON files, SQLite passes
 * `PRAGMA integrity_check`, and the next run succeeds.
 */
import assert from "node:assert/strict";
import { checkProjectIntegrity } from "./_invariants.ts";
import {
  makeProject,
  mulberry32,
  recordCounts,
  runDeno,
  smallConfig,
  spawnDeno,
  writeConfig,
} from "./_project.ts";

/** Fixed seed of the kill schedule. */
export const CRASH_SEED = 20261124;
/** Kills to land (at most twice as many runs are tried). */
export const KILLS = 12;
const TASK = "lib/tasks/experiment.ts";
/** Stage to wait for before killing, and the most milliseconds to wait after it starts. */
const TARGETS: [string, number][] = [
  ["features", 40],
  ["registry", 30],
  ["state", 900],
  ["artifacts", 20],
  ["walkforward", 1500],
  ["random", 0],
];

async function _killAt(
  root: string,
  args: string[],
  stage: string,
  delayMs: number,
): Promise<{ killed: boolean; lastStage: string; code: number }> {
  const child = spawnDeno(root, ["-A"], TASK, args);
  let lastStage = "start";
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };
  const drainOut = child.stdout.pipeTo(new WritableStream());
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (stage === "random") timer = setTimeout(kill, delayMs);
  let buf = "";
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
    buf += chunk;
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const line of lines) {
      const m = /^stage (\w+) started/.exec(line);
      if (m) lastStage = m[1];
      if (m && m[1] === stage && timer === undefined) timer = setTimeout(kill, delayMs);
    }
  }
  await drainOut;
  const status = await child.status;
  clearTimeout(timer);
  return { killed: killed && status.signal === "SIGKILL", lastStage, code: status.code };
}

Deno.test(`SIGKILL at ${KILLS} seeded points (seed ${CRASH_SEED}) leaves every artifact complete or absent`, async () => {
  const root = await makeProject();
  const rel = await writeConfig(root, "crash", smallConfig());
  const first = await runDeno(root, ["-A"], TASK, [rel]);
  assert.equal(first.code, 0, first.stderr);
  const rng = mulberry32(CRASH_SEED);
  const landed: Record<string, number> = {};
  let kills = 0;
  let attempts = 0;
  for (let k = 0; kills < KILLS && k < 2 * KILLS; k++) {
    attempts++;
    const [stage, maxDelay] = TARGETS[k % TARGETS.length];
    if (stage === "features") {
      await Deno.remove(`${root}/data/cache/features`, { recursive: true }).catch(() => {});
    }
    const delay = stage === "random" ? 300 + rng() * 2000 : rng() * maxDelay;
    const r = await _killAt(root, [rel, "--set", `seed=${100 + k}`], stage, Math.round(delay));
    if (r.killed) {
      kills++;
      landed[r.lastStage] = (landed[r.lastStage] ?? 0) + 1;
    } else {
      assert.equal(r.code, 0, `run ${k} was not killed and failed`);
    }
    const mid = await checkProjectIntegrity(root);
    assert.deepEqual(mid.problems, [], `after kill ${k} (${stage} + ${Math.round(delay)} ms)`);
  }
  console.log(
    `crash: ${kills} kills landed in ${attempts} runs (seed ${CRASH_SEED}); last stage at the kill: ${
      JSON.stringify(landed)
    }`,
  );
  assert.ok(kills >= KILLS / 2, `only ${kills} of ${attempts} kills landed before the run finished`);

  // half-written temp files (as a kill inside writeFileAtomic leaves them) must never be read as artifacts
  const planted = [
    "models/metadata/.0123456789abcdef.json.999.x.tmp",
    "models/trained/.0123456789abcdef.json.999.x.tmp",
    "data/cache/features/.deadbeef.arrow.999.x.tmp",
    "data/cache/features/.deadbeef.json.999.x.tmp",
  ];
  for (const p of planted) {
    await Deno.mkdir(`${root}/${p.slice(0, p.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${p}`, '{"id": "0123456789abcdef", "trunc');
  }
  const next = await runDeno(root, ["-A"], TASK, [rel, "--set", "seed=7"]);
  assert.equal(next.code, 0, `the run after the crashes failed: ${next.stderr}`);
  const after = await checkProjectIntegrity(root);
  assert.deepEqual(after.problems, []);
  assert.ok((after.runs.ok ?? 0) >= 2, JSON.stringify(after.runs));
  assert.ok(!after.models.includes("0123456789abcdef"), "a temp file was indexed as a model");
  for (const p of planted) assert.ok(after.tempFiles.includes(p), `${p} missing from the temp list`);
  await Deno.remove(root, { recursive: true });
  await recordCounts("crash", {
    kills,
    kill_seed: CRASH_SEED,
    files_lost: after.problems.length,
    temp_left: after.tempFiles.length,
  });
});
