/**
 * The small shared front door of `deno task ...`: `--help` / `-h`, what a signal does (the task decides:
 * pending run records get their last word, then exit 128 + n), and errors in words a user can act on,
 * including a path outside what the task may read or write (Deno's NotCapable / PermissionDenied).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CandlelabError } from "../util/errors.ts";
import { exitOnSignals } from "../util/interrupt.ts";
import { writeRunsIndex } from "../experiments/index_html.ts";

/** What a task tells `--help` and its error messages. */
export interface TaskSpec {
  /** Task name as typed after `deno task`. */
  name: string;
  /** One usage line (without "usage: "). */
  usage: string;
  /** What the task does, one or two sentences. */
  about: string;
  /** Where it may read (its `--allow-read` in deno.json, in words). @default "the project folder" */
  reads?: string;
  /** Where it may write (its `--allow-write`, in words). @default "nowhere" */
  writes?: string;
  /** The task handles SIGINT / SIGTERM itself (runTask installs no exit-on-signal). @default false */
  ownSignals?: boolean;
}

/**
 * True when `--help` or `-h` comes before a `--`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wantsHelp } from "./_cli.ts";
 * assert.equal(wantsHelp(["a.yaml", "--help"]), true);
 * assert.equal(wantsHelp(["--", "-h"]), false);
 * assert.equal(wantsHelp(["-p", "x=1"]), false);
 * ```
 */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** What a task declares to {@link parseTaskArgs}: its flags and whether it takes positionals (parsing is strict). */
export type TaskArgsConfig = Omit<ParseArgsConfig, "args" | "strict" | "tokens">;

/**
 * A task's command line could not be read (an unknown flag, a missing or bad value): {@link runTask} prints
 * the message and exits 2, like a task that refuses its arguments itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./_cli.ts";
 * import { CandlelabError } from "../util/errors.ts";
 * assert.ok(new UsageError("Cannot read the arguments: x") instanceof CandlelabError);
 * ```
 */
export class UsageError extends CandlelabError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What {@link parseTaskArgs} returns: node:util's `parseArgs` result for `T`, strict. */
export type TaskArgs<T extends TaskArgsConfig> = ReturnType<
  typeof parseArgs<T & { args: string[]; strict: true }>
>;

/**
 * A task's arguments, parsed strictly (an unknown flag, a missing value, or a positional the task does not
 * take is an error). On an error the message is `Cannot read the arguments: <why>; <usage>`: handed to
 * `refuse` (the task prints it and exits 2), and undefined is returned; without `refuse` it is thrown as a
 * {@link UsageError} (runTask prints it and exits 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTaskArgs } from "./_cli.ts";
 * const config = { allowPositionals: true, options: { json: { type: "boolean" } } } as const;
 * assert.deepEqual(parseTaskArgs(["a", "--json"], config, "usage: x <a>")?.positionals, ["a"]);
 * const lines: string[] = [];
 * assert.equal(parseTaskArgs(["--nope"], config, "usage: x <a>", (m) => lines.push(m)), undefined);
 * assert.match(lines[0], /^Cannot read the arguments: .*--nope.*; usage: x <a>$/);
 * assert.throws(() => parseTaskArgs(["--nope"], config, "usage: x <a>"), /Cannot read the arguments/);
 * ```
 */
export function parseTaskArgs<const T extends TaskArgsConfig>(
  args: string[],
  config: T,
  usage: string,
): TaskArgs<T>;
export function parseTaskArgs<const T extends TaskArgsConfig>(
  args: string[],
  config: T,
  usage: string,
  refuse: (message: string) => void,
): TaskArgs<T> | undefined;
export function parseTaskArgs<const T extends TaskArgsConfig>(
  args: string[],
  config: T,
  usage: string,
  refuse?: (message: string) => void,
): TaskArgs<T> | undefined {
  try {
    return parseArgs({ ...config, args, strict: true }) as TaskArgs<T>;
  } catch (err) {
    const message = `Cannot read the arguments: ${(err as Error).message}; ${usage}`;
    if (!refuse) throw new UsageError(message);
    refuse(message);
    return undefined;
  }
}

/**
 * The number a flag's text holds, or undefined when the flag was not given; text that is not such a number
 * throws a {@link UsageError} (`Cannot read the arguments: --<flag> must be ..., current value is "<text>";
 * <usage>`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberFlag } from "./_cli.ts";
 * assert.equal(numberFlag("12", "limit", "usage: x", { integer: true, positive: true }), 12);
 * assert.equal(numberFlag(undefined, "limit", "usage: x"), undefined);
 * assert.throws(
 *   () => numberFlag("abc", "limit", "usage: x", { integer: true }),
 *   /^UsageError: Cannot read the arguments: --limit must be an integer, current value is "abc"; usage: x$/,
 * );
 * assert.throws(() => numberFlag("0", "timeout", "usage: x", { positive: true }), /a positive number/);
 * ```
 */
export function numberFlag(
  text: string | undefined,
  flag: string,
  usage: string,
  rule: { integer?: boolean; positive?: boolean } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (
    text.trim() !== "" && Number.isFinite(n) && (!rule.integer || Number.isInteger(n)) &&
    (!rule.positive || n > 0)
  ) return n;
  const what = `${rule.positive ? "positive " : ""}${rule.integer ? "integer" : "number"}`;
  throw new UsageError(
    `Cannot read the arguments: --${flag} must be ${/^[aeiou]/.test(what) ? "an" : "a"} ${what}, ` +
      `current value is "${text}"; ${usage}`,
  );
}

