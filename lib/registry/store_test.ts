import assert from "node:assert/strict";
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { sha256File } from "../util/hash.ts";
import { fakeModel, recordInput } from "./_fixtures.ts";
import { modelId } from "./metadata.ts";
import {
  artifactPath,
  loadRegisteredModel,
  modelMetadataPath,
  readModelMetadata,
  saveModel,
} from "./store.ts";

Deno.test("modelId() is the same for the same inputs and changes with any training input", () => {
  const m = fakeModel();
  const base = modelId(recordInput(), m);
  assert.deepEqual(
    modelId(recordInput({ created: "2030-05-05T00:00:00.000Z", metrics: { macro_f1: 0.9 } }), m),
    base,
  );
  assert.deepEqual(modelId(recordInput({ parent: "0123456789abcdef" }), m), base);
  const ds = [{ path: "elsewhere/x.parquet", sha256: "ab".repeat(32) }];
  assert.deepEqual(modelId(recordInput({ datasets: ds }), m), base, "dataset paths are not part of the id");
  for (
    const changed of [
      recordInput({ seed: 1 }),
      recordInput({ asset: "XRP" }),
      recordInput({ label: { kind: "vol_band", horizon: 16, k: 0.5 } }),
      recordInput({ datasets: [{ path: "data/raw/btc_spot_1h.parquet", sha256: "cd".repeat(32) }] }),
      recordInput({
        code: { commit: "e353377ee199c8b51d035b01c1865303db07bb83", dirty: true, diffSha256: "x" },
      }),
      recordInput({ training: { start: Date.UTC(2020, 0, 1), end: Date.UTC(2024, 0, 1), rows: 35000 } }),
    ]
  ) assert.deepEqual(modelId(changed, m) === base, false);
  assert.deepEqual(modelId(recordInput(), fakeModel({ trees: 11 })) === base, false);
});

Deno.test("saveModel() writes artifact and metadata; the recorded hash is the artifact file's", async () => {
  const root = await Deno.makeTempDir();
  const meta = await saveModel(root, fakeModel(), recordInput());
  assert.deepEqual(meta.artifact.sha256, await sha256File(artifactPath(root, meta.id)));
  assert.deepEqual(await readModelMetadata(root, meta.id), meta);
  const { model } = await loadRegisteredModel(root, meta.id);
  assert.deepEqual(model, fakeModel());
  assert.deepEqual(meta.created, "2026-01-01T00:00:00.000Z");
});

Deno.test("saveModel() of an existing id with the same artifact is a no-op", async () => {
  const root = await Deno.makeTempDir();
  const a = await saveModel(root, fakeModel(), recordInput());
  const before = await Deno.readTextFile(modelMetadataPath(root, a.id));
  const b = await saveModel(root, fakeModel(), recordInput({ created: "2027-01-01T00:00:00.000Z" }));
  assert.deepEqual(b, a);
  assert.deepEqual(await Deno.readTextFile(modelMetadataPath(root, a.id)), before);
});

Deno.test("saveModel() refuses the same inputs giving a different model (nondeterminism)", async () => {
  const root = await Deno.makeTempDir();
  await saveModel(root, fakeModel({ trees: 10 }, [1]), recordInput());
  await assert.rejects(
    () => saveModel(root, fakeModel({ trees: 10 }, [2]), recordInput()),
    (e) =>
      e instanceof CandlelabError &&
      e.message.includes("the same training inputs already produced a different model"),
  );
});

Deno.test("loadRegisteredModel() refuses an artifact with one byte edited", async () => {
  const root = await Deno.makeTempDir();
  const meta = await saveModel(root, fakeModel(), recordInput());
  const file = artifactPath(root, meta.id);
  const bytes = await Deno.readFile(file);
  bytes[bytes.length - 3] ^= 1;
  await Deno.writeFile(file, bytes);
  await assert.rejects(
    () => loadRegisteredModel(root, meta.id),
    (e) => e instanceof CandlelabError && e.message.includes(`Cannot load model ${meta.id}: artifact`),
  );
  await assert.rejects(
    () => loadRegisteredModel(root, meta.id),
    (e) => e instanceof CandlelabError && e.message.includes("corrupted or edited"),
  );
});

Deno.test("saveModel() refuses invalid metadata and non-finite numbers in the model", async () => {
  const root = await Deno.makeTempDir();
  await assert.rejects(
    () => saveModel(root, fakeModel(), recordInput({ market: "futures" as "spot" })),
    (e) => e instanceof CandlelabError && e.message.includes("market"),
  );
  await assert.rejects(
    () => saveModel(root, fakeModel({}, [NaN]), recordInput()),
    (e) => e instanceof CandlelabError && e.message.includes("non-finite"),
  );
  assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name).filter((n) => n !== "index.sqlite"), []);
});

Deno.test("readModelMetadata() explains a bad id and a missing model", async () => {
  const root = await Deno.makeTempDir();
  await assert.rejects(
    () => readModelMetadata(root, "../etc/passwd"),
    (e) => e instanceof CandlelabError && e.message.includes("16 lowercase hex digits"),
  );
  await assert.rejects(
    () => readModelMetadata(root, "0123456789abcdef"),
    (e) => e instanceof CandlelabError && e.message.includes("No model 0123456789abcdef"),
  );
  await Deno.mkdir(join(root, "metadata"));
  await Deno.writeTextFile(modelMetadataPath(root, "0123456789abcdef"), "{ not json");
  await assert.rejects(
    () => readModelMetadata(root, "0123456789abcdef"),
    (e) => e instanceof CandlelabError && e.message.includes("not valid JSON"),
  );
});
