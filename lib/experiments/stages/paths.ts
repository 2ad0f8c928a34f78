/**
 * Where an experiment reads and writes: the config's relative paths resolved against the project root, and
 * the run folder and registry against the output root (a sweep worker's scratch folder, ADR-031).
 *
 * @module
 */
import { join } from "node:path";
import type { ExperimentConfig } from "../config.ts";

/** The resolved paths of one experiment. */
export interface RunPaths {
  /** The config's data section with its file paths resolved. */
  data: ExperimentConfig["data"];
  /** The feature set file (a name means `configs/features/<name>.yaml`). */
  featureFile: string;
  /** Run folders and the model registry (under the output root). */
  runs: string;
  registry: string;
  /** Feature cache, SQLite state, hold-out ledger (under the project root). */
  cache: string;
  state: string;
  ledger: string;
  /** The project root (its git commit is recorded). */
  code: string;
}

/**
 * Resolves the config's paths; absolute paths are kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { runPaths } from "./paths.ts";
 * import type { ExperimentConfig } from "../config.ts";
 * const cfg = {
 *   data: { market: "spot", paths: { ohlcv: "data/raw/btc.parquet" } },
 *   features: "core",
 *   output: { runs: "experiments/runs", registry: "models", cache: "data/cache", state: "s.sqlite", holdout_ledger: "/tmp/h.sqlite" },
 * } as unknown as ExperimentConfig;
 * const p = runPaths(cfg, "/repo", "/scratch");
 * assert.equal(p.featureFile, "/repo/configs/features/core.yaml");
 * assert.equal(p.registry, "/scratch/models");
 * assert.equal(p.ledger, "/tmp/h.sqlite");
 * ```
 */
export function runPaths(cfg: ExperimentConfig, projectRoot: string, outputRoot?: string): RunPaths {
  const at = _under(projectRoot);
  const out = outputRoot === undefined ? at : _under(outputRoot);
  const paths: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.data.paths)) if (typeof v === "string") paths[k] = at(v);
  return {
    data: { ...cfg.data, paths } as ExperimentConfig["data"],
    featureFile: /\.ya?ml$/.test(cfg.features)
      ? at(cfg.features)
      : at(`configs/features/${cfg.features}.yaml`),
    runs: out(cfg.output.runs),
    registry: out(cfg.output.registry),
    cache: at(cfg.output.cache),
    state: at(cfg.output.state),
    ledger: at(cfg.output.holdout_ledger),
    code: at("."),
  };
}

function _under(root: string): (p: string) => string {
  return (p) => (p.startsWith("/") ? p : join(root, p));
}
