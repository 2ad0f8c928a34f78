import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { validateConfig } from "../config/load.ts";
import { DataConfigSchema } from "../data/config.ts";
import { loadDataset } from "../data/mod.ts";
import { cachedFeatureColumns, loadFeatureSetSpec, resolveFeatureSet } from "../features/mod.ts";
import type { FeatureMatrix, ProbaMatrix } from "../models/estimator.ts";
import { ClassPrior } from "../validation/_test_estimators.ts";
import { type ExperimentConfig, ExperimentConfigSchema } from "./config.ts";
import { runExperiment } from "./pipeline.ts";
import { silentProgress } from "./progress.ts";
import { evaluateModel } from "./evaluate.ts";
import { holdoutOpenings, recordHoldoutOpening } from "./holdout_ledger.ts";
import { readRunRecord } from "./run_record.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const RAW = "data/raw/binance_BTC_USDT_spot_1h.parquet";

/** A temp project root: configs/ and the bundled BTC spot sample with its metadata. */
async function project(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "candlelab-holdout-" });
  await Deno.mkdir(`${root}/configs/features`, { recursive: true });
  await Deno.mkdir(`${root}/data/raw`, { recursive: true });
  for await (const e of Deno.readDir(`${REPO}/configs/features`)) {
    await Deno.copyFile(`${REPO}/configs/features/${e.name}`, `${root}/configs/features/${e.name}`);
  }
  for (const f of [RAW, `${RAW}.metadata.json`]) await Deno.copyFile(`${REPO}/${f}`, `${root}/${f}`);
  return root;
}

/** The shipped spot strategy on 2023-07 .. 2024-03 with a lockbox from 2024-01-01, small and quick. */
function config(edit: (c: Record<string, unknown>) => void = () => {}): ExperimentConfig {
  const c = parse(Deno.readTextFileSync(`${REPO}/configs/strategies/btc_spot_ema_cross_rsi.yaml`)) as Record<
    string,
    unknown
  >;
  Object.assign(c.model as object, { nTrees: 8, nWorkers: 1 });
  (c.data as Record<string, unknown>).range = { start: "2023-07-01", end: "2024-03-01" };
  c.guard = { causalityCuts: 1, causalityRows: 2000 };
  c.holdout = { start: "2024-01-01" };
  edit(c);
  return validateConfig(c, ExperimentConfigSchema, "holdout_test.yaml");
}

/** Records every row a model is fitted on or asked to predict, by its feature values. */
class Spy extends ClassPrior {
  constructor(readonly fold: number, readonly log: { fold: number; phase: string; keys: string[] }[]) {
    super();
  }
  override fit(X: FeatureMatrix, y: Int32Array, w?: Float64Array): Promise<this> {
    this.log.push({ fold: this.fold, phase: "fit", keys: _keys(X) });
    return super.fit(X, y, w);
  }
  override predictProba(X: FeatureMatrix): ProbaMatrix {
    this.log.push({ fold: this.fold, phase: "predict", keys: _keys(X) });
    return super.predictProba(X);
  }
}

function _keys(X: FeatureMatrix): string[] {
  return Array.from({ length: X.nRows }, (_, i) => X.columns.map((c) => c[i]).join(","));
}

/** Bar index of each feature row of the whole (uncut) data, by its feature values. */
async function barOfKey(root: string, cfg: ExperimentConfig): Promise<Map<string, number>> {
  const data = DataConfigSchema.parse({ ...cfg.data, paths: { candles: `${root}/${RAW}` } });
  const ds = await loadDataset(data);
  const set = resolveFeatureSet(await loadFeatureSetSpec(`${root}/configs/features/${cfg.features}.yaml`));
  const { columns } = await cachedFeatureColumns({
    table: ds.table,
    datasetHashes: ds.sources.map((s) => s.sha256),
    set,
    dir: `${root}/${cfg.output.cache}`,
    timing: { intervalMs: ds.intervalMs },
  });
  const cols = set.columns.map((c) => columns[c]);
  const out = new Map<string, number>();
  for (let i = 0; i < ds.table.numRows(); i++) {
    const key = cols.map((c) => c[i]).join(",");
    if (!key.includes("NaN")) out.set(key, i);
  }
  return out;
}

