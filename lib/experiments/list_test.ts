import assert from "node:assert/strict";
import { formatRunList, listRuns, resolveRunRef, summariseRun } from "./list.ts";
import { fakeRunRecord, writeFakeRun } from "./testing.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

async function fakeRoot(): Promise<string> {
  const root = await Deno.makeTempDir();
  await writeFakeRun(
    root,
    fakeRunRecord({
      startMs: T0 + 2 * H,
      suffix: "ccc",
      strategy: "xrp_spot_1h",
      sharpe: 0.01,
      macroF1: 0.35,
    }),
  );
  await writeFakeRun(
    root,
    fakeRunRecord({ startMs: T0, suffix: "aaa", sharpe: 0.02, macroF1: 0.41, totalReturn: 0.25 }),
  );
  await writeFakeRun(
    root,
    fakeRunRecord({
      startMs: T0 + H,
      suffix: "bbb",
      status: "failed",
      sharpe: null,
      macroF1: null,
      modelId: null,
    }),
  );
  return root;
}

Deno.test("listRuns() reads every run sorted by start time and filters by strategy", async () => {
  const root = await fakeRoot();
  const all = await listRuns(root);
  assert.deepEqual(all.runs.map((r) => r.run_id.slice(0, 16)), [
    "20261124T090000Z",
    "20261124T100000Z",
    "20261124T110000Z",
  ]);
  assert.deepEqual(all.problems, []);
  const xrp = await listRuns(root, { strategy: "xrp_spot_1h" });
  assert.deepEqual(xrp.runs.map((r) => r.strategy), ["xrp_spot_1h"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("listRuns() reports unreadable folders as problems, ignores hidden ones and temp files", async () => {
  const root = await fakeRoot();
  await Deno.mkdir(`${root}/20261124T120000Z-deadbeef-broken`);
  await Deno.writeTextFile(`${root}/20261124T120000Z-deadbeef-broken/run.json`, '{"run_id": "20261124T1200'); // half a file
  await Deno.mkdir(`${root}/.trash`);
  const [first] = (await listRuns(root)).runs;
  await Deno.writeTextFile(`${root}/${first.run_id}/.run.json.123.abc.tmp`, '{"half":'); // what a killed atomic write leaves
  const l = await listRuns(root);
  assert.equal(l.runs.length, 3);
  assert.equal(l.problems.length, 1);
  assert.match(l.problems[0].path, /broken\/run\.json$/);
  assert.match(l.problems[0].message, /not valid JSON/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("listRuns() lists notebook run folders apart (not as problems) and resolveRunRef() maps their ids", async () => {
  const root = await fakeRoot();
  const { runs } = await listRuns(root);
  const target = runs[0].run_id;
  await Deno.mkdir(`${root}/20261124T090000Z-0dbe7143`);
  await Deno.writeTextFile(
    `${root}/20261124T090000Z-0dbe7143/manifest.json`,
    JSON.stringify({
      kind: "candlelab.notebook-run",
      notebook: "notebooks/03_train_spot.ipynb",
      status: "ok",
      startedAt: "2026-11-24T09:00:00.000Z",
      experimentRun: target,
      artifacts: { html: "03_train_spot.html" },
    }),
  );
  const l = await listRuns(root);
  assert.equal(l.notebooks.length, 1);
  assert.ok(l.problems.every((p) => !p.path.includes("0dbe7143")), JSON.stringify(l.problems));
  assert.equal(l.notebooks[0].html, "20261124T090000Z-0dbe7143/03_train_spot.html");
  assert.equal(resolveRunRef(l, "0dbe7143").run_id, target);
  assert.equal(resolveRunRef(l, "20261124T090000Z-0dbe7143").run_id, target);
  await Deno.remove(root, { recursive: true });
});

Deno.test("listRuns() of a missing root is empty", async () => {
  assert.deepEqual(await listRuns("/definitely/not/here/runs"), { runs: [], notebooks: [], problems: [] });
});

Deno.test("summariseRun() and formatRunList() show one line per run with its key numbers", async () => {
  const root = await fakeRoot();
  const rows = (await listRuns(root)).runs.map(summariseRun);
  assert.equal(rows[0].macro_f1, 0.41);
  assert.ok(Math.abs(rows[0].sharpe_annualised! - 0.02 * Math.sqrt(8760)) < 1e-12);
  assert.equal(rows[0].total_return, 0.25);
  assert.equal(rows[1].status, "failed");
  assert.equal(rows[1].sharpe_annualised, null);
  const lines = formatRunList(rows).split("\n");
  assert.equal(lines.length, 5); // header, rule, 3 runs
  assert.match(lines[0], /^run id\s+strategy\s+status\s+macro-F1\s+Sharpe\s+return\s+skill$/);
  assert.match(lines[2], /btc_perp_1h\s+ok\s+0\.410\s+1\.87\s+\+25\.0 %/);
  assert.match(lines[3], /failed\s+-\s+-\s+-/);
  assert.ok(lines.every((l) => l.length <= 100), "experiments:list fits 100 columns");
  await Deno.remove(root, { recursive: true });
});
