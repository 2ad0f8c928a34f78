/**
 * A sweep's plan: the base strategy config with the fixed overrides and each point of the space applied,
 * validated like any strategy config, and the trial ids (a hash of the resolved config, the feature-set
 * file and the dataset files' SHA-256), so the same trial is recognised across reruns and never run twice.
 *
 * @module
 */
import { join } from "node:path";
import { parseYaml, validateConfig } from "../config/load.ts";
import { type ExperimentConfig, ExperimentConfigSchema } from "../experiments/config.ts";
import { applyOverrides, schemaAllowsPath } from "../experiments/overrides.ts";
import { CandlelabError } from "../util/errors.ts";
import { hashId, sha256File } from "../util/hash.ts";
import { loadSweepConfig, type SweepConfig } from "./config.ts";
import { type Assignment, expandSpace } from "./space.ts";

/** A dataset file a trial reads, with the SHA-256 a worker must find in its own copy. */
export interface TrialDataset {
  path: string;
  sha256: string;
}

/** One trial: an ordinary experiment config plus its identity. */
export interface Trial {
  /** Position in the sweep (0-based, after removing duplicates). */
  index: number;
  /** hashId of { config, feature-set file hash, datasets }. */
  id: string;
  assignment: Assignment;
  config: ExperimentConfig;
  datasets: TrialDataset[];
}

/** Everything needed to run and report a sweep. */
export interface SweepPlan {
  /** `<name>-<hash of the trial ids>`: the same file over the same data gives the same id. */
  id: string;
  file: string;
  config: SweepConfig;
  trials: Trial[];
  /** Points of the space that resolved to a trial already in the list (random choices can repeat). */
  duplicates: number;
}

/** Options of {@link planSweep}. */
export interface PlanOptions {
  /** Folder relative paths resolve against (default "."). */
  projectRoot?: string;
  /** SHA-256 of a file (default `sha256File`, memoised per path within the call). */
  hashFile?: (path: string) => Promise<string>;
}

/**
 * Reads a sweep file and resolves every trial; a point that makes an invalid config is an error naming the
 * sweep file, the trial and its settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSweep } from "./plan.ts";
 * const plan = await planSweep("configs/sweeps/btc_spot_grid.yaml");
 * assert(plan.trials.length >= 24);
 * assert.equal(new Set(plan.trials.map((t) => t.id)).size, plan.trials.length);
 * ```
 */
export async function planSweep(file: string, options: PlanOptions = {}): Promise<SweepPlan> {
  const root = options.projectRoot ?? ".";
  const at = (p: string) => (p.startsWith("/") ? p : join(root, p));
  const sweep = await loadSweepConfig(file);
  let text: string;
  try {
    text = await Deno.readTextFile(at(sweep.base));
  } catch (err) {
    throw new CandlelabError(
      `Cannot plan sweep ${file}: cannot read its base config ${sweep.base} (${
        (err as Error).message
      }); base is a path from the project root, e.g. configs/strategies/btc_spot_ema_cross_rsi.yaml`,
    );
  }
  const base = parseYaml(text, sweep.base);
  const memo = new Map<string, Promise<string>>();
  const hash = (p: string) => {
    let h = memo.get(p);
    if (!h) {
      h = (options.hashFile ?? sha256File)(at(p)).catch((err) => {
        throw new CandlelabError(
          `Cannot plan sweep ${file}: cannot hash ${p} (${(err as Error).message}); check the data paths`,
        );
      });
      memo.set(p, h);
    }
    return h;
  };
  const allowNew = schemaAllowsPath(ExperimentConfigSchema);
  const fixed = Object.entries(sweep.fixed).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const trials: Trial[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const [point, assignment] of expandSpace(sweep.search).entries()) {
    const sets = [...fixed, ...Object.entries(assignment).map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
    const where = `${file} point ${point} (${sets.join(" ")})`;
    let config: ExperimentConfig;
    try {
      config = validateConfig(applyOverrides(base, sets, { allowNew }), ExperimentConfigSchema, where);
    } catch (err) {
      if (err instanceof CandlelabError && err.message.includes(where)) throw err;
      throw new CandlelabError(`Cannot plan sweep: ${where}: ${(err as Error).message}`, { cause: err });
    }
    const paths = Object.values(config.data.paths).filter((p): p is string => typeof p === "string");
    const datasets = await Promise.all(paths.map(async (path) => ({ path, sha256: await hash(path) })));
    const featureFile = /\.ya?ml$/.test(config.features)
      ? config.features
      : `configs/features/${config.features}.yaml`;
    const id = hashId({ config, features_sha256: await hash(featureFile), datasets });
    if (seen.has(id)) {
      duplicates++;
      continue;
    }
    seen.add(id);
    trials.push({ index: trials.length, id, assignment, config, datasets });
  }
  const id = `${sweep.name}-${hashId(trials.map((t) => t.id)).slice(0, 8)}`;
  return { id, file, config: sweep, trials, duplicates };
}
