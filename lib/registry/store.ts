/**
 * Saving and loading models: artifacts in `<root>/trained/<id>.json`, metadata in
 * `<root>/metadata/<id>.json` (the truth), both written atomically, artifact first, so a metadata file
 * always points at a complete artifact. Then the SQLite index is updated (see `index_db.ts`).
 *
 * Saving an id that already exists is a no-op if the new artifact's SHA-256 equals the stored one;
 * otherwise it fails: the same inputs produced a different model (nondeterminism).
 *
 * @module
 */
import { join } from "node:path";
import type { ModelJSON } from "../models/estimator.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { CandlelabError } from "../util/errors.ts";
import { canonicalJson, sha256 } from "../util/hash.ts";
import { openIndex, parseMetadata, upsertMetadata } from "./index_db.ts";
import {
  METADATA_VERSION,
  modelId,
  type ModelMetadata,
  type ModelRecordInput,
  ModelRecordInputSchema,
} from "./metadata.ts";

/** Default registry root, relative to the project folder. */
export const DEFAULT_REGISTRY_ROOT = "models";

const _ID = /^[0-9a-f]{16}$/;

function _checkId(id: string): void {
  if (!_ID.test(id)) {
    throw new CandlelabError(
      `Cannot find model "${id}": a model id is 16 lowercase hex digits; list ids with \`deno task registry:list\``,
    );
  }
}

/**
 * Path of a model's metadata file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { modelMetadataPath } from "./store.ts";
 * assert(modelMetadataPath("models", "0123456789abcdef") === "models/metadata/0123456789abcdef.json");
 * ```
 */
export function modelMetadataPath(root: string, id: string): string {
  return join(root, "metadata", `${id}.json`);
}

/**
 * Path of a model's artifact file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { artifactPath } from "./store.ts";
 * assert(artifactPath("models", "0123456789abcdef") === "models/trained/0123456789abcdef.json");
 * ```
 */
export function artifactPath(root: string, id: string): string {
  return join(root, "trained", `${id}.json`);
}

function _artifactBytes(model: ModelJSON): Uint8Array {
  let text: string;
  try {
    text = canonicalJson(model);
  } catch (err) {
    throw new CandlelabError(
      `Cannot save model "${model.kind}": its toJSON() output is not canonical JSON (${
        (err as Error).message
      }); ` +
        `encode non-finite numbers explicitly (e.g. as null or a string) in toJSON()`,
    );
  }
  return new TextEncoder().encode(text + "\n");
}

/**
 * Saves a fitted model's JSON with its metadata and returns the metadata (with its id).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { saveModel, loadRegisteredModel } from "./store.ts";
 * const root = await Deno.makeTempDir();
 * const meta = await saveModel(root, { kind: "k", formatVersion: 1, params: { a: 1 } }, {
 *   strategy: "demo", asset: "BTC", market: "spot", interval: "1h",
 *   features: { set: "basic", hash: "f1" }, label: { horizon: 4 }, training: { start: 0, end: 3600000, rows: 2 },
 *   datasets: [{ path: "data/raw/x.parquet", sha256: "a".repeat(64) }],
 *   code: { commit: null, dirty: null, diffSha256: null }, seed: 0, metrics: { macro_f1: 0.4 },
 * });
 * assert((await loadRegisteredModel(root, meta.id)).model.params.a === 1);
 * ```
 */
