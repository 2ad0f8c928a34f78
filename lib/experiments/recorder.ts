/**
 * Run folders: `<root>/<run-id>/` with `run.json` (rewritten atomically at start, after each stage and
 * at the end) and `log.jsonl` (append-only structured log). `withRun` guarantees a run that throws is
 * recorded as failed, with the error's message and stack.
 *
 * @module
 */
import { join } from "node:path";
import type { z } from "zod";
import { writeJsonAtomic, writeJsonAtomicSync } from "../util/atomic.ts";
import { whileInterruptible } from "../util/interrupt.ts";
import { CandlelabError } from "../util/errors.ts";
import { hashId } from "../util/hash.ts";
import { createTerminalProgress } from "../util/progress_terminal.ts";
import { type FileLogger, openFileLogger, type RunLogger } from "./logger.ts";
import type { Progress } from "./progress.ts";
import { libraryVersions, readEnvIfPermitted, recordedEnv } from "./provenance.ts";
import { codeVersion } from "../registry/git.ts";
import { makeRunId } from "./run_id.ts";
import {
  type BacktestSummary,
  BacktestSummarySchema,
  type DatasetRef,
  DatasetRefSchema,
  type EvaluationRecord,
  EvaluationRecordSchema,
  type FoldMetrics,
  FoldMetricsSchema,
  type GuardRecord,
  GuardRecordSchema,
  type HoldoutRecord,
  HoldoutRecordSchema,
  type RowsRecord,
  RowsRecordSchema,
  RUN_FORMAT_VERSION,
  type RunRecord,
  RunRecordSchema,
  type StageRecord,
  type VerdictRecord,
  VerdictRecordSchema,
} from "./run_record.ts";
import { scrubSecrets } from "./scrub.ts";

/** Options of `startRun` / `withRun`. */
export interface RunOptions {
  /** Folder that holds run folders, e.g. `experiments/runs`. */
  root: string;
  strategy: string;
  /** The resolved (validated, overrides applied) config; secrets are scrubbed before recording. */
  config: unknown;
  seed?: number | null;
  datasets?: DatasetRef[];
  /** Folder with `.git` and `node_modules` (git commit, library versions); default ".". */
  projectRoot?: string;
  /** Environment to record (filtered + scrubbed); default `Deno.env.toObject()` when permitted. */
  env?: Record<string, string>;
  /** Progress display; default a stderr display (live line on a TTY). */
  progress?: Progress;
  /** Wall clock in ms; default `Date.now` (tests pin it). */
  now?: () => number;
  /** RSS sampling period during stages, ms; default 50. */
  sampleIntervalMs?: number;
}

function _errorRecord(err: unknown): RunRecord["error"] {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack ?? null };
  return { name: "NonError", message: String(err), stack: null };
}

function _iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A started run: its id, folder, logger, stage timer and the setters that fill run.json. */
export class Run {
  #record: RunRecord;
  #fileLogger: FileLogger;
  #progress: Progress;
  #now: () => number;
  #sampleMs: number;
  #saving: Promise<void> = Promise.resolve();
  #finished = false;
  #stage: string | null = null;

  /** Use `startRun` or `withRun`; the constructor only stores what they prepared. */
  constructor(
    readonly id: string,
    readonly dir: string,
    record: RunRecord,
    fileLogger: FileLogger,
    progress: Progress,
    now: () => number,
    sampleMs: number,
  ) {
    this.#record = record;
    this.#fileLogger = fileLogger;
    this.#progress = progress;
    this.#now = now;
    this.#sampleMs = sampleMs;
  }

  /** The run-level logger (stage null); stages get a child logger. */
  get logger(): RunLogger {
    return this.#fileLogger.logger;
  }

  /** Path of run.json. */
  get recordPath(): string {
    return join(this.dir, "run.json");
  }

