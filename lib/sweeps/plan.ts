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
  _checkLockbox(file, sweep, trials);
  if (sweep.walk_forward) walkForwardGap(sweep, trials, file);
  const id = `${sweep.name}-${hashId(trials.map((t) => t.id)).slice(0, 8)}`;
  return { id, file, config: sweep, trials, duplicates };
}

/** The walk-forward optimisation's gap: the one asked for, and the least every trial needs. */
export interface WalkForwardGap {
  gap: number;
  /** Largest label horizon + `validation.embargo` over the trials (bars). */
  minGap: number;
}

/**
 * Checks that the trials can serve as their own outer folds and resolves the gap (issue #14, ADR-031):
 * every trial validates walk-forward (a purged k-fold test fold is predicted by a model trained on later
 * bars, so its returns cannot stand for an inner fold), the trials' test folds are cut alike (no swept
 * `validation.folds`, `train`, `test` or `step`), `walk_forward.folds`, when given, is that fold count, and
 * the gap is at least every trial's label horizon + embargo (default: exactly that).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSweep, walkForwardGap } from "./plan.ts";
 * const plan = await planSweep("configs/sweeps/btc_spot_grid.yaml");
 * assert.deepEqual(walkForwardGap({ ...plan.config, walk_forward: {} }, plan.trials), { gap: 8, minGap: 8 });
 * assert.throws(() => walkForwardGap({ ...plan.config, walk_forward: { gap: 5 } }, plan.trials), /minimum 8/);
 * ```
 */
export function walkForwardGap(
  sweep: Pick<SweepConfig, "walk_forward">,
  trials: readonly Trial[],
  file = "the sweep",
): WalkForwardGap {
  const wf = sweep.walk_forward ?? {};
  const what = `Cannot plan ${file}: walk_forward`;
  let minGap = 0;
  const cut = (t: Trial) => {
    const v = t.config.validation;
    return JSON.stringify([v.scheme, v.train, v.test, v.step, v.train === undefined ? v.folds : null]);
  };
  for (const t of trials) {
    const v = t.config.validation;
    const where = `trial ${t.index} (${JSON.stringify(t.assignment)})`;
    if (v.scheme !== "walk_forward") {
      throw new CandlelabError(
        `${what} needs walk-forward trials: ${where} validates with scheme ${v.scheme}, whose test folds are ` +
          `predicted by models trained on later bars too; set validation.scheme: walk_forward or drop walk_forward`,
      );
    }
    if (cut(t) !== cut(trials[0])) {
      throw new CandlelabError(
        `${what} uses the trials' own test folds as its outer folds, so every trial needs the same ones: ` +
          `${where} has validation ${JSON.stringify(v)}, trial 0 ${
            JSON.stringify(trials[0].config.validation)
          }; keep validation.folds/train/test/step out of the search`,
      );
    }
    minGap = Math.max(minGap, t.config.label.horizon + (v.embargo ?? 0));
  }
  const v0 = trials[0]?.config.validation;
  if (wf.folds !== undefined && v0 && (v0.train !== undefined || wf.folds !== v0.folds)) {
    throw new CandlelabError(
      `${what}.folds is ${wf.folds}, but the outer folds are the trials' own walk-forward test folds (${
        v0.train !== undefined
          ? `time-based: train ${v0.train}, test ${v0.test}`
          : `validation.folds ${v0.folds}`
      }); drop walk_forward.folds or set validation.folds in the base config`,
    );
  }
  if (wf.gap !== undefined && wf.gap < minGap) {
    throw new CandlelabError(
      `${what}.gap ${wf.gap} is below the minimum ${minGap} (the largest label horizon + validation.embargo ` +
        `over the trials): a choice period must end at least as far before its test fold as a label reaches plus the embargo; set gap >= ${minGap} ` +
        `or leave it out`,
    );
  }
  return { gap: wf.gap ?? minGap, minGap };
}

/**
 * A base config whose lockbox is the last part of the loaded data (`holdout.last`) moves with the data's
 * end: a sweep over `data.range` or `data.paths` would let some trials develop on others' lockbox bars.
 */
function _checkLockbox(file: string, sweep: SweepConfig, trials: readonly Trial[]): void {
  const holdout = trials[0]?.config.holdout;
  if (!holdout || holdout.last === undefined) return;
  const moved = [...Object.keys(sweep.fixed), ...Object.keys(sweep.search.space)]
    .filter((k) => /^data\.(range|paths)(\.|$)/.test(k));
  if (moved.length > 0) {
    throw new CandlelabError(
      `Cannot plan ${file}: a sweep cannot move the hold-out: the base config's holdout.last ${holdout.last} ` +
        `is measured from the end of the loaded data, and ${moved.join(", ")} changes that data; ` +
        `give the base config holdout.start (a date) or keep data.range/data.paths out of the sweep`,
    );
  }
}
