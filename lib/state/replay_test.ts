import assert from "node:assert/strict";
import { backtest } from "../backtest/backtest.ts";
import { canonicalJson } from "../util/hash.ts";
import { CandlelabError } from "../util/errors.ts";
import { closeStateDb, openStateDb } from "./db.ts";
import { readEquity, readState, readTrades, replay } from "./replay.ts";
import { _fixture } from "./_fixture.ts";
import { mulberry32 } from "../backtest/synthetic.ts";

const DENO = Deno.execPath();
const HERE = new URL(".", import.meta.url).pathname;
const N = 3000, SEED = 21;

function runChild(args: string[]) {
  return new Deno.Command(DENO, { args: ["run", "-A", ...args], stdout: "piped", stderr: "piped" });
}

Deno.test("replay() gives the same trades and equity as backtest() on the same inputs", () => {
  const input = _fixture(N, SEED);
  const bt = backtest(input);
  const db = openStateDb(":memory:");
  const rp = replay({ ...input, db, runId: "r", strategy: "s" });
  assert.ok(rp.done);
  const closed = bt.trades.filter((t) => !t.open);
  assert.ok(closed.length > 50, `${closed.length} trades`);
  assert.equal(canonicalJson(readTrades(db, "r", "s")), canonicalJson(closed));
  assert.deepEqual(readEquity(db, "r", "s"), bt.equity);
  assert.equal(canonicalJson(readState(db, "r", "s")), canonicalJson(bt.finalState));
  const mem = replay({ ...input, db: null, runId: "r", strategy: "s" });
  assert.deepEqual(mem.equity, bt.equity);
  closeStateDb(db);
});

Deno.test("replay() killed with SIGKILL at random points resumes to exactly the uninterrupted final state", async () => {
  const dir = await Deno.makeTempDir();
  // reference: uninterrupted run in its own database
  const ref = openStateDb(`${dir}/ref.db`);
  replay({ ..._fixture(N, SEED), db: ref, runId: "run", strategy: "perp" });
  const refState = canonicalJson(readState(ref, "run", "perp"));
  const refTrades = canonicalJson(readTrades(ref, "run", "perp"));
  const refEquity = readEquity(ref, "run", "perp");
  closeStateDb(ref);
  const rnd = mulberry32(99);
  const killPoints = [0, 1, 2].map(() => 200 + Math.floor(rnd() * 2000));
  // three kill/resume cycles at different points, run side by side
  const signals = await Promise.all(killPoints.map(async (killAt, attempt) => {
    const path = `${dir}/killed_${attempt}.db`;
    const child = runChild([`${HERE}_replay_child.ts`, path, String(N), String(SEED)]).spawn();
    let exited = false;
    child.status.then(() => exited = true);
    // poll the database until the child has committed `killAt` bars (or exits), then SIGKILL it
    while (!exited) {
      await new Promise((r) => setTimeout(r, 5));
      try {
        const probe = openStateDb(path, { busyTimeoutMs: 50 });
        const s = readState(probe, "run", "perp");
        closeStateDb(probe);
        if (s && s.bar >= killAt) break;
      } catch { /* the child has not created the schema yet */ }
    }
    if (!exited) child.kill("SIGKILL");
    const status = await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    // resume in another child process
    const out = await runChild([`${HERE}_replay_child.ts`, path, String(N), String(SEED)]).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const done = openStateDb(path);
    assert.equal(canonicalJson(readState(done, "run", "perp")), refState);
    assert.equal(canonicalJson(readTrades(done, "run", "perp")), refTrades);
    assert.deepEqual(readEquity(done, "run", "perp"), refEquity);
    assert.equal(
      (done.db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check,
      "ok",
    );
    closeStateDb(done);
    return status.signal;
  }));
  const killedMidRun = signals.filter((s) => s === "SIGKILL").length;
  assert.ok(killedMidRun >= 2, `only ${killedMidRun} of 3 children were killed mid-run`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a second process writing while one holds the lock gets a clear error naming the file, or waits", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/busy.db`;
  closeStateDb(openStateDb(path));
  const holder = runChild([`${HERE}_lock_child.ts`, path, "1500"]).spawn();
  const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  assert.ok(seen.includes("locked"));
  // short timeout: fails with the file named
  const impatient = openStateDb(path, { busyTimeoutMs: 100 });
  assert.throws(
    () => replay({ ..._fixture(50, 1), db: impatient, runId: "r", strategy: "s" }),
    (e: Error) => e instanceof CandlelabError && e.message.includes(path) && /locked/.test(e.message),
  );
  closeStateDb(impatient);
  // long timeout: waits for the holder to commit, then writes
  const patient = openStateDb(path, { busyTimeoutMs: 20_000 });
  const r = replay({ ..._fixture(50, 1), db: patient, runId: "r", strategy: "s" });
  assert.ok(r.done);
  const lockRows = patient.db.prepare("SELECT count(*) AS n FROM events WHERE run_id = 'lock'").get() as {
    n: number;
  };
  assert.equal(lockRows.n, 1);
  assert.equal(
    (patient.db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check,
    "ok",
  );
  closeStateDb(patient);
  reader.releaseLock();
  await holder.stdout.cancel().catch(() => {});
  await holder.stderr.cancel();
  assert.ok((await holder.status).success);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("replay() refuses to resume a run whose inputs changed", () => {
  const db = openStateDb(":memory:");
  replay({ ..._fixture(50, 1), db, runId: "r", strategy: "s", maxBars: 10 });
  assert.throws(() => replay({ ..._fixture(50, 2), db, runId: "r", strategy: "s" }), /inputs differ/);
  closeStateDb(db);
});