/**
 * The `--help` text of a task.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpText } from "./_cli.ts";
 * const t = helpText({ name: "x", usage: "deno task x <a>", about: "Does x.", writes: "experiments/" });
 * assert.match(t, /^usage: deno task x <a>\n\nDoes x\./);
 * assert.match(t, /writes only inside experiments\//);
 * ```
 */
export function helpText(spec: TaskSpec): string {
  return `usage: ${spec.usage}\n\n${spec.about}\n\nPermissions (deno.json): reads ${
    spec.reads ?? "the project folder"
  }; ${spec.writes ? `writes only inside ${spec.writes}` : "writes nothing"}.`;
}

const _DENIED = /Requires (read|write|run|net|env|sys|ffi) access to "?([^",]+)"?/;

/**
 * When `err` (or one of its causes) is Deno refusing a permission, a message that says which path the task
 * may not touch, where it may, and what to do; otherwise undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { permissionMessage } from "./_cli.ts";
 * const err = new Deno.errors.NotCapable('Requires write access to "/tmp/x", run again with the --allow-write flag');
 * const m = permissionMessage(err, { name: "nb:run", usage: "", about: "", writes: "experiments/" })!;
 * assert.match(m, /deno task nb:run may not write \/tmp\/x/);
 * assert.match(m, /only inside experiments\//);
 * assert.doesNotMatch(m, /run again with/);
 * assert.equal(permissionMessage(new Error("boom"), { name: "x", usage: "", about: "" }), undefined);
 * ```
 */
export function permissionMessage(err: unknown, spec: TaskSpec): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const denied = e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
    const m = _DENIED.exec(String((e as Error).message ?? e));
    if (!m && !denied) continue;
    if (!m) return `deno task ${spec.name} was refused access by Deno: ${(e as Error).message}`;
    const [, kind, what] = m;
    if (kind === "write") {
      return `deno task ${spec.name} may not write ${what}: this task writes only inside ${
        spec.writes ?? "(nothing: it is read-only)"
      } (its permissions in deno.json). Choose a path there (relative to the project root), or run the ` +
        `command from the project folder.`;
    }
    if (kind === "read") {
      return `deno task ${spec.name} may not read ${what}: this task reads only ${
        spec.reads ?? "the project folder"
      } (its permissions in deno.json). Copy or move the file into the project (for data: data/raw/) ` +
        `and pass that path.`;
    }
    return `deno task ${spec.name} may not use ${kind} access to ${what} (its permissions in deno.json ` +
      `do not grant it); this is a bug in the task's permissions, please report it.`;
  }
  return undefined;
}

/**
 * The one-paragraph message for an error that ends a task: a permission refusal explained, a
 * CandlelabError's message, or anything else with its stack (an unexpected error is a bug).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorMessage } from "./_cli.ts";
 * import { CandlelabError } from "../util/errors.ts";
 * assert.equal(errorMessage(new CandlelabError("bad"), { name: "x", usage: "", about: "" }), "bad");
 * ```
 */
export function errorMessage(err: unknown, spec: TaskSpec): string {
  const p = permissionMessage(err, spec);
  if (p) return p;
  if (err instanceof CandlelabError) return err.message;
  return (err as Error)?.stack ?? String(err);
}

/**
 * Runs a task's body as the process owner: `--help` prints {@link helpText} and exits 0; SIGINT / SIGTERM
 * give pending runs their last word and exit 128 + n ({@link exitOnSignals}); an error is printed with
 * {@link errorMessage} and exits 1 (2 for a permission refusal or a {@link UsageError}); otherwise exits with
 * the body's code.
 *
 * @example
 * ```ts ignore
 * import { runTask } from "./_cli.ts";
 * await runTask({ name: "x", usage: "deno task x", about: "Does x." }, async (args) => 0);
 * ```
 */
export async function runTask(
  spec: TaskSpec,
  body: (args: string[]) => Promise<number | void> | number | void,
  args: string[] = Deno.args,
): Promise<never> {
  if (wantsHelp(args)) {
    console.log(helpText(spec));
    Deno.exit(0);
  }
  if (!spec.ownSignals) exitOnSignals();
  let code: number;
  try {
    code = (await body(args)) ?? 0;
  } catch (err) {
    console.error(errorMessage(err, spec));
    code = err instanceof UsageError || permissionMessage(err, spec) ? 2 : 1;
  }
  Deno.exit(code);
}

/**
 * Rewrites `experiments/index.html` after a task recorded a run; a failure is printed as a warning (the run
 * itself is recorded).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refreshRunsIndex } from "./_cli.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await refreshRunsIndex(dir), `${dir}/index.html`);
 * ```
 */
export async function refreshRunsIndex(experimentsDir = "experiments"): Promise<string | undefined> {
  try {
    return await writeRunsIndex(experimentsDir);
  } catch (err) {
    console.error(`warning: ${experimentsDir}/index.html not refreshed: ${(err as Error).message}`);
    return undefined;
  }
}