for (const open of [false, true]) {
  Deno.test(`a lockbox row never reaches fit or model selection (spy model, lockbox ${open ? "opened" : "closed"})`, async () => {
    const root = await project();
    const cfg = config();
    const log: { fold: number; phase: string; keys: string[] }[] = [];
    const r = await runExperiment(cfg, {
      projectRoot: root,
      progress: silentProgress,
      persistState: false,
      openHoldout: open,
      makeModel: (fold) => new Spy(fold, log),
    });
    const lb = r.holdout!.lockbox;
    assert.ok(lb.startBar > 0 && lb.bars > 0 && lb.devEndBar === lb.startBar - cfg.label.horizon);
    const bar = await barOfKey(root, cfg);
    const lockboxPredict = open ? log.pop()! : undefined; // the final model scoring the lockbox comes last
    let seen = 0;
    for (const entry of log) {
      for (const k of entry.keys) {
        const b = bar.get(k);
        assert.ok(
          b !== undefined,
          `a row fed to the model (${entry.phase}, fold ${entry.fold}) is not a data row`,
        );
        assert.ok(b < lb.devEndBar, `${entry.phase} of fold ${entry.fold} saw bar ${b} >= ${lb.devEndBar}`);
        seen++;
      }
    }
    assert.ok(seen > 1000);
    assert.ok(log.some((e) => e.fold === 0 && e.phase === "fit"), "the final model was fitted");
    const rec = await readRunRecord(`${r.runDir}/run.json`);
    assert.equal(rec.holdout!.opened, open);
    assert.equal(rec.holdout!.opens, open ? 1 : 0);
    assert.equal(rec.holdout!.start, "2024-01-01T00:00:00.000Z");
    if (open) {
      assert.equal(lockboxPredict!.fold, 0);
      assert.equal(lockboxPredict!.phase, "predict");
      for (const k of lockboxPredict!.keys) assert.ok(bar.get(k)! >= lb.startBar);
      assert.equal(lockboxPredict!.keys.length, r.holdout!.scored!.rows.length);
      assert.equal(rec.holdout!.rows, r.holdout!.scored!.rows.length);
    } else {
      assert.equal(r.holdout!.scored, undefined);
    }
    // the development dataset and the final model's training range end before the embargo
    const last = r.rowIndex[r.rowIndex.length - 1];
    assert.ok(last < lb.devEndBar);
    assert.ok(r.model.training.end < lb.startMs);
  });
}

Deno.test("evaluate reproduces the opened lockbox's predictions bit for bit, and counts its look", async () => {
  const root = await project();
  const cfg = config();
  const r = await runExperiment(cfg, {
    projectRoot: root,
    progress: silentProgress,
    persistState: false,
    openHoldout: true,
  });
  const h = r.holdout!.scored!;
  const e = await evaluateModel(cfg, {
    modelId: r.model.id,
    projectRoot: root,
    start: "2024-01-01",
    progress: silentProgress,
  });
  assert.deepEqual(e.scored.rows, h.rows);
  assert.equal(e.scored.proba.data.length, h.proba.data.length);
  const a = new Uint8Array(e.scored.proba.data.buffer), b = new Uint8Array(h.proba.data.buffer);
  assert.ok(a.every((v, i) => v === b[i]), "probabilities differ in their bytes");
  assert.deepEqual(e.scored.backtest.metrics, h.backtest.metrics);
  assert.deepEqual(Array.from(e.scored.backtest.equity), Array.from(h.backtest.equity));
  assert.equal(e.holdoutOpens, 2); // the experiment's opening and this one
  const rec = await readRunRecord(`${e.runDir}/run.json`);
  assert.equal(rec.model_id, r.model.id);
  assert.equal(rec.evaluation!.model_id, r.model.id);
  assert.deepEqual(
    rec.evaluation!.training_datasets.map((d) => d.sha256),
    r.model.datasets.map((d) => d.sha256),
  );
  assert.deepEqual(rec.datasets.map((d) => d.sha256), e.dataset.sources.map((s) => s.sha256));
  assert.equal(rec.evaluation!.overlap_rows, 0);
  assert.equal(rec.holdout!.opens, 2);
  const ledger = holdoutOpenings(`${root}/${cfg.output.holdout_ledger}`, rec.strategy);
  assert.deepEqual(ledger.map((o) => [o.kind, o.run_id]), [["experiment", r.runId], ["evaluate", e.runId]]);
});

