import assert from "node:assert/strict";
import { validateConfig } from "../config/load.ts";
import { ConfigError } from "../config/load.ts";
import { splitsFromConfig, ValidationConfigSchema } from "./config.ts";

Deno.test("ValidationConfigSchema fills defaults: walk-forward, 4 expanding folds", () => {
  const c = ValidationConfigSchema.parse({});
  assert.deepEqual([c.scheme, c.folds, c.window, c.max_train_rows, c.embargo], [
    "walk_forward",
    4,
    "expanding",
    undefined,
    undefined,
  ]);
});

Deno.test("ValidationConfigSchema refuses typos and one-fold purged k-fold with the field path", () => {
  assert.throws(
    () => validateConfig({ fold: 4 }, ValidationConfigSchema, "exp.yaml"),
    (e) => e instanceof ConfigError && e.message.includes("fold"),
  );
  assert.throws(
    () => validateConfig({ scheme: "purged_kfold", folds: 1 }, ValidationConfigSchema, "exp.yaml"),
    (e) => e instanceof ConfigError && e.message.includes("folds"),
  );
  assert.throws(
    () => validateConfig({ scheme: "random" }, ValidationConfigSchema, "exp.yaml"),
    (e) => e instanceof ConfigError && e.message.includes("scheme"),
  );
});

Deno.test("splitsFromConfig() derives the gap from horizon and lookback; embargo can only widen it", () => {
  const wf = splitsFromConfig(ValidationConfigSchema.parse({ folds: 4 }), 1000, {
    horizon: 15,
    lookback: 240,
  });
  assert.deepEqual(wf[0].train[0].end, 185);
  const kf = splitsFromConfig(ValidationConfigSchema.parse({ scheme: "purged_kfold", folds: 2 }), 1000, {
    horizon: 15,
    lookback: 240,
  });
  assert.deepEqual(kf[0].train, [{ start: 755, end: 1000 }]);
  const emb = splitsFromConfig(ValidationConfigSchema.parse({ folds: 4, embargo: 50 }), 1000, {
    horizon: 15,
  });
  assert.deepEqual(emb[0].train[0].end, 150);
});