export async function saveModel(
  root: string,
  model: ModelJSON,
  input: ModelRecordInput,
): Promise<ModelMetadata> {
  const parsed = ModelRecordInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new CandlelabError(
      `Cannot save model "${model?.kind}": invalid metadata (${issues}); fix these fields`,
    );
  }
  const rec = parsed.data;
  if (!model || typeof model.kind !== "string" || typeof model.formatVersion !== "number" || !model.params) {
    throw new CandlelabError(
      `Cannot save model: its JSON must have kind, formatVersion and params (got keys ${
        Object.keys(model ?? {})
      }); ` +
        `pass model.toJSON()`,
    );
  }
  const id = modelId(rec, model);
  const bytes = _artifactBytes(model);
  const artifactSha = sha256(bytes);
  const metaFile = modelMetadataPath(root, id);
  const existing = await Deno.readTextFile(metaFile).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  });
  if (existing !== null) {
    const old = parseMetadata(existing, metaFile);
    if (old.artifact.sha256 !== artifactSha) {
      throw new CandlelabError(
        `Cannot save model ${id}: the same training inputs already produced a different model ` +
          `(stored artifact sha256 ${old.artifact.sha256}, new ${artifactSha}); training is not deterministic — ` +
          `check the seed and any unseeded randomness or thread-order effects in the model`,
      );
    }
    // Repair a missing artifact; otherwise nothing to do.
    const stored = await Deno.readFile(artifactPath(root, id)).catch(() => null);
    if (!stored || sha256(stored) !== artifactSha) await writeFileAtomic(artifactPath(root, id), bytes);
    await _index(root, old, metaFile);
    return old;
  }
  const meta: ModelMetadata = {
    metadataVersion: METADATA_VERSION,
    id,
    ...rec,
    created: rec.created ?? new Date().toISOString(),
    model: { kind: model.kind, formatVersion: model.formatVersion, params: model.params },
    artifact: { path: `trained/${id}.json`, sha256: artifactSha, bytes: bytes.length },
  };
  await writeFileAtomic(artifactPath(root, id), bytes);
  await writeJsonAtomic(metaFile, meta);
  await _index(root, meta, metaFile);
  return meta;
}

async function _index(root: string, meta: ModelMetadata, metaFile: string): Promise<void> {
  try {
    await _upsert(root, meta, metaFile);
  } catch (err) {
    throw new CandlelabError(
      `Saved model ${meta.id} to ${metaFile}, but could not update the registry index: ${
        (err as Error).message
      }; ` +
        `the JSON files are complete — run \`deno task registry:reindex\` (or any query) to catch the index up`,
      { cause: err },
    );
  }
}

async function _upsert(root: string, meta: ModelMetadata, metaFile: string): Promise<void> {
  const st = await Deno.stat(metaFile);
  // openIndex refreshes from the files, which already includes this model; upsert again in case the
  // stat raced with another writer of the same id.
  const { db } = await openIndex(root);
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      upsertMetadata(db, meta, st.mtime?.getTime() ?? 0, st.size);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  } finally {
    db.close();
  }
}

/**
 * Reads a model's metadata from its JSON file (the truth, not the index).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readModelMetadata } from "./store.ts";
 * const root = await Deno.makeTempDir();
 * await readModelMetadata(root, "0123456789abcdef").catch((e) => assert(String(e).includes("No model")));
 * ```
 */
export async function readModelMetadata(root: string, id: string): Promise<ModelMetadata> {
  _checkId(id);
  const file = modelMetadataPath(root, id);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new CandlelabError(
        `No model ${id} in registry ${root}: ${file} does not exist; list ids with \`deno task registry:list\``,
      );
    }
    throw err;
  }
  return parseMetadata(text, file);
}

/**
 * Loads a model's JSON and metadata, refusing an artifact whose SHA-256 differs from the recorded one.
 * Rebuild the estimator with the model module's `load(json)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadRegisteredModel } from "./store.ts";
 * const root = await Deno.makeTempDir();
 * await loadRegisteredModel(root, "0123456789abcdef").catch((e) => assert(e.name === "CandlelabError"));
 * ```
 */
export async function loadRegisteredModel(
  root: string,
  id: string,
): Promise<{ metadata: ModelMetadata; model: ModelJSON }> {
  const metadata = await readModelMetadata(root, id);
  const file = join(root, metadata.artifact.path);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (err) {
    throw new CandlelabError(
      `Cannot load model ${id}: its artifact ${file} cannot be read (${(err as Error).message}); ` +
        `retrain it or restore the file from version control`,
    );
  }
  const actual = sha256(bytes);
  if (actual !== metadata.artifact.sha256) {
    throw new CandlelabError(
      `Cannot load model ${id}: artifact ${file} has sha256 ${actual} but the metadata records ` +
        `${metadata.artifact.sha256}; the file was corrupted or edited — restore it from version control or retrain`,
    );
  }
  return { metadata, model: JSON.parse(new TextDecoder().decode(bytes)) as ModelJSON };
}