  /** A deep copy of the record as it stands. */
  snapshot(): RunRecord {
    return structuredClone(this.#record);
  }

  /**
   * Runs `fn` as a named stage: wall seconds, RSS before/after and peak (sampled every ~50 ms while
   * the event loop is free), logged and written to run.json. A throwing stage is recorded as failed
   * and the error is rethrown.
   */
  async stage<T>(name: string, fn: (log: RunLogger) => T | Promise<T>): Promise<T> {
    this.#assertOpen(`run stage "${name}"`);
    const log = this.logger.child(name);
    const startedAt = _iso(this.#now());
    const rssBefore = Deno.memoryUsage().rss;
    let peak = rssBefore;
    const timer = setInterval(() => {
      const rss = Deno.memoryUsage().rss;
      if (rss > peak) peak = rss;
    }, this.#sampleMs);
    const t0 = performance.now();
    this.#stage = name;
    this.#progress.start(name);
    log.info("stage started");
    let ok = false;
    let out: T | undefined;
    let failure: unknown;
    try {
      out = await fn(log);
      ok = true;
    } catch (err) {
      log.error("stage failed", { error: _errorRecord(err) });
      failure = err;
    }
    clearInterval(timer);
    this.#stage = null;
    const seconds = (performance.now() - t0) / 1000;
    const rssAfter = Deno.memoryUsage().rss;
    peak = Math.max(peak, rssAfter);
    const rec: StageRecord = {
      name,
      status: ok ? "ok" : "failed",
      started_at: startedAt,
      seconds,
      rss_before_bytes: rssBefore,
      rss_after_bytes: rssAfter,
      rss_peak_bytes: peak,
    };
    this.#record.stages.push(rec);
    if (ok) log.info("stage finished", { seconds, rss_peak_bytes: peak });
    this.#progress.end(name, { ok, seconds, peakRssBytes: peak });
    try {
      await this.save();
    } catch (saveErr) {
      // A failing stage's own error matters more than a failed progress save; an ok stage reports it.
      if (ok) throw saveErr;
      log.error("could not save run.json after the failed stage", { error: _errorRecord(saveErr) });
    }
    if (!ok) throw failure;
    return out as T;
  }

  /** Records the model registry id. */
  setModelId(id: string): void {
    this.#record.model_id = id;
  }

  /** Records the feature spec hash. */
  setFeatureSpecHash(hash: string): void {
    this.#record.feature_spec_hash = hash;
  }

  /** Records the label spec hash. */
  setLabelSpecHash(hash: string): void {
    this.#record.label_spec_hash = hash;
  }

  /** Adds a dataset reference (path + SHA-256). */
  addDataset(ref: DatasetRef): void {
    this.#record.datasets.push(this.#check(DatasetRefSchema, ref, "dataset reference"));
  }

  /** Adds the metrics of one fold (`{ fold, macro_f1, accuracy, ... }`). */
  addFoldMetrics(metrics: FoldMetrics): void {
    this.#record.metrics.folds.push(this.#check(FoldMetricsSchema, metrics, "fold metrics"));
  }

  /** Sets the overall (out-of-fold) metrics, e.g. `{ macro_f1: 0.41, accuracy: 0.52 }`. */
  setOverallMetrics(metrics: Record<string, number | null>): void {
    for (const [k, v] of Object.entries(metrics)) {
      if (v !== null && !Number.isFinite(v)) {
        throw new CandlelabError(
          `Cannot record overall metrics: "${k}" must be a finite number or null, current value is ${v}`,
        );
      }
    }
    this.#record.metrics.overall = { ...metrics };
  }

  /** Sets the backtest summary (`sharpe` per period, `sharpe_annualised`, `n_periods`, `skew`, `kurtosis`, ...). */
  setBacktest(summary: BacktestSummary): void {
    this.#record.backtest = this.#check(BacktestSummarySchema, summary, "backtest summary");
  }

  // --- issue #11 (ADR-028) ---
  /** Records the verdict against same-metric nulls. */
  setVerdict(verdict: VerdictRecord): void {
    this.#record.verdict = this.#check(VerdictRecordSchema, verdict, "verdict");
  }

  /** Records the row counts (kept, dropped per cause). */
  setRows(rows: RowsRecord): void {
    this.#record.rows = this.#check(RowsRecordSchema, rows, "row counts");
  }

  /** Records which leakage checks ran and why one did not. */
  setGuard(guard: GuardRecord): void {
    this.#record.guard = this.#check(GuardRecordSchema, guard, "guard");
  }

  /** Adds a warning (kept in run.json for the terminal and the reports), logs it and shows it now. */
  addWarning(text: string): void {
    (this.#record.warnings ??= []).push(text);
    this.logger.warn("warning", { text });
    this.#progress.message(`warning: ${text}`);
  }

  /** Warnings so far. */
  get warnings(): readonly string[] {
    return this.#record.warnings ?? [];
  }
  // --- end issue #11 ---

  // --- issue #13 (ADR-032) ---
  /** Records the lockbox: its period, whether this run opened it and the opening count. */
  setHoldout(holdout: HoldoutRecord): void {
    this.#record.holdout = this.#check(HoldoutRecordSchema, holdout, "hold-out");
  }

  /** Records what an `evaluate` run scored (model, training data and range, overlap). */
  setEvaluation(evaluation: EvaluationRecord): void {
    this.#record.evaluation = this.#check(EvaluationRecordSchema, evaluation, "evaluation");
  }
  // --- end issue #13 ---

  /** Writes run.json atomically now (saves are serialised, the last call wins). */
  save(): Promise<void> {
    const snapshot = RunRecordSchema.parse(this.snapshot());
    const next = this.#saving.then(() => writeJsonAtomic(this.recordPath, snapshot));
    this.#saving = next.catch(() => {});
    return next;
  }

  /**
   * Synchronously ends the run as failed because of `signal` (Ctrl-C, SIGTERM): records which stage was
   * running, writes run.json atomically and closes the log. For a signal handler about to exit.
   */
  interruptSync(signal: string): void {
    if (this.#finished) return;
    this.#end("failed", {
      name: "Interrupted",
      message: `interrupted by ${signal}${
        this.#stage ? ` during stage "${this.#stage}"` : ""
      }; rerun to complete it`,
      stack: null,
    });
    this.logger.error("run interrupted", { signal, stage: this.#stage });
    try {
      writeJsonAtomicSync(this.recordPath, RunRecordSchema.parse(this.snapshot()));
    } finally {
      this.#fileLogger.close();
    }
  }

  /** Ends the run with `ok` or `failed` (with the error), writes run.json and closes the log. */
  async finish(status: "ok" | "failed", error?: unknown): Promise<void> {
    this.#assertOpen("finish the run");
    const seconds = this.#end(status, status === "failed" ? _errorRecord(error) : null);
    const r = this.#record;
    if (status === "ok") this.logger.info("run finished", { duration_seconds: seconds });
    else this.logger.error("run failed", { error: r.error });
    try {
      await this.save();
    } finally {
      this.#fileLogger.close();
      this.#progress.message(`run ${this.id} ${status} in ${seconds.toFixed(1)} s -> ${this.dir}`);
      this.#progress.close();
    }
  }

  /** Marks the run finished with `status` and `error`, stamping its end time; returns its duration in s. */
  #end(status: "ok" | "failed", error: RunRecord["error"]): number {
    this.#finished = true;
    const end = this.#now();
    const r = this.#record;
    r.status = status;
    r.error = error;
    r.ended_at = _iso(end);
    r.duration_seconds = (end - Date.parse(r.started_at)) / 1000;
    return r.duration_seconds;
  }

  #check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const issues = r.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new CandlelabError(
      `Cannot record ${what} in run ${this.id}: ${issues}; current value is ${JSON.stringify(value)}`,
    );
  }

  #assertOpen(action: string): void {
    if (this.#finished) {
      throw new CandlelabError(
        `Cannot ${action}: run ${this.id} has already finished; start a new run with withRun()`,
      );
    }
  }
}

/**
 * Creates the run folder (a fresh id; retried on the rare collision), writes run.json with status
 * "running" and opens log.jsonl. Prefer `withRun`, which also records the end.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { startRun } from "./recorder.ts";
 * import { silentProgress } from "./progress.ts";
 * const root = await Deno.makeTempDir();
 * const run = await startRun({ root, strategy: "demo", config: { a: 1 }, env: {}, progress: silentProgress });
 * assert(JSON.parse(await Deno.readTextFile(run.recordPath)).status === "running");
 * await run.finish("ok");
 * ```
 */
export async function startRun(opts: RunOptions): Promise<Run> {
  const now = opts.now ?? Date.now;
  const projectRoot = opts.projectRoot ?? ".";
  const config = scrubSecrets(opts.config);
  const configHash = hashId(config);
  await Deno.mkdir(opts.root, { recursive: true });
  const startMs = now();
  let id = "";
  let dir = "";
  for (let attempt = 0;; attempt++) {
    id = makeRunId(startMs, configHash);
    dir = join(opts.root, id);
    try {
      await Deno.mkdir(dir);
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists) || attempt >= 5) {
        throw new CandlelabError(
          `Cannot create run folder ${dir}: ${(err as Error).message}; check that ${opts.root} is writable`,
          { cause: err },
        );
      }
    }
  }
  const [version, libraries] = await Promise.all([
    codeVersion({ cwd: projectRoot }),
    libraryVersions(projectRoot),
  ]);
  const code = { commit: version.commit, dirty: version.dirty };
  const record: RunRecord = {
    format_version: RUN_FORMAT_VERSION,
    run_id: id,
    strategy: opts.strategy,
    status: "running",
    error: null,
    started_at: _iso(startMs),
    ended_at: null,
    duration_seconds: null,
    config,
    config_hash: configHash,
    seed: opts.seed ?? null,
    datasets: [],
    feature_spec_hash: null,
    label_spec_hash: null,
    model_id: null,
    metrics: { folds: [], overall: {} },
    backtest: null,
    stages: [],
    code,
    versions: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      libraries,
    },
    env: recordedEnv(opts.env ?? readEnvIfPermitted()),
    warnings: [],
  };
  const fileLogger = await openFileLogger(join(dir, "log.jsonl"), { now });
  const run = new Run(
    id,
    dir,
    record,
    fileLogger,
    opts.progress ?? createTerminalProgress(),
    now,
    opts.sampleIntervalMs ?? 50,
  );
  try {
    for (const d of opts.datasets ?? []) run.addDataset(d);
    await run.save();
  } catch (err) {
    fileLogger.close();
    throw err;
  }
  run.logger.info("run started", {
    run_id: id,
    strategy: opts.strategy,
    config_hash: configHash,
    seed: record.seed,
  });
  return run;
}

