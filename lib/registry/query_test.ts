import assert from "node:assert/strict";
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { fakeModel, recordInput } from "./_fixtures.ts";
import { indexPath, reindex } from "./index_db.ts";
import type { ModelMetadata } from "./metadata.ts";
import {
  compareModels,
  findModels,
  formatModelComparison,
  getLatestModel,
  lineage,
  parseMetricFilter,
} from "./query.ts";
import { modelMetadataPath, saveModel } from "./store.ts";

async function _registry(): Promise<{ root: string; a: ModelMetadata; b: ModelMetadata; c: ModelMetadata }> {
  const root = await Deno.makeTempDir();
  const a = await saveModel(
    root,
    fakeModel({ trees: 10 }),
    recordInput({ created: "2026-01-01T00:00:00.000Z" }),
  );
  const b = await saveModel(
    root,
    fakeModel({ trees: 20 }),
    recordInput({
      created: "2026-02-01T00:00:00.000Z",
      parent: a.id,
      metrics: { macro_f1: 0.35, accuracy: 0.45 },
    }),
  );
  const c = await saveModel(
    root,
    fakeModel({ trees: 20 }),
    recordInput({
      strategy: "xrp_perp",
      asset: "XRP",
      market: "perpetual",
      created: "2026-03-01T00:00:00.000Z",
      datasets: [{ path: "data/raw/xrp.parquet", sha256: "cd".repeat(32) }],
      metrics: { macro_f1: 0.25 },
    }),
  );
  return { root, a, b, c };
}

const _ids = (ms: ModelMetadata[]) => ms.map((m) => m.id);

Deno.test("findModels() filters by strategy, asset, market, metric thresholds and dataset hash", async () => {
  const { root, a, b, c } = await _registry();
  assert.deepEqual(_ids((await findModels(root)).models), [c.id, b.id, a.id]);
  assert.deepEqual(_ids((await findModels(root, { strategy: "btc_trend" })).models), [b.id, a.id]);
  assert.deepEqual(_ids((await findModels(root, { asset: "XRP", market: "perpetual" })).models), [c.id]);
  assert.deepEqual(
    _ids((await findModels(root, { metrics: [parseMetricFilter("macro_f1>=0.31")] })).models),
    [
      b.id,
      a.id,
    ],
  );
  assert.deepEqual(_ids((await findModels(root, { metrics: [parseMetricFilter("macro_f1>0.31")] })).models), [
    b.id,
  ]);
  assert.deepEqual(
    _ids((await findModels(root, { metrics: [{ name: "accuracy", op: "<", value: 0.43 }] })).models),
    [a.id],
  );
  assert.deepEqual(_ids((await findModels(root, { datasetSha256: "cd".repeat(32) })).models), [c.id]);
  assert.deepEqual(_ids((await findModels(root, { strategy: "nope" })).models), []);
});

Deno.test("getLatestModel() returns the newest model of a strategy", async () => {
  const { root, b } = await _registry();
  assert.deepEqual((await getLatestModel(root, "btc_trend"))?.id, b.id);
  assert.deepEqual(await getLatestModel(root, "none"), undefined);
});

Deno.test("lineage() follows parent ids and reports a parent missing from the registry", async () => {
  const { root, a, b } = await _registry();
  assert.deepEqual(_ids((await lineage(root, b.id)).chain), [b.id, a.id]);
  const orphan = await saveModel(root, fakeModel({ trees: 5 }), recordInput({ parent: "ffffffffffffffff" }));
  const l = await lineage(root, orphan.id);
  assert.deepEqual([_ids(l.chain), l.missingParent], [[orphan.id], "ffffffffffffffff"]);
});

Deno.test("compareModels() lines models up field by field and marks differences", async () => {
  const { root, a, b } = await _registry();
  const cmp = await compareModels(root, [a.id, b.id]);
  const row = (f: string) => cmp.rows.find((r) => r.field === f)?.values;
  assert.deepEqual(row("model.params.trees"), ["10", "20"]);
  assert.deepEqual(row("metrics.macro_f1"), ["0.3100", "0.3500"]);
  assert.deepEqual(row("parent"), ["-", a.id]);
  const text = formatModelComparison(cmp);
  assert.deepEqual(text.includes("* model.params.trees"), true);
  assert.deepEqual(text.includes("  strategy"), true);
  await assert.rejects(
    () => compareModels(root, [a.id, "0123456789abcdef"]),
    (e) => e instanceof CandlelabError && e.message.includes("No model 0123456789abcdef"),
  );
});

Deno.test("the index rebuilds itself when missing, corrupt or stale (the JSON files are the truth)", async () => {
  const { root, a, b, c } = await _registry();
  await Deno.remove(indexPath(root));
  const r1 = await findModels(root);
  assert.deepEqual([r1.refresh.added, r1.models.length], [3, 3]);
  await Deno.writeTextFile(indexPath(root), "this is not a database, just junk bytes ".repeat(200));
  for (const s of ["-wal", "-shm"]) await Deno.remove(indexPath(root) + s).catch(() => {});
  assert.deepEqual((await findModels(root)).models.length, 3);
  // a metadata file edited by hand and one deleted: the next query sees both changes
  const file = modelMetadataPath(root, a.id);
  const meta = JSON.parse(await Deno.readTextFile(file));
  meta.metrics.macro_f1 = 0.99;
  await Deno.writeTextFile(file, JSON.stringify(meta, null, 1));
  await Deno.remove(modelMetadataPath(root, c.id));
  const r2 = await findModels(root, { metrics: [parseMetricFilter("macro_f1>=0.9")] });
  assert.deepEqual(_ids(r2.models), [a.id]);
  assert.deepEqual([r2.refresh.updated, r2.refresh.removed], [1, 1]);
  assert.deepEqual(_ids((await findModels(root)).models), [b.id, a.id]);
});

Deno.test("an invalid metadata file is skipped and reported, not indexed", async () => {
  const { root } = await _registry();
  await Deno.writeTextFile(
    join(root, "metadata", "0000000000000000.json"),
    JSON.stringify({ id: "0000000000000000" }),
  );
  const r = await reindex(root);
  assert.deepEqual(r.total, 3);
  assert.deepEqual(r.problems.length, 1);
  assert.deepEqual(r.problems[0].reason.includes("Cannot read model metadata"), true);
  assert.deepEqual((await findModels(root)).refresh.problems.length, 1);
});

Deno.test("parseMetricFilter() refuses text that is not name, operator, number", () => {
  try {
    parseMetricFilter("macro_f1 ~ 3");
    throw new Error("no error");
  } catch (e) {
    assert.deepEqual(e instanceof CandlelabError && e.message.includes("e.g. macro_f1>=0.3"), true);
  }
});
