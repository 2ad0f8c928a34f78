import assert from "node:assert/strict";
import { decideTarget, validateProba } from "./policy.ts";
import { SignalPolicySchema } from "./config.ts";
import { CandlelabError } from "../util/errors.ts";

const policy = SignalPolicySchema.parse({
  entry: 0.5,
  exit: 0.3,
  minSize: 0.5,
  maxSize: 1,
  allowShort: true,
});

Deno.test("decideTarget() enters at the entry threshold with a size that grows linearly with confidence", () => {
  assert.equal(decideTarget(0, 0.5, 0.5, 0, policy), 0.5); // at entry: minSize
  assert.equal(decideTarget(0, 0.25, 0.75, 0, policy), 0.75); // halfway to 1: (0.5 + 1) / 2
  assert.equal(decideTarget(0, 0, 1, 0, policy), 1); // certain: maxSize
  assert.equal(decideTarget(0.75, 0.25, 0, 0, policy), -0.75); // short mirrored
  assert.equal(decideTarget(0.45, 0.1, 0.45, 0, policy), 0); // nothing reaches entry
});

Deno.test("decideTarget() holds a side while its probability stays at or above exit, then goes flat", () => {
  assert.equal(decideTarget(0.2, 0.4, 0.4, 1, policy), 0.5); // held long, p_long 0.4 >= exit
  assert.equal(decideTarget(0.2, 0.4, 0.4, 0, policy), 0); // not held: no entry
  assert.equal(decideTarget(0.2, 0.55, 0.25, 1, policy), 0); // p_long below exit: flat
  assert.equal(decideTarget(0.4, 0.2, 0.4, -1, policy), 0); // tie short/long: no side wins
});

Deno.test("decideTarget() never shorts when allowShort is false", () => {
  const longOnly = SignalPolicySchema.parse({ entry: 0.5 });
  assert.equal(decideTarget(1, 0, 0, 0, longOnly), 0);
  assert.equal(decideTarget(0.4, 0.2, 0.4, -1, longOnly), 0);
});

Deno.test("validateProba() refuses NaN, rows not summing to 1 and the wrong shape, naming the row", () => {
  const m = (d: number[], nClasses = 3) => ({
    nRows: Math.floor(d.length / nClasses),
    nClasses,
    data: new Float64Array(d),
  });
  validateProba(m([0.2, 0.3, 0.5, 1 - 2e-7, 1e-7, 1e-7])); // within 1e-6
  assert.throws(
    () => validateProba(m([0.2, 0.3, 0.5, 0.2, 0.3, 0.51])),
    /row 1 is \[0.2, 0.3, 0.51\] \(sum 1.01/,
  );
  assert.throws(() => validateProba(m([NaN, 0.5, 0.5])), /row 0 is \[NaN, 0.5, 0.5\]/);
  assert.throws(() => validateProba(m([1.5, -0.5, 0])), CandlelabError);
  assert.throws(() => validateProba(m([0.5, 0.5], 2)), /expected 3 classes.*current value is 2/);
});
