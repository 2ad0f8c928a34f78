/**
 * The path rule of experiment configs: every data, feature, registry, cache, state and run path must
 * resolve inside the project root (or inside one of a few extra folders given explicitly, e.g. a shared
 * read-only data folder). `..` that climbs out of the root, and absolute paths elsewhere, are refused
 * before any work starts, with the file and the field named.
 *
 * @module
 */
import { isAbsolute, relative, resolve } from "node:path";
import { ConfigError } from "./load.ts";

/** Options of {@link checkPaths}. */
export interface CheckPathsOptions {
  /** Folder relative paths resolve against (default "."). */
  projectRoot?: string;
  /** Config file named in errors (default "the config"). */
  file?: string;
  /** Extra folders that data paths (only) may point into, e.g. a shared read-only data folder. */
  dataRoots?: string[];
}

/** The parts of an experiment config that hold paths. */
export interface PathBearingConfig {
  data: { paths: Record<string, string | undefined> };
  features?: string;
  output?: Record<string, string | undefined>;
}

/**
 * True when `path` (resolved against `root`) is `root` itself or lies below it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { isInside } from "./paths.ts";
 * assert(isInside("/p", "data/raw/x.parquet") && !isInside("/p", "../../etc/passwd"));
 * ```
 */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(root, path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Refuses a config whose paths leave the project root: data paths may also point into `dataRoots`;
 * feature-set paths (values ending in .yaml/.yml) and every `output` path must stay inside the root.
 * Throws a {@link ConfigError} listing every bad field; returns nothing when all paths are fine.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkPaths } from "./paths.ts";
 * const cfg = { data: { paths: { candles: "../../etc/passwd" } }, output: { runs: "experiments/runs" } };
 * let msg = "";
 * try { checkPaths(cfg, { projectRoot: "/p", file: "s.yaml" }); } catch (e) { msg = (e as Error).message; }
 * assert(msg.includes("s.yaml") && msg.includes("data.paths.candles"));
 * ```
 */
export function checkPaths(config: PathBearingConfig, options: CheckPathsOptions = {}): void {
  const root = resolve(options.projectRoot ?? ".");
  const file = options.file ?? "the config";
  const dataRoots = [root, ...(options.dataRoots ?? []).map((d) => resolve(d))];
  const issues: string[] = [];
  const check = (field: string, value: string | undefined, roots: string[]) => {
    if (typeof value !== "string") return;
    if (value.includes("\0")) {
      issues.push(`${field}: ${JSON.stringify(value)} contains a NUL byte`);
      return;
    }
    if (!roots.some((r) => isInside(r, resolve(root, value)))) {
      issues.push(
        `${field}: ${JSON.stringify(value)} resolves to ${resolve(root, value)}, outside ${
          roots.join(" or ")
        }`,
      );
    }
  };
  for (const [k, v] of Object.entries(config.data.paths ?? {})) check(`data.paths.${k}`, v, dataRoots);
  if (typeof config.features === "string" && /\.ya?ml$/.test(config.features)) {
    check("features", config.features, [root]);
  } else if (typeof config.features === "string" && /[\\/]|\.\./.test(config.features)) {
    issues.push(
      `features: ${JSON.stringify(config.features)} is neither a feature-set name nor a .yaml path`,
    );
  }
  for (const [k, v] of Object.entries(config.output ?? {})) check(`output.${k}`, v, [root]);
  if (issues.length > 0) {
    throw new ConfigError(
      file,
      issues,
      `Invalid config ${file}: paths must stay inside the project folder ${root}:\n` +
        issues.map((i) => `  ✖ ${i}`).join("\n") +
        `\nuse paths relative to the project root (e.g. data/raw/..., models, experiments/runs)`,
    );
  }
}