Deno.test("evaluate on the model's own training range refuses with the overlap count, or warns when allowed", async () => {
  const root = await project();
  const cfg = config((c) => delete c.holdout);
  const r = await runExperiment(cfg, { projectRoot: root, progress: silentProgress, persistState: false });
  const err = await evaluateModel(cfg, { modelId: r.model.id, projectRoot: root, progress: silentProgress })
    .then(() => undefined, (x: Error) => x);
  assert.ok(err, "evaluate on the training rows must refuse");
  const m = /(\d+) of the (\d+) rows to score .* overlap its training range/.exec(err.message);
  assert.ok(m, err.message);
  assert.equal(Number(m[1]), Number(m[2])); // every scored row is a training-range row
  assert.match(err.message, /--allow-overlap/);
  const ok = await evaluateModel(cfg, {
    modelId: r.model.id,
    projectRoot: root,
    allowOverlap: true,
    progress: silentProgress,
  });
  assert.equal(ok.overlapRows, Number(m[1]));
  const rec = await readRunRecord(`${ok.runDir}/run.json`);
  assert.equal(rec.evaluation!.overlap_rows, Number(m[1]));
  assert.ok(rec.warnings!.some((w) => /overlap the model's training range/.test(w)));
});

Deno.test("evaluate refuses a config whose feature set or label differs from the model's, showing both", async () => {
  const root = await project();
  const cfg = config();
  const r = await runExperiment(cfg, { projectRoot: root, progress: silentProgress, persistState: false });
  const text = await Deno.readTextFile(`${root}/configs/features/ema_cross_rsi.yaml`);
  await Deno.writeTextFile(
    `${root}/configs/features/ema_cross_rsi.yaml`,
    text.replace(/(\d+)/, (d) => String(Number(d) + 1)),
  );
  const err = await evaluateModel(cfg, { modelId: r.model.id, projectRoot: root, start: "2024-01-01" })
    .then(() => undefined, (x: Error) => x);
  assert.match(
    String(err?.message),
    /feature set differs[\s\S]*model: +set ema_cross_rsi[\s\S]*config: +set/,
  );
  await Deno.writeTextFile(`${root}/configs/features/ema_cross_rsi.yaml`, text);
  const other = config((c) => ((c.label as Record<string, unknown>).horizon = 6));
  const err2 = await evaluateModel(other, { modelId: r.model.id, projectRoot: root, start: "2024-01-01" })
    .then(() => undefined, (x: Error) => x);
  assert.match(String(err2?.message), /label .* differs[\s\S]*"horizon":4[\s\S]*"horizon":6/);
});

Deno.test("the lockbox ledger counts every opening of concurrent processes once", async () => {
  const path = `${await Deno.makeTempDir()}/holdout.sqlite`;
  const ledger = new URL("./holdout_ledger.ts", import.meta.url).href;
  const code = `
    import { recordHoldoutOpening } from "${ledger}";
    const out = [];
    for (let i = 0; i < 15; i++) {
      out.push(recordHoldoutOpening(Deno.args[0], { strategy: "s", run_id: Deno.args[1] + "-" + i, kind: "experiment",
        opened_at: new Date().toISOString(), holdout_start: "a", holdout_end: "b", config_hash: "h" }));
    }
    console.log(JSON.stringify(out));`;
  const procs = Array.from({ length: 4 }, (_, p) =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", code, path, `p${p}`],
      stdout: "piped",
      stderr: "piped",
    }).output());
  const counts: number[] = [];
  for (const o of await Promise.all(procs)) {
    assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
    counts.push(...JSON.parse(new TextDecoder().decode(o.stdout).trim()));
  }
  counts.sort((a, b) => a - b);
  assert.deepEqual(counts, Array.from({ length: 60 }, (_, i) => i + 1)); // each count handed out once
  assert.equal(holdoutOpenings(path, "s").length, 60);
  assert.equal(holdoutOpenings(path, "other").length, 0);
  // a process that may only read (a sweep worker: no write permission) still reads the count
  const script = `${await Deno.makeTempDir()}/read.ts`;
  await Deno.writeTextFile(
    script,
    `import { holdoutOpenings } from "${ledger}"; console.log(holdoutOpenings(Deno.args[0], "s").length);`,
  );
  const ro = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--no-prompt", "--no-config", script, path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(ro.stdout).trim(), "60", new TextDecoder().decode(ro.stderr));
  const e = {
    strategy: "other",
    run_id: "x",
    kind: "evaluate" as const,
    opened_at: "t",
    holdout_start: "a",
    holdout_end: "b",
    config_hash: "h",
  };
  assert.equal(recordHoldoutOpening(path, e), 1);
});

