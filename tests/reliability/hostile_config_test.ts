/**
 * Hostile configs are refused before any work starts: nothing is written anywhere in the project
 * (not even a failed run folder), and the error names the file and the field.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { ConfigError } from "../../lib/config/load.ts";
import { loadExperimentConfig } from "../../lib/experiments/config.ts";
import { runExperiment } from "../../lib/experiments/pipeline.ts";
import { silentProgress } from "../../lib/experiments/progress.ts";
import { CandlelabError } from "../../lib/util/errors.ts";
import {
  caught,
  makeProject,
  recordCounts,
  runDeno,
  smallConfig,
  snapshotTree,
  writeConfig,
} from "./_project.ts";

const BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
].join("\n");

type Edit = (c: Record<string, unknown>) => void;
const _m = (c: Record<string, unknown>) => c.model as Record<string, unknown>;
const _d = (c: Record<string, unknown>) => c.data as Record<string, Record<string, unknown>>;

/** Cases refused while the YAML is read and validated: name -> (YAML text or edit, words of the error). */
const LOAD_CASES: [string, string | Edit, string[]][] = [
  ["alias_bomb", BOMB, ["alias"]],
  ["deep_nesting", `name: x\nextra: ${"[".repeat(200)}${"]".repeat(200)}\n`, ["nesting deeper than"]],
  ["deep_maps", `name: x\nextra: ${"{a: ".repeat(60)}1${"}".repeat(60)}\n`, ["nesting deeper than"]],
  ["proto_key", "name: x\nmodel:\n  __proto__: { polluted: true }\n", ["__proto__", "model.__proto__"]],
  ["constructor_key", "name: x\ndata:\n  constructor: { prototype: { polluted: 1 } }\n", [
    "constructor",
    "data.constructor",
  ]],
  ["unknown_key", (c) => (_m(c).nTree = 10), ["model", "nTree"]],
  ["wrong_type", (c) => (_m(c).nTrees = "ten"), ["model.nTrees"]],
  ["wrong_kind", (c) => (_m(c).kind = "xgboost"), ["model.kind"]],
  ["not_a_map", "just a string\n", ["expected object"]],
  ["bad_yaml", "name: [unclosed\n", ["Cannot parse"]],
  ["huge_trees", (c) => (_m(c).nTrees = 1e9), ["model.nTrees"]],
  ["huge_horizon", (c) => ((c.label as Record<string, unknown>).horizon = 1e12), [
    "label.horizon",
    "1,000,000",
  ]],
  ["huge_vol_window", (c) => ((c.label as Record<string, unknown>).volWindow = 1e12), ["label.volWindow"]],
  ["huge_train_rows", (c) => (c.validation = { train_rows: 1e12 }), ["validation.train_rows"]],
  ["huge_embargo", (c) => (c.validation = { embargo: 1e12 }), ["validation.embargo"]],
  ["negative_seed", (c) => (c.seed = -1), ["seed"]],
  ["market_mismatch", (c) => (c.market = { kind: "perpetual" }), ["market.kind"]],
];

/** Cases refused by runExperiment's preflight (paths, feature params) before the run folder exists. */
const RUN_CASES: [string, Edit, string[]][] = [
  ["data_traversal", (c) => (_d(c).paths.candles = "../../etc/passwd"), ["data.paths.candles", "outside"]],
  ["data_absolute", (c) => (_d(c).paths.candles = "/etc/passwd"), ["data.paths.candles", "/etc/passwd"]],
  ["registry_traversal", (c) => (c.output = { registry: "../../tmp/evil-models" }), ["output.registry"]],
  ["runs_absolute", (c) => (c.output = { runs: "/tmp/evil-runs" }), ["output.runs"]],
  ["cache_traversal", (c) => (c.output = { cache: "data/../../evil-cache" }), ["output.cache"]],
  ["state_traversal", (c) => (c.output = { state: "../state.sqlite" }), ["output.state"]],
  ["features_traversal", (c) => (c.features = "../../etc/evil.yaml"), ["features"]],
  ["features_name_traversal", (c) => (c.features = "../../../etc/evil"), ["features"]],
  ["huge_feature_window", (c) => (c.features = "configs/features/huge.yaml"), [
    "huge.yaml",
    "window",
    "1,000,000",
  ]],
];