/**
 * Runs `fn` inside a recorded run: run.json says "running" while it runs, "ok" when it returns and
 * "failed" (message + stack) when it throws; the error is rethrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { withRun } from "./recorder.ts";
 * import { silentProgress } from "./progress.ts";
 * const root = await Deno.makeTempDir();
 * const id = await withRun({ root, strategy: "demo", config: {}, env: {}, progress: silentProgress }, async (run) => {
 *   await run.stage("features", () => 42);
 *   return run.id;
 * });
 * const rec = JSON.parse(await Deno.readTextFile(`${root}/${id}/run.json`));
 * assert(rec.status === "ok" && rec.stages[0].name === "features");
 * ```
 */
export async function withRun<T>(opts: RunOptions, fn: (run: Run) => T | Promise<T>): Promise<T> {
  const run = await startRun(opts);
  let result: T;
  try {
    // Ctrl-C / SIGTERM: run.json says failed (interrupted, with the stage) instead of "running" forever
    result = await whileInterruptible((sig) => run.interruptSync(sig), async () => await fn(run));
  } catch (err) {
    try {
      await run.finish("failed", err);
    } catch (finishErr) {
      throw new CandlelabError(
        `Run ${run.id} failed (${
          (err as Error)?.message ?? String(err)
        }) and its failure could not be recorded in ${run.recordPath}: ${
          (finishErr as Error).message
        }; check disk space and permissions`,
        { cause: err },
      );
    }
    throw err;
  }
  await run.finish("ok");
  return result;
}
