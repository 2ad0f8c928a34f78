/**
 * The quality gate: each source file of the development dataset is checked (its recorded metadata, its hard
 * findings); the first file that fails stops the run.
 *
 * @module
 */
import { checkFile } from "../../data/mod.ts";
import type { Dataset } from "../../data/dataset.ts";
import { fileOverrides } from "../../data/config.ts";
import { CandlelabError } from "../../util/errors.ts";
import type { ExperimentConfig } from "../config.ts";

/** One checked file. */
export interface QualityCheck {
  file: string;
  ok: boolean;
  hashMatches: boolean | null;
}

/** The file that failed the gate: its problems (metadata) and its hard findings. */
export interface QualityFailure {
  file: string;
  problems: string[];
  hard: string[];
}

/** The files checked, in order, up to and including the first that failed (then `refusal` says why). */
export interface QualityResult {
  checked: QualityCheck[];
  /** What failed (`evaluate` words its own refusal from it). */
  failed?: QualityFailure;
  refusal?: CandlelabError;
}

/**
 * Checks the `sources` in order and stops at the first failure; `data` is the config's data section with
 * resolved paths (column-name overrides per file), `check` a replacement for the file check (a sweep worker
 * passes a memoised one).
 *
 * @example
 * ```ts ignore
 * const r = await qualityStage(cfg, cfg.data, ds.sources);
 * if (r.refusal) throw r.refusal;
 * ```
 */
export async function qualityStage(
  cfg: ExperimentConfig,
  data: ExperimentConfig["data"],
  sources: Dataset["sources"],
  check: typeof checkFile = checkFile,
): Promise<QualityResult> {
  const checked: QualityCheck[] = [];
  for (const s of sources) {
    const overrides = fileOverrides(data, s.path, s.kind ?? "ohlcv"); // issue #13: names off the convention
    const r = await check(s.path, { overrides });
    checked.push({ file: s.path, ok: r.ok, hashMatches: r.hashMatches ?? null });
    const hard = r.current.quality.findings.filter((f) => f.severity === "hard").map((f) => f.message);
    const failed = { file: s.path, problems: r.problems, hard };
    if (r.hashMatches === false && cfg.guard.requireMetadataMatch) {
      const refusal = new CandlelabError(
        `Cannot run ${cfg.name}: quality gate failed: ${r.problems.join("; ")}`,
      );
      return { checked, failed, refusal };
    }
    if (hard.length > 0) {
      const refusal = new CandlelabError(
        `Cannot run ${cfg.name}: quality gate failed for ${s.path}: ${hard.join("; ")}`,
      );
      return { checked, failed, refusal };
    }
  }
  return { checked };
}