Deno.test("loadExperimentConfig() refuses hostile YAML with a ConfigError naming the file and the field", async () => {
  const root = await makeProject();
  const files: Record<string, string> = {};
  for (const [name, text] of LOAD_CASES) {
    files[name] = `${root}/${await writeConfig(
      root,
      name,
      typeof text === "string" ? text : smallConfig(text),
    )}`;
  }
  const before = await snapshotTree(root);
  for (const [name, , says] of LOAD_CASES) {
    const err = await caught(() => loadExperimentConfig(files[name]));
    assert.ok(err instanceof ConfigError, `${name}: expected ConfigError, got ${err.name}: ${err.message}`);
    for (const part of [files[name], ...says]) {
      assert.ok(err.message.includes(part), `${name}: "${err.message.slice(0, 600)}" lacks "${part}"`);
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
  assert.deepEqual(await snapshotTree(root), before);
  await Deno.remove(root, { recursive: true });
  await recordCounts("hostile_config", { bad_inputs: LOAD_CASES.length });
});

Deno.test("--set overrides cannot reach __proto__ or create unknown keys", async () => {
  const root = await makeProject();
  const file = `${root}/${await writeConfig(root, "ok", smallConfig())}`;
  for (
    const set of ["__proto__.polluted=1", "model.constructor.x=1", "model.nTree=3", "model.nTrees=1000000000"]
  ) {
    const err = await caught(() => loadExperimentConfig(file, [set]));
    assert.ok(err instanceof CandlelabError, `${set}: got ${err.name}: ${err.message}`);
    assert.ok(err.message.includes(set.split("=")[0].split(".").at(-1)!), `${set}: ${err.message}`);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  await Deno.remove(root, { recursive: true });
  await recordCounts("hostile_config", { bad_inputs: 4 });
});

Deno.test("runExperiment() refuses paths outside the project and absurd feature windows before writing anything", async () => {
  const root = await makeProject();
  await Deno.writeTextFile(
    `${root}/configs/features/huge.yaml`,
    stringify({ name: "huge", features: [{ feature: "volatility", params: { window: 1e12 } }] }),
  );
  const before = await snapshotTree(root);
  for (const [name, edit, says] of RUN_CASES) {
    const file = `${root}/${await writeConfig(root, name, smallConfig(edit))}`;
    const cfg = await loadExperimentConfig(file);
    const err = await caught(() =>
      runExperiment(cfg, { projectRoot: root, progress: silentProgress, configFile: file })
    );
    assert.ok(
      err instanceof CandlelabError,
      `${name}: expected CandlelabError, got ${err.name}: ${err.message}`,
    );
    for (const part of says) {
      assert.ok(err.message.includes(part), `${name}: "${err.message}" lacks "${part}"`);
    }
    if (name !== "huge_feature_window") {
      assert.ok(err.message.includes(file), `${name}: ${err.message} lacks the file`);
    }
    await Deno.remove(file);
  }
  assert.deepEqual(await snapshotTree(root), before);
  for (const outside of ["/tmp/evil-runs", `${root}/../evil-cache`, `${root}/../state.sqlite`]) {
    await assert.rejects(() => Deno.stat(outside), Deno.errors.NotFound);
  }
  await Deno.remove(root, { recursive: true });
  await recordCounts("hostile_config", { bad_inputs: RUN_CASES.length });
});

Deno.test("deno task experiment exits 1 on a traversal path, prints the file and field, and writes nothing", async () => {
  const root = await makeProject();
  const rel = await writeConfig(
    root,
    "evil",
    smallConfig((c) => (c.output = { registry: "../../../tmp/evil-reg" })),
  );
  const before = await snapshotTree(root);
  const r = await runDeno(root, ["-A"], "lib/tasks/experiment.ts", [rel]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.stderr.includes(rel) && r.stderr.includes("output.registry"), r.stderr);
  assert.ok(!r.stderr.includes("    at "), `a stack trace reached the user: ${r.stderr}`);
  assert.deepEqual(await snapshotTree(root), before);
  await Deno.remove(root, { recursive: true });
  await recordCounts("hostile_config", { bad_inputs: 1 });
});
