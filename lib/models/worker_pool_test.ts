import assert from "node:assert/strict";
import { CandlelabError } from "../util/errors.ts";
import { runTasks, WorkerPool } from "./worker_pool.ts";

const _WORKER = new URL("./_test_worker.ts", import.meta.url);

function _squares(pool: WorkerPool, n: number, count: number): Promise<number[]> {
  const out: number[] = [];
  return pool.run(_WORKER, n, async (workers) => {
    await runTasks(workers, {
      count,
      send: (w, task) => w.postMessage({ type: "square", task }),
      onDone: (r) => (out[r.task] = r.value as number),
      action: "square numbers",
    });
    return out;
  });
}

Deno.test("WorkerPool keeps its workers from job to job and terminates them on close", async () => {
  const pool = new WorkerPool();
  assert.deepEqual(await _squares(pool, 2, 6), [0, 1, 4, 9, 16, 25]);
  assert.deepEqual(await _squares(pool, 2, 3), [0, 1, 4]);
  assert.deepEqual(await _squares(pool, 1, 2), [0, 1]);
  assert.equal(pool.spawned, 2, "the second and third jobs reuse the first job's workers");
  assert.equal(pool.size, 2);
  pool.close();
  assert.equal(pool.size, 0);
  assert.equal(pool.closed, true);
  await assert.rejects(() => _squares(pool, 1, 1), (e: Error) => {
    assert.ok(e instanceof CandlelabError);
    assert.match(e.message, /^Cannot run a job on the worker pool: it is closed; create a new WorkerPool/);
    return true;
  });
});

Deno.test("runTasks reports an error thrown in a worker with a sentence, and the pool replaces that worker", async () => {
  using pool = new WorkerPool();
  await assert.rejects(
    () =>
      pool.run(
        _WORKER,
        2,
        (workers) =>
          runTasks(workers, {
            count: 4,
            send: (w, task) => w.postMessage({ type: task === 2 ? "fail" : "square", task }),
            onDone: () => {},
            action: "square numbers",
          }),
      ),
    (e: Error) => {
      assert.ok(e instanceof CandlelabError);
      assert.match(
        e.message,
        /^Cannot square numbers: a worker failed: fail message: Error: task 2 failed on purpose/,
      );
      return true;
    },
  );
  assert.equal(pool.size, 0, "workers of a failed job are terminated");
  assert.deepEqual(await _squares(pool, 2, 3), [0, 1, 4]);
  assert.equal(pool.spawned, 4);
});

Deno.test("runTasks reports an uncaught worker error", async () => {
  using pool = new WorkerPool();
  await assert.rejects(
    () =>
      pool.run(
        _WORKER,
        1,
        (workers) =>
          runTasks(workers, {
            count: 1,
            send: (w) => w.postMessage({ type: "crash" }),
            onDone: () => {},
            action: "crash a worker",
          }),
      ),
    (e: Error) => {
      assert.match(e.message, /^Cannot crash a worker: a worker failed: .*crashed outside a message handler/);
      return true;
    },
  );
});

Deno.test("WorkerPool runs one job at a time and reuses named scratch memory", async () => {
  using pool = new WorkerPool();
  let release!: () => void;
  const first = pool.run(_WORKER, 1, () => new Promise<void>((r) => (release = r)));
  await assert.rejects(() => _squares(pool, 1, 1), /it is busy with another job/);
  release();
  await first;
  assert.deepEqual(await _squares(pool, 1, 2), [0, 1]);
  const a = pool.scratch("x", 1000);
  assert.equal(pool.scratch("x", 1100), a, "a slightly larger request reuses the buffer");
  assert.notEqual(pool.scratch("x", 10_000), a);
  assert.notEqual(pool.scratch("y", 10), pool.scratch("x", 10));
});
