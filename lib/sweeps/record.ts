/**
 * The sweep process's side: it is the only writer of experiments/ and models/. A trial's outcome (from a
 * local pool process or a queue worker) is recorded by importing the model's artifact and metadata into the
 * registry (bytes as trained; the SQLite index refreshed) and then the run folder, tagged with the sweep,
 * written under a hidden name and renamed into place — the rename is the commit, so a killed sweep never
 * leaves half a trial, and a trial is found done only when its run.json says ok.
 *
 * @module
 */
import { join } from "node:path";
import { openIndex } from "../registry/mod.ts";
import { parseRunRecord, type RunRecord } from "../experiments/run_record.ts";
import { listRuns } from "../experiments/list.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { CandlelabError } from "../util/errors.ts";
import { sha256 } from "../util/hash.ts";
import type { TrialOutcome } from "./trial.ts";

/** Where a recorded trial went. */
export interface RecordedTrial {
  trialId: string;
  runId: string | null;
  runDir: string | null;
  status: "ok" | "failed";
  error: string | null;
}

/** Folders the sweep process writes (resolved; from the trials' `output` config). */
export interface RecordRoots {
  runs: string;
  registry: string;
}

/**
 * Records one outcome; returns where it went. An outcome without a run (the experiment failed before its
 * run folder existed) is returned as failed without writing anything.
 *
 * @example
 * ```ts ignore
 * const rec = await recordTrial(outcome, { runs: "experiments/runs", registry: "models" });
 * ```
 */
export async function recordTrial(outcome: TrialOutcome, roots: RecordRoots): Promise<RecordedTrial> {
  const base = { trialId: outcome.trialId, status: outcome.status, error: outcome.error };
  if (!outcome.files || !outcome.runId) return { ...base, runId: null, runDir: null };
  if (outcome.model) await importModel(roots.registry, outcome.model);
  const rec = parseRunRecord(JSON.parse(outcome.files.run), `run.json of trial ${outcome.trialId}`);
  const tagged: RunRecord = { ...rec, sweep: { id: outcome.sweepId, trial: outcome.trialId } };
  const dir = join(roots.runs, outcome.runId);
  const exists = await Deno.stat(dir).then(() => true, () => false);
  if (!exists) {
    await Deno.mkdir(roots.runs, { recursive: true });
    const tmp = join(roots.runs, `.${outcome.runId}.tmp-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(tmp);
    try {
      await writeJsonAtomic(join(tmp, "run.json"), tagged);
      await writeFileAtomic(join(tmp, "log.jsonl"), outcome.files.log);
      if (outcome.files.backtest !== null) {
        await writeFileAtomic(join(tmp, "backtest.json"), outcome.files.backtest);
      }
      await Deno.rename(tmp, dir);
    } catch (err) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw new CandlelabError(
        `Cannot record trial ${outcome.trialId} as run ${outcome.runId} in ${roots.runs}: ${
          (err as Error).message
        }; check that the folder is writable and rerun the sweep (done trials are skipped)`,
        { cause: err },
      );
    }
  }
  return { ...base, runId: outcome.runId, runDir: dir };
}

/**
 * Copies a model trained elsewhere into the registry: the artifact and metadata files as they were written
 * by `saveModel`, then the index refresh. A model id already present with different artifact bytes is an
 * error (training was not deterministic); the same bytes are a no-op.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saveModel } from "../registry/mod.ts";
 * import { importModel } from "./record.ts";
 * const a = await Deno.makeTempDir(), b = await Deno.makeTempDir();
 * const meta = await saveModel(a, { kind: "k", formatVersion: 1, params: { x: 1 } }, {
 *   strategy: "s", asset: "BTC", market: "spot", interval: "1h", features: { set: "f", hash: "h" },
 *   label: { horizon: 1 }, training: { start: 0, end: 1, rows: 2 },
 *   datasets: [{ path: "data/raw/x.parquet", sha256: "a".repeat(64) }],
 *   code: { commit: null, dirty: null, diffSha256: null }, seed: 0, metrics: {},
 * });
 * const read = (p: string) => Deno.readTextFile(`${a}/${p}/${meta.id}.json`);
 * await importModel(b, { id: meta.id, artifact: await read("trained"), metadata: await read("metadata") });
 * assert.equal(await Deno.readTextFile(`${b}/trained/${meta.id}.json`), await read("trained"));
 * ```
 */
export async function importModel(
  registry: string,
  model: { id: string; artifact: string; metadata: string },
): Promise<void> {
  if (!/^[0-9a-f]{16}$/.test(model.id)) {
    throw new CandlelabError(`Cannot import model "${model.id}": not a registry id (16 hex digits)`);
  }
  const metaFile = join(registry, "metadata", `${model.id}.json`);
  const artFile = join(registry, "trained", `${model.id}.json`);
  const meta = JSON.parse(model.metadata) as { artifact?: { sha256?: string } };
  const artSha = sha256(model.artifact);
  if (meta.artifact?.sha256 !== artSha) {
    throw new CandlelabError(
      `Cannot import model ${model.id}: its artifact's SHA-256 ${artSha} differs from its metadata's ${meta.artifact?.sha256}; the worker's result was corrupted in transit — rerun the trial`,
    );
  }
  const old = await Deno.readTextFile(metaFile).catch(() => null);
  if (old !== null) {
    const oldSha = (JSON.parse(old) as { artifact?: { sha256?: string } }).artifact?.sha256;
    if (oldSha !== artSha) {
      throw new CandlelabError(
        `Cannot import model ${model.id}: the registry already holds a different artifact for it (sha256 ${oldSha}, new ${artSha}); training is not deterministic — check the seed`,
      );
    }
    const stored = await Deno.readTextFile(artFile).catch(() => null);
    if (stored !== null && sha256(stored) === artSha) return;
  }
  await writeFileAtomic(artFile, model.artifact);
  if (old === null) await writeFileAtomic(metaFile, model.metadata);
  const { db } = await openIndex(registry);
  db.close();
}

/**
 * The runs under `runsRoot` tagged with a trial id (any sweep), newest last; a trial counts as done when one
 * of its runs is ok.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trialRuns } from "./record.ts";
 * assert.equal((await trialRuns(await Deno.makeTempDir())).size, 0);
 * ```
 */
export async function trialRuns(runsRoot: string): Promise<Map<string, RunRecord[]>> {
  const out = new Map<string, RunRecord[]>();
  for (const r of (await listRuns(runsRoot)).runs) {
    if (!r.sweep) continue;
    const list = out.get(r.sweep.trial) ?? [];
    list.push(r);
    out.set(r.sweep.trial, list);
  }
  return out;
}
