import assert from "node:assert/strict";
import { z } from "zod";
import { applyOverrides, parseOverride, schemaAllowsPath } from "./overrides.ts";

type Nested = Record<string, Record<string, unknown>>;

const base = {
  labels: { horizon: 12, k: 0.5 },
  model: { kind: "forest", trees: 100, name: "m" },
  fees: [1, 2],
  flag: false,
};

Deno.test("applyOverrides() parses values as YAML scalars and [a, b] lists", () => {
  const c = applyOverrides(base, [
    "labels.horizon=24",
    "labels.k=1e-3",
    "flag=true",
    "model.name=forest_v2",
    "model.kind='123'",
    "fees=[3, 4.5, x]",
    "model.trees=null",
  ]) as Nested;
  assert.equal(c.labels.horizon, 24);
  assert.equal(c.labels.k, 0.001);
  assert.equal(c.flag, true);
  assert.equal(c.model.name, "forest_v2");
  assert.equal(c.model.kind, "123");
  assert.deepEqual(c.fees, [3, 4.5, "x"]);
  assert.equal(c.model.trees, null);
});

Deno.test("applyOverrides() returns a copy and applies overrides in order", () => {
  const c = applyOverrides(base, ["labels.horizon=1", "labels.horizon=2", "fees.0=9"]) as typeof base;
  assert.equal(c.labels.horizon, 2);
  assert.deepEqual(c.fees, [9, 2]);
  assert.equal(base.labels.horizon, 12);
  assert.deepEqual(base.fees, [1, 2]);
});

Deno.test("applyOverrides() refuses a path that is not in the config, naming the path", () => {
  assert.throws(() => applyOverrides(base, ["labels.horizn=3"]), {
    name: "CandlelabError",
    message: /labels\.horizn does not exist in the config \(keys here: horizon, k\)/,
  });
  assert.throws(
    () => applyOverrides(base, ["fees.5=1"]),
    /fees\.5 is not an index of the list at fees \(length 2\)/,
  );
  assert.throws(() => applyOverrides(base, ["flag.x=1"]), /flag is false, not a mapping or list/);
});

Deno.test("applyOverrides() refuses malformed specs, mappings and prototype keys", () => {
  assert.throws(() => applyOverrides(base, ["labels.horizon"]), /expected path.to.key=value/);
  assert.throws(() => applyOverrides(base, ["labels..k=1"]), /has an empty part/);
  assert.throws(() => applyOverrides(base, ["labels={a: 1}"]), /is a mapping; set its keys one by one/);
  assert.throws(() => applyOverrides(base, ["__proto__.polluted=1"]), /"__proto__" is not allowed/);
  assert.throws(() => applyOverrides(base, ["fees=[1, 2"]), /not a YAML scalar or \[a, b\] list/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("applyOverrides() creates a missing key only where the schema declares it", () => {
  const schema = z.strictObject({
    labels: z.strictObject({ horizon: z.number(), k: z.number(), min_move: z.number().optional() }),
    model: z.strictObject({ kind: z.string(), trees: z.number(), name: z.string() }),
    fees: z.array(z.number()),
    flag: z.boolean(),
    extra: z.record(z.string(), z.number()).default({}),
  });
  const allowNew = schemaAllowsPath(schema);
  const c = applyOverrides(base, ["labels.min_move=0.01", "extra.anything=3"], { allowNew }) as Nested;
  assert.equal(c.labels.min_move, 0.01);
  assert.equal(c.extra.anything, 3);
  assert.equal(schema.parse(c).labels.min_move, 0.01);
  assert.throws(() => applyOverrides(base, ["labels.typo=1"], { allowNew }), /labels\.typo does not exist/);
});

Deno.test("parseOverride() keeps everything after the first '=' as the value", () => {
  assert.deepEqual(parseOverride("a.b=x=y"), { path: ["a", "b"], value: "x=y" });
  assert.deepEqual(parseOverride("a="), { path: ["a"], value: "" });
});
