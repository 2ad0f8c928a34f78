/**
 * In-process memos for a sweep worker: each dataset, each file's quality check and each feature table is
 * read once and reused by every later trial in the same process (keys include the files' size and mtime, so
 * a changed file is read again). The returned loaders plug into `runExperiment({ loaders })`.
 *
 * @module
 */
import { checkFile, loadDataset } from "../data/mod.ts";
import { cachedFeatureColumns } from "../features/mod.ts";
import type { ExperimentLoaders } from "../experiments/pipeline.ts";
import { canonicalJson, sha256File } from "../util/hash.ts";

/** Memoised loaders plus a memoised file hash (for the worker's dataset check). */
export interface WorkerMemo {
  loaders: Required<ExperimentLoaders>;
  /** SHA-256 of a file, read again only when its size or mtime changed. */
  sha256(path: string): Promise<string>;
  /** How many loads were served from the memo (for tests and the bench). */
  hits: { dataset: number; quality: number; features: number };
}

/**
 * Creates an empty memo; `maxEntries` bounds each map (oldest dropped first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createWorkerMemo } from "./memo.ts";
 * const m = createWorkerMemo();
 * const f = await Deno.makeTempFile();
 * await Deno.writeTextFile(f, "abc");
 * assert.equal(await m.sha256(f), await m.sha256(f));
 * ```
 */
export function createWorkerMemo(maxEntries = 8): WorkerMemo {
  const datasets = new Map<string, ReturnType<typeof loadDataset>>();
  const checks = new Map<string, ReturnType<typeof checkFile>>();
  const features = new Map<string, ReturnType<typeof cachedFeatureColumns>>();
  const hashes = new Map<string, Promise<string>>();
  const hits = { dataset: 0, quality: 0, features: 0 };
  const stamp = async (path: string) => {
    const s = await Deno.stat(path);
    return `${path}|${s.size}|${s.mtime?.getTime() ?? 0}`;
  };
  const remember = <V>(
    map: Map<string, Promise<V>>,
    key: string,
    make: () => Promise<V>,
    hit: () => void,
  ) => {
    const got = map.get(key);
    if (got) {
      hit();
      return got;
    }
    const p = make();
    // a failed load is not remembered: the next trial tries again and reports its own error
    p.catch(() => map.delete(key));
    map.set(key, p);
    if (map.size > maxEntries) map.delete(map.keys().next().value as string);
    return p;
  };
  const loaders: Required<ExperimentLoaders> = {
    loadDataset: async (cfg) => {
      const paths = Object.values(cfg.paths).filter((p): p is string => typeof p === "string");
      const key = canonicalJson({ cfg, files: await Promise.all(paths.map(stamp)) });
      return remember(datasets, key, () => loadDataset(cfg), () => hits.dataset++);
    },
    checkFile: async (file, options) => {
      const key = canonicalJson({ file: await stamp(file), options: options ?? null });
      return remember(checks, key, () => checkFile(file, options), () => hits.quality++);
    },
    cachedFeatureColumns: (args) => {
      const key = canonicalJson({
        hashes: args.datasetHashes,
        spec: args.set.spec,
        dir: args.dir ?? null,
        market: args.market ?? null,
        timing: args.timing ?? null,
        code: args.codeVersion ?? null,
      });
      return remember(features, key, () => cachedFeatureColumns(args), () => hits.features++);
    },
  };
  return {
    loaders,
    sha256: async (path) => remember(hashes, await stamp(path), () => sha256File(path), () => {}),
    hits,
  };
}
