/**
 * A generated corpus, fixed seed and bounded count (both printed): mutated strategy configs (from the
 * shipped YAMLs) and mutated Parquet files (bit flips, truncations, column swaps). Invariant: a clean
 * result or a CandlelabError naming the file — never a TypeError/RangeError, a hang, or a changed file.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { checkPaths } from "../../lib/config/paths.ts";
import { hourlyBarsSql, sqlToParquet } from "../../lib/data/_test_util.ts";
import { loadBars } from "../../lib/data/load.ts";
import { loadExperimentConfig } from "../../lib/experiments/config.ts";
import { loadFeatureSetSpec, resolveFeatureSet } from "../../lib/features/mod.ts";
import { sha256File } from "../../lib/util/hash.ts";
import { CandlelabError } from "../../lib/util/errors.ts";
import { makeProject, recordCounts, REPO } from "./_project.ts";

/** Seed of the corpus (override with CANDLELAB_FUZZ_SEED). */
export const FUZZ_SEED = Number(Deno.env.get("CANDLELAB_FUZZ_SEED") ?? 20261124);
/** Mutated configs (override with CANDLELAB_FUZZ_CONFIGS). */
export const CONFIG_CASES = Number(Deno.env.get("CANDLELAB_FUZZ_CONFIGS") ?? 300);
/** Mutated data files (override with CANDLELAB_FUZZ_FILES). */
export const DATA_CASES = Number(Deno.env.get("CANDLELAB_FUZZ_FILES") ?? 150);
const HANG_MS = 30_000;

async function _noHang<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} did not settle in ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

function _expectClean(err: unknown, file: string, what: string): void {
  assert.ok(
    err instanceof CandlelabError,
    `${what}: expected a CandlelabError, got ${(err as Error)?.name}: ${(err as Error)?.message}\n${
      (err as Error)?.stack
    }`,
  );
  assert.ok(err.message.includes(file), `${what}: the error does not name ${file}: ${err.message}`);
}

const _leaf = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.constantFrom(0, -1, 1e12, 1e9, 2 ** 53, NaN, Infinity, -Infinity, 0.5, 1e-300),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "../../etc/passwd",
    "/etc/shadow",
    "__proto__",
    "",
    "data/raw/x.parquet",
    "1h",
    "2024-13-45",
  ),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom("a", "kind", "__proto__", "constructor", "nTrees"), fc.integer(), {
    maxKeys: 2,
  }),
);

type Mutation =
  | { op: "set"; pick: number; value: unknown }
  | { op: "delete"; pick: number }
  | { op: "add"; pick: number; key: string; value: unknown }
  | { op: "text"; at: number; cut: number; insert: string };

const _mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), pick: fc.nat(), value: _leaf }),
  fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant("add" as const),
    pick: fc.nat(),
    key: fc.constantFrom("extra", "__proto__", "constructor", "nTree", "paths", "api_key"),
    value: _leaf,
  }),
  fc.record({
    op: fc.constant("text" as const),
    at: fc.nat(),
    cut: fc.nat({ max: 40 }),
    insert: fc.constantFrom(
      "",
      ":",
      "- ",
      "&a [*a]",
      "{",
      "]]",
      "\t",
      "\u0000",
      "*x",
      "!!js/function 'x'",
      "? ",
    ),
  }),
);

/** Paths (as key lists) of every object node, for picking where to mutate. */
function _nodes(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    out.push(path);
    for (const [k, v] of Object.entries(value)) _nodes(v, [...path, k], out);
  }
  return out;
}

