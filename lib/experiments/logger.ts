/**
 * Structured JSON-lines logs: one object per line `{ ts, level, stage, msg, fields }`, append-only.
 * A logger is a value passed to whoever logs; there is no global logger.
 *
 * @module
 */
import { scrubSecrets } from "./scrub.ts";

/** Severity of a log entry. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** One line of `log.jsonl`. */
export interface LogEntry {
  /** ISO-8601 UTC time. */
  ts: string;
  level: LogLevel;
  /** Stage the entry belongs to, or null outside any stage. */
  stage: string | null;
  msg: string;
  fields: Record<string, unknown>;
}

/** What code that logs receives. */
export interface RunLogger {
  readonly stage: string | null;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that writes to the same place with `stage` set. */
  child(stage: string): RunLogger;
}

function _jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v instanceof Error) return { name: v.name, message: v.message };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return `<${v.constructor.name} length ${(v as unknown as ArrayLike<number>).length}>`;
  }
  return v;
}

/**
 * A logger that hands each entry, as one JSON line ending in "\n", to `write`. Field values under
 * secret-looking keys are scrubbed; typed arrays are summarised, non-finite numbers become strings.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createLogger } from "./logger.ts";
 * const lines: string[] = [];
 * const log = createLogger((l) => lines.push(l), { now: () => 0 });
 * log.child("features").info("computed", { columns: 30 });
 * const e = JSON.parse(lines[0]);
 * assert(e.stage === "features" && e.fields.columns === 30 && e.ts === "1970-01-01T00:00:00.000Z");
 * ```
 */
export function createLogger(
  write: (line: string) => void,
  options: { stage?: string | null; now?: () => number; minLevel?: LogLevel } = {},
): RunLogger {
  const { stage = null, now = Date.now, minLevel = "debug" } = options;
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < order[minLevel]) return;
    const entry: LogEntry = {
      ts: new Date(now()).toISOString(),
      level,
      stage,
      msg,
      fields: scrubSecrets(JSON.parse(JSON.stringify(fields, _jsonSafe) ?? "{}")) as Record<string, unknown>,
    };
    write(JSON.stringify(entry) + "\n");
  };
  return {
    stage,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (s) => createLogger(write, { stage: s, now, minLevel }),
  };
}

/** A logger bound to an open append-only file; call `close()` when the run ends. */
export interface FileLogger {
  logger: RunLogger;
  close(): void;
}

/**
 * Opens (creating if needed) `path` for appending and returns a logger that writes each entry with
 * one synchronous write, so lines from one process never interleave.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openFileLogger } from "./logger.ts";
 * const dir = await Deno.makeTempDir();
 * const f = await openFileLogger(`${dir}/log.jsonl`);
 * f.logger.info("hello");
 * f.close();
 * assert(JSON.parse(await Deno.readTextFile(`${dir}/log.jsonl`)).msg === "hello");
 * ```
 */
export async function openFileLogger(
  path: string,
  options: { now?: () => number } = {},
): Promise<FileLogger> {
  const file = await Deno.open(path, { append: true, create: true });
  let closed = false;
  const enc = new TextEncoder();
  const write = (line: string) => {
    if (closed) return; // a straggler after the run ended: dropped rather than crashing the caller
    const bytes = enc.encode(line);
    let off = 0;
    while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
  };
  return {
    logger: createLogger(write, options),
    close() {
      if (!closed) {
        closed = true;
        file.close();
      }
    },
  };
}

/**
 * Parses a `log.jsonl` text into entries (blank lines skipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseLogLines } from "./logger.ts";
 * const e = parseLogLines('{"ts":"t","level":"info","stage":null,"msg":"m","fields":{}}\n');
 * assert(e.length === 1 && e[0].msg === "m");
 * ```
 */
export function parseLogLines(text: string): LogEntry[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as LogEntry);
}
