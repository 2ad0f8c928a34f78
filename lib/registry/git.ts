/**
 * The code version a model was trained with: `git rev-parse HEAD` and whether the tree was dirty.
 * Called by the trainer at save time (it needs `--allow-run=git`); the registry CLI never runs git.
 *
 * @module
 */
import { sha256 } from "../util/hash.ts";

/** Code version recorded with every model; `commit` is null outside a git checkout. */
export interface CodeVersion {
  commit: string | null;
  /** true if tracked or untracked files (outside the excluded output folders) differ from HEAD. */
  dirty: boolean | null;
  /** SHA-256 of `git status --porcelain` + `git diff HEAD` when dirty, so two dirty trees differ. */
  diffSha256: string | null;
  /** Why the commit is unknown, when it is. */
  note?: string;
}

/** Names the commit where there is no git checkout (the Docker image sets it from its build argument). */
export const COMMIT_ENV = "CANDLELAB_GIT_COMMIT";

/**
 * The commit named by `CANDLELAB_GIT_COMMIT` (7 to 64 lowercase hex digits), or null when it is unset, not
 * readable (no --allow-env: never prompts) or not a commit id. Only used when git cannot answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commitFromEnv } from "./git.ts";
 * assert.equal(commitFromEnv(() => "0123abc"), "0123abc");
 * assert.equal(commitFromEnv(() => "not a commit"), null);
 * ```
 */
export function commitFromEnv(get: (name: string) => string | undefined = _envIfGranted): string | null {
  const v = get(COMMIT_ENV)?.trim() ?? "";
  return /^[0-9a-f]{7,64}$/.test(v) ? v : null;
}

function _envIfGranted(name: string): string | undefined {
  try {
    return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
      ? Deno.env.get(name)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Output folders ignored when deciding whether the tree is dirty (saving a model must not change the id). */
export const DEFAULT_OUTPUT_DIRS = ["models", "data", "experiments"];

async function _git(args: string[], cwd?: string): Promise<{ ok: boolean; out: string; err: string }> {
  const res = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { ok: res.success, out: dec.decode(res.stdout), err: dec.decode(res.stderr).trim() };
}

/**
 * Reads the code version of the checkout at `cwd` (default: the current folder). Never throws for a
 * missing git, a missing permission or a folder that is not a repository: it records why instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { codeVersion } from "./git.ts";
 * const dir = await Deno.makeTempDir();
 * const v = await codeVersion({ cwd: dir });
 * assert(v.commit === null && v.note !== undefined);
 * ```
 */
export async function codeVersion(
  opts: { cwd?: string; excludeDirs?: string[] } = {},
): Promise<CodeVersion> {
  const { cwd, excludeDirs = DEFAULT_OUTPUT_DIRS } = opts;
  try {
    // Query first so a terminal never gets a permission prompt (the catch below explains the refusal).
    if (Deno.permissions.querySync({ name: "run", command: "git" }).state !== "granted") {
      throw new Deno.errors.NotCapable("no --allow-run=git");
    }
    const head = await _git(["rev-parse", "HEAD"], cwd);
    if (!head.ok) {
      const fromEnv = commitFromEnv();
      if (fromEnv) return { commit: fromEnv, dirty: null, diffSha256: null, note: `from ${COMMIT_ENV}` };
      return { commit: null, dirty: null, diffSha256: null, note: `not a git checkout: ${head.err}` };
    }
    const exclude = excludeDirs.map((d) => `:(exclude)${d}`);
    const status = await _git(["status", "--porcelain", "--", ".", ...exclude], cwd);
    const dirty = status.out.trim().length > 0;
    let diffSha256: string | null = null;
    if (dirty) {
      const diff = await _git(["diff", "HEAD", "--", ".", ...exclude], cwd);
      diffSha256 = sha256(status.out + "\n" + diff.out);
    }
    return { commit: head.out.trim(), dirty, diffSha256 };
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "git is not installed"
      : err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied
      ? "no permission to run git (add --allow-run=git)"
      : (err as Error).message;
    const fromEnv = commitFromEnv();
    if (fromEnv) {
      return { commit: fromEnv, dirty: null, diffSha256: null, note: `from ${COMMIT_ENV} (${why})` };
    }
    return { commit: null, dirty: null, diffSha256: null, note: why };
  }
}