function _apply(text: string, muts: Mutation[]): string {
  let obj = parse(text) as Record<string, unknown>;
  let raw = text;
  for (const m of muts) {
    if (m.op === "text") {
      raw = stringify(obj);
      const at = m.at % (raw.length + 1);
      raw = raw.slice(0, at) + m.insert + raw.slice(at + m.cut);
      try {
        obj = parse(raw, { maxAliasCount: 10, logLevel: "silent" }) as Record<string, unknown>;
        if (!obj || typeof obj !== "object") return raw;
      } catch {
        return raw;
      }
      continue;
    }
    const nodes = _nodes(obj);
    const path = nodes[m.pick % nodes.length];
    const node = path.reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, obj);
    const keys = Object.keys(node);
    if (m.op === "add") {
      Object.defineProperty(node, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (keys.length === 0) continue;
    else if (m.op === "delete") delete node[keys[m.pick % keys.length]];
    else node[keys[m.pick % keys.length]] = m.value;
  }
  return stringify(obj);
}

Deno.test(`fuzz: ${CONFIG_CASES} mutated strategy configs (seed ${FUZZ_SEED}) load cleanly or fail with a CandlelabError naming the file`, async () => {
  const root = await makeProject();
  const sources = ["btc_spot_ema_cross_rsi", "btc_perp_funding_basis"].map((n) =>
    Deno.readTextFileSync(`${REPO}/configs/strategies/${n}.yaml`)
  );
  let i = 0;
  let valid = 0;
  const file = `${root}/configs/strategies/fuzz.yaml`;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 1 }),
      fc.array(_mutation, { minLength: 1, maxLength: 4 }),
      async (src, muts) => {
        i++;
        let text: string;
        try {
          text = _apply(sources[src], muts);
        } catch {
          return; // the mutation itself could not be expressed as YAML
        }
        await Deno.writeTextFile(file, text);
        try {
          const cfg = await _noHang("loadExperimentConfig", loadExperimentConfig(file));
          checkPaths(cfg, { projectRoot: root, file });
          const featureFile = /\.ya?ml$/.test(cfg.features)
            ? `${root}/${cfg.features}`
            : `${root}/configs/features/${cfg.features}.yaml`;
          resolveFeatureSet(await loadFeatureSetSpec(featureFile));
          valid++;
        } catch (err) {
          if (
            (err as Error).message?.includes("Cannot load feature set") ||
            (err as Error).message?.includes("configs/features")
          ) {
            assert.ok(err instanceof CandlelabError, `${(err as Error).stack}`);
            return;
          }
          _expectClean(err, file, `case ${i} ${JSON.stringify(muts)}`);
        }
      },
    ),
    { seed: FUZZ_SEED, numRuns: CONFIG_CASES, endOnFailure: true },
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  console.log(
    `fuzz configs: seed ${FUZZ_SEED}, ${CONFIG_CASES} cases, ${valid} still valid, ${
      CONFIG_CASES - valid
    } refused cleanly`,
  );
  await Deno.remove(root, { recursive: true });
  await recordCounts("fuzz", {
    fuzz_seed: FUZZ_SEED,
    fuzz_cases: CONFIG_CASES,
    bad_inputs: CONFIG_CASES - valid,
  });
});

Deno.test(`fuzz: ${DATA_CASES} mutated Parquet files (seed ${FUZZ_SEED}) load or fail cleanly, never changing a file`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "candlelab-fuzz-" });
  const base = `${dir}/base.parquet`;
  await sqlToParquet(base, hourlyBarsSql(300));
  const variants = [
    await Deno.readFile(base),
    await _variant(
      dir,
      hourlyBarsSql(300).replace("100.0 + i AS open", "101.0 + i AS close2").replace(
        "101.0 + i AS close",
        "100.0 + i AS open",
      ),
    ),
    await _variant(dir, hourlyBarsSql(300).replace("1.0 + i AS volume", "'x' || i AS volume")),
    await _variant(
      dir,
      hourlyBarsSql(300).replace(
        "TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i) HOUR AS timestamp",
        "i * 3600 AS timestamp",
      ),
    ),
  ];
  let refused = 0;
  let i = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: variants.length - 1 }),
      fc.oneof(
        fc.record({
          kind: fc.constant("flip" as const),
          at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
          bit: fc.nat({ max: 7 }),
        }),
        fc.record({
          kind: fc.constant("truncate" as const),
          keep: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.record({ kind: fc.constant("none" as const) }),
      ),
      async (v, mut) => {
        i++;
        const bytes = variants[v].slice();
        let data = bytes;
        if (mut.kind === "flip") { for (const a of mut.at) bytes[a % bytes.length] ^= 1 << mut.bit; }
        if (mut.kind === "truncate") data = bytes.subarray(0, Math.floor(bytes.length * mut.keep));
        const file = `${dir}/case_${i}.parquet`;
        await Deno.writeFile(file, data);
        const before = await sha256File(file);
        try {
          await _noHang("loadBars", loadBars(file, { quality: true }));
        } catch (err) {
          refused++;
          _expectClean(err, file, `case ${i} variant ${v} ${JSON.stringify(mut)}`);
        }
        assert.equal(await sha256File(file), before, `case ${i} changed its input`);
        await Deno.remove(file);
      },
    ),
    { seed: FUZZ_SEED, numRuns: DATA_CASES, endOnFailure: true },
  );
  const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).filter((n) =>
    !n.startsWith("variant") && n !== "base.parquet"
  );
  assert.deepEqual(left, [], "a load left files behind");
  console.log(`fuzz data: seed ${FUZZ_SEED}, ${DATA_CASES} cases, ${refused} refused cleanly`);
  await Deno.remove(dir, { recursive: true });
  await recordCounts("fuzz", { fuzz_cases: DATA_CASES, bad_inputs: refused });
});

let _n = 0;
async function _variant(dir: string, sql: string): Promise<Uint8Array> {
  const f = `${dir}/variant_${_n++}.parquet`;
  await sqlToParquet(f, sql);
  return await Deno.readFile(f);
}
