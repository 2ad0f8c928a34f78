import assert from "node:assert/strict";
import { CONFIG_SCHEMAS, jsonSchemaOf } from "./schema.ts";

Deno.test("the strategy JSON Schema lists every top-level section and forbids unknown keys", () => {
  const { schema, title } = CONFIG_SCHEMAS["strategy.schema.json"];
  const js = JSON.stringify(jsonSchemaOf(schema, title));
  for (
    const key of ["data", "features", "label", "model", "validation", "policy", "risk", "costs", "market"]
  ) {
    assert.match(js, new RegExp(`"${key}"`), key);
  }
  assert.match(js, /"additionalProperties":false/);
});