Deno.test("a lockbox that moved later than an earlier opening warns; one that moved earlier does not", async () => {
  const root = await project();
  const ledger = `${root}/experiments/holdout.sqlite`;
  const opening = (start: string) => ({
    strategy: "btc_spot_ema_cross_rsi",
    run_id: `r-${start}`,
    kind: "experiment" as const,
    opened_at: "2026-01-01T00:00:00Z",
    holdout_start: start,
    holdout_end: "2024-03-01T00:00:00.000Z",
    config_hash: "h",
  });
  recordHoldoutOpening(ledger, opening("2024-02-01T00:00:00.000Z"));
  const run = () =>
    runExperiment(config(), {
      projectRoot: root,
      progress: silentProgress,
      persistState: false,
      makeModel: () => new ClassPrior(),
    });
  const a = await run();
  assert.equal(a.holdout!.opens, 1);
  assert.ok(!a.warnings.some((w) => /lockbox/.test(w)), a.warnings.join("\n"));
  recordHoldoutOpening(ledger, opening("2023-12-01T00:00:00.000Z"));
  const b = await run();
  assert.equal(b.holdout!.opens, 2);
  assert.ok(
    b.warnings.some((w) => /earlier opening\(s\) looked from 2023-12-01/.test(w)),
    b.warnings.join("\n"),
  );
});

Deno.test("time-based walk-forward through the pipeline: fold periods as dates in run.json", async () => {
  const root = await project();
  const cfg = config((c) => {
    c.validation = { scheme: "walk_forward", train: "60d", test: "30d", step: "30d", window: "rolling" };
  });
  const r = await runExperiment(cfg, {
    projectRoot: root,
    progress: silentProgress,
    persistState: false,
    makeModel: () => new ClassPrior(),
  });
  const folds = (await readRunRecord(`${r.runDir}/run.json`)).metrics.folds;
  assert.ok(folds.length >= 2);
  const H = 3_600_000, D = 24 * H;
  for (const [i, f] of folds.entries()) {
    const [ts, te, tr0, tr1] = [f.test_start, f.test_end, f.train_start, f.train_end].map((x) =>
      Date.parse(x as string)
    );
    if (i < folds.length - 1) assert.equal(te - ts, 30 * D - H); // a whole 30-day window of hourly rows
    assert.ok(tr1 < ts && ts - tr0 <= 60 * D); // rolling: only the last 60 days before the test window
    if (i > 0) assert.equal(ts, Date.parse(folds[i - 1].test_start as string) + 30 * D);
  }
  assert.ok(Date.parse(folds[folds.length - 1].test_end as string) < Date.parse("2024-01-01"));
});
