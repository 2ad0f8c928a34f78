/**
 * `deno task cache:clear [--older-than 7d] [--dataset <sha-prefix>]`: removes feature-cache entries
 * under data/cache/features (all of them when no filter is given). Prints what it removed as JSON.
 *
 * @module
 */
import { clearFeatureCache, FEATURE_CACHE_DIR } from "../features/cache.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec, UsageError } from "./_cli.ts";

const _UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3_600e3, d: 86_400e3, w: 604_800e3 };

/**
 * Parses an age like `7d`, `12h`, `30m` into ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseAge } from "./cache_clear.ts";
 * assert(parseAge("7d") === 7 * 86_400_000);
 * ```
 */
export function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `Cannot parse --older-than: "${text}" is not an age; use a number and a unit s, m, h, d or w (e.g. 7d)`,
    );
  }
  return Number(m[1]) * _UNITS[m[2]];
}

export const SPEC: TaskSpec = {
  name: "cache:clear",
  usage: "deno task cache:clear [--older-than 7d] [--dataset <sha256 prefix>] [--dir data/cache/features]",
  about: "Drops cached feature tables (all, those older than an age, or those of one dataset).",
  reads: "data/cache/",
  writes: "data/cache/",
};

/** The flags of `deno task cache:clear` (parsed strictly). */
export const ARGS = {
  options: { "older-than": { type: "string" }, dataset: { type: "string" }, dir: { type: "string" } },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
    if (values.dataset !== undefined && !/^[0-9a-f]{1,64}$/.test(values.dataset)) {
      throw new UsageError(
        `Cannot clear cache: --dataset must be a hex SHA-256 prefix, current value is "${values.dataset}"`,
      );
    }
    const removed = await clearFeatureCache({
      dir: values.dir ?? FEATURE_CACHE_DIR,
      olderThanMs: values["older-than"] ? parseAge(values["older-than"]) : undefined,
      datasetPrefix: values.dataset,
    });
    console.log(JSON.stringify({ removed: removed.length, files: removed }));
  });
}
