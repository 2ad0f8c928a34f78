/**
 * Where a run's code came from: Deno and library versions, selected environment variables (the git commit
 * and dirty flag come from the one `codeVersion`, lib/registry/git.ts). Everything degrades to omitted when
 * a permission is missing.
 *
 * @module
 */
import { join } from "node:path";
import { scrubSecrets } from "./scrub.ts";

/** Libraries whose versions are recorded by default (read from `node_modules/<pkg>/package.json`). */
export const RECORDED_LIBRARIES = [
  "arquero",
  "@duckdb/node-api",
  "@duckdb/duckdb-wasm",
  "zod",
  "yaml",
  "apache-arrow",
  "hyparquet",
  "ml-random-forest",
  "@observablehq/plot",
] as const;

function _granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Versions of `libraries` installed under `<projectRoot>/node_modules`; a missing or unreadable one
 * is left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { libraryVersions } from "./provenance.ts";
 * const v = await libraryVersions(".", ["zod", "no-such-package"]);
 * assert(typeof v.zod === "string" && !("no-such-package" in v));
 * ```
 */
export async function libraryVersions(
  projectRoot: string,
  libraries: readonly string[] = RECORDED_LIBRARIES,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const lib of libraries) {
    try {
      const pkg = JSON.parse(await Deno.readTextFile(join(projectRoot, "node_modules", lib, "package.json")));
      if (typeof pkg.version === "string") out[lib] = pkg.version;
    } catch {
      // not installed or not readable: leave it out
    }
  }
  return out;
}

/** Prefixes of environment variables recorded in run.json (values scrubbed). */
export const RECORDED_ENV_PREFIXES = ["CANDLELAB_", "DENO_"] as const;

/**
 * The environment variables worth recording (CANDLELAB_*, DENO_*, TZ) from `env`, with secrets
 * scrubbed. Pass `Deno.env.toObject()`; without --allow-env pass `{}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { recordedEnv } from "./provenance.ts";
 * const e = recordedEnv({ CANDLELAB_MODE: "x", DENO_AUTH_TOKENS: "t@h", HOME: "/root" });
 * assert(e.CANDLELAB_MODE === "x" && e.DENO_AUTH_TOKENS === "[scrubbed]" && !("HOME" in e));
 * ```
 */
export function recordedEnv(env: Record<string, string>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k === "TZ" || RECORDED_ENV_PREFIXES.some((p) => k.startsWith(p))) picked[k] = v;
  }
  return scrubSecrets(picked) as Record<string, string>;
}

/**
 * `Deno.env.toObject()` when permitted, else `{}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readEnvIfPermitted } from "./provenance.ts";
 * assert(typeof readEnvIfPermitted() === "object");
 * ```
 */
export function readEnvIfPermitted(): Record<string, string> {
  if (!_granted({ name: "env" })) return {};
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}
