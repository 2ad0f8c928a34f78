import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError, loadConfig, parseYaml, validateConfig } from "./load.ts";

const schema = z.strictObject({
  name: z.string(),
  window: z.number().int().positive().max(100_000),
  nested: z.strictObject({ k: z.number().default(0.5) }).default({ k: 0.5 }),
});

Deno.test("validateConfig() names the file and every bad field", () => {
  assert.throws(
    () => validateConfig({ name: 3, window: -1, extra: 1 }, schema, "configs/x.yaml"),
    (err: unknown) => {
      assert(err instanceof ConfigError);
      assert.match(err.message, /configs\/x\.yaml/);
      const text = err.issues.join("\n");
      assert.match(text, /name/);
      assert.match(text, /window/);
      assert.match(text, /extra/);
      return true;
    },
  );
});

Deno.test("validateConfig() fills defaults from the schema", () => {
  const c = validateConfig({ name: "a", window: 5 }, schema, "x.yaml");
  assert.equal(c.nested.k, 0.5);
});

Deno.test("parseYaml() refuses alias bombs", () => {
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
    "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
  ].join("\n");
  assert.throws(() => parseYaml(bomb, "bomb.yaml"), ConfigError);
});

Deno.test("parseYaml() refuses __proto__ keys and deep nesting", () => {
  assert.throws(() => parseYaml("a:\n  __proto__:\n    x: 1\n", "p.yaml"), /__proto__/);
  const deep = "a: " + "[".repeat(40) + "]".repeat(40);
  assert.throws(() => parseYaml(deep, "d.yaml"), /nesting/);
});

Deno.test("loadConfig() reports a missing file by name", async () => {
  await assert.rejects(() => loadConfig("/nonexistent/c.yaml", schema), /\/nonexistent\/c\.yaml/);
});
