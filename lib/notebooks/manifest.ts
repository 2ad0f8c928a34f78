/**
 * The manifest of one notebook run (`manifest.json` in the run folder, embedded in the HTML).
 *
 * @module
 */
import { codeVersion } from "../registry/git.ts";
import { hashId } from "../util/hash.ts";

/** The manifest of a notebook run. */
export interface NotebookRunManifest {
  kind: "candlelab.notebook-run";
  version: 1;
  runId: string;
  /** Notebook path relative to the project root. */
  notebook: string;
  notebookSha256: string;
  /** Effective parameters: the parameters cell's defaults overlaid with the overrides. */
  parameters: Record<string, unknown>;
  /** The `-p` overrides only. */
  overrides: Record<string, unknown>;
  status: "running" | "ok" | "failed";
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  error?: {
    message: string;
    cellIndex?: number | null;
    cellFirstLine?: string;
    ename?: string;
    evalue?: string;
  };
  kernel: string;
  denoVersion: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  artifacts: { notebook?: string; html?: string };
  /**
   * The experiment run this notebook run belongs to: the last one it recorded, or, for a report notebook
   * with a `strategy` parameter, the newest ok run of that strategy when it started (the run it shows).
   */
  experimentRun?: string;
  /** Every experiment run recorded while this notebook ran, in start order. */
  experimentRuns?: string[];
}

/**
 * Compact UTC time `YYYYMMDDTHHMMSSZ`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compactUtcTime } from "./manifest.ts";
 * assert(compactUtcTime(Date.UTC(2026, 10, 24, 10, 15, 0)) === "20261124T101500Z");
 * ```
 */
export function compactUtcTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/**
 * Run id = UTC start time + the first 8 hex digits of a hash of the notebook's bytes and the parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { notebookRunId } from "./manifest.ts";
 * const id = notebookRunId(Date.UTC(2026, 0, 1), "ab12", { n: 1 });
 * assert(/^20260101T000000Z-[0-9a-f]{8}$/.test(id));
 * assert(id !== notebookRunId(Date.UTC(2026, 0, 1), "ab12", { n: 2 }));
 * ```
 */
export function notebookRunId(
  startMs: number,
  notebookSha256: string,
  parameters: Record<string, unknown>,
): string {
  return `${compactUtcTime(startMs)}-${hashId({ notebookSha256, parameters }, 8)}`;
}

/**
 * The git commit of `cwd` and whether the tree has uncommitted changes: `codeVersion`'s (lib/registry/git.ts,
 * the one git reader, so a notebook run and a model agree on `dirty`). Null when git is unavailable; the
 * commit is then `CANDLELAB_GIT_COMMIT` if that is set.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gitState } from "./manifest.ts";
 * const g = await gitState(await Deno.makeTempDir());
 * assert(g.commit === null);
 * ```
 */
export async function gitState(cwd: string): Promise<{ commit: string | null; dirty: boolean | null }> {
  const { commit, dirty } = await codeVersion({ cwd });
  return { commit, dirty };
}
