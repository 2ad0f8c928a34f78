/**
 * What must hold in a project folder after crashes or concurrent runs: every artifact complete or
 * absent, the registry index equal to the JSON files, SQLite files intact, every run's model registered.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { parseMetadata, reindex } from "../../lib/registry/index_db.ts";
import { loadRegisteredModel } from "../../lib/registry/store.ts";
import { RunRecordSchema } from "../../lib/experiments/run_record.ts";
import { sha256 } from "../../lib/util/hash.ts";

/** Result of {@link checkProjectIntegrity}. */
export interface IntegrityReport {
  /** Artifacts that were read and validated. */
  checked: number;
  /** Leftover temp files (never read as artifacts). */
  tempFiles: string[];
  /** Broken things; empty when all is well. */
  problems: string[];
  /** Model ids registered. */
  models: string[];
  /** run.json records by status. */
  runs: Record<string, number>;
}

async function _list(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name).sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

function _isTemp(name: string): boolean {
  return name.endsWith(".tmp") || name.startsWith(".");
}

function _integrity(file: string): string {
  const db = new DatabaseSync(file);
  try {
    const row = db.prepare("PRAGMA integrity_check").get() as Record<string, unknown>;
    return String(Object.values(row)[0]);
  } finally {
    db.close();
  }
}

/**
 * Checks the default layout under `root` (models/, data/cache/features/, experiments/).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkProjectIntegrity } from "./_invariants.ts";
 * const r = await checkProjectIntegrity(await Deno.makeTempDir());
 * assert(r.problems.length === 0 && r.checked === 0);
 * ```
 */
export async function checkProjectIntegrity(root: string): Promise<IntegrityReport> {
  const problems: string[] = [];
  const tempFiles: string[] = [];
  let checked = 0;
  const reg = `${root}/models`;
  const metaFiles = await _list(`${reg}/metadata`);
  const ids: string[] = [];
  for (const f of metaFiles) {
    if (_isTemp(f)) {
      tempFiles.push(`models/metadata/${f}`);
      continue;
    }
    try {
      const m = parseMetadata(await Deno.readTextFile(`${reg}/metadata/${f}`), f);
      await loadRegisteredModel(reg, m.id);
      ids.push(m.id);
      checked++;
    } catch (err) {
      problems.push(`models/metadata/${f}: ${(err as Error).message}`);
    }
  }
  for (const f of await _list(`${reg}/trained`)) {
    if (_isTemp(f)) {
      tempFiles.push(`models/trained/${f}`);
      continue;
    }
    try {
      JSON.parse(await Deno.readTextFile(`${reg}/trained/${f}`));
      checked++;
    } catch (err) {
      problems.push(`models/trained/${f}: ${(err as Error).message}`);
    }
  }
  if (metaFiles.length > 0 || (await _list(reg)).includes("index.sqlite")) {
    const indexed = _indexedIds(`${reg}/index.sqlite`);
    const r = await reindex(reg);
    const reindexed = _indexedIds(`${reg}/index.sqlite`) ?? [];
    if (r.problems.length) problems.push(`registry reindex problems: ${JSON.stringify(r.problems)}`);
    if (JSON.stringify(reindexed) !== JSON.stringify([...ids].sort())) {
      problems.push(
        `registry index ${JSON.stringify(reindexed)} != metadata files ${JSON.stringify(ids.sort())}`,
      );
    }
    if (indexed && JSON.stringify(indexed) !== JSON.stringify(reindexed)) {
      // the index is a cache refreshed on open; a stale index is repaired by reindex, not a loss
      if (indexed.some((id) => !reindexed.includes(id))) {
        problems.push(
          `registry index listed models without files: ${indexed.filter((i) => !reindexed.includes(i))}`,
        );
      }
    }
    const ok = _integrity(`${reg}/index.sqlite`);
    if (ok !== "ok") problems.push(`models/index.sqlite integrity_check: ${ok}`);
  }
  const cache = `${root}/data/cache/features`;
  const cacheFiles = await _list(cache);
  for (const f of cacheFiles) {
    if (_isTemp(f)) {
      tempFiles.push(`data/cache/features/${f}`);
      continue;
    }
    if (!f.endsWith(".json")) continue;
    try {
      const side = JSON.parse(await Deno.readTextFile(`${cache}/${f}`));
      const arrow = `${f.slice(0, -5)}.arrow`;
      const bytes = await Deno.readFile(`${cache}/${arrow}`);
      if (sha256(bytes) !== side.sha256) {
        problems.push(`data/cache/features/${arrow}: hash differs from its sidecar`);
      }
      checked++;
    } catch (err) {
      problems.push(`data/cache/features/${f}: ${(err as Error).message}`);
    }
  }
  const runs: Record<string, number> = {};
  const runDirs = await Array.fromAsync(Deno.readDir(`${root}/experiments/runs`)).catch(() => []);
  for (const d of runDirs) {
    if (!d.isDirectory) continue;
    const dir = `${root}/experiments/runs/${d.name}`;
    for (const f of await _list(dir)) {
      if (_isTemp(f)) tempFiles.push(`experiments/runs/${d.name}/${f}`);
    }
    try {
      const rec = RunRecordSchema.parse(JSON.parse(await Deno.readTextFile(`${dir}/run.json`)));
      runs[rec.status] = (runs[rec.status] ?? 0) + 1;
      if (rec.status === "ok" && rec.model_id && !ids.includes(rec.model_id)) {
        problems.push(`run ${d.name} names model ${rec.model_id}, which is not in the registry`);
      }
      checked++;
      try {
        const bt = await Deno.readTextFile(`${dir}/backtest.json`);
        JSON.parse(bt);
        checked++;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) {
          problems.push(`${dir}/backtest.json: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // killed before the first record was written
      problems.push(`experiments/runs/${d.name}/run.json: ${(err as Error).message}`);
    }
  }
  try {
    await Deno.stat(`${root}/experiments/state.sqlite`);
    const ok = _integrity(`${root}/experiments/state.sqlite`);
    if (ok !== "ok") problems.push(`experiments/state.sqlite integrity_check: ${ok}`);
    checked++;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return { checked, tempFiles, problems, models: ids.sort(), runs };
}

function _indexedIds(file: string): string[] | undefined {
  try {
    const db = new DatabaseSync(file);
    try {
      return (db.prepare("SELECT id FROM models ORDER BY id").all() as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}
