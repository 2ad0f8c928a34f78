import assert from "node:assert/strict";
import {
  balancedAccuracy,
  calibrationTable,
  classificationReport,
  confusionMatrix,
  logLoss,
  macroF1,
  majorityBaseline,
  perClassMetrics,
} from "./metrics.ts";
import { CandlelabError } from "../util/errors.ts";

const I = (...v: number[]) => Int32Array.from(v);

// Expected values computed with scikit-learn 1.2.1 (f1_score average="macro", balanced_accuracy_score).
Deno.test("macroF1() matches scikit-learn on hand-checked cases", () => {
  assert.ok(
    Math.abs(macroF1(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1)) - 0.6222222222222222) <= 1e-12,
    `${
      macroF1(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1))
    } is not within 1e-12 of 0.6222222222222222`,
  );
  assert.ok(
    Math.abs(macroF1(I(1, 1, 1, 1, 0, 2), I(1, 1, 1, 1, 1, 1)) - 0.26666666666666666) <= 1e-12,
    `${macroF1(I(1, 1, 1, 1, 0, 2), I(1, 1, 1, 1, 1, 1))} is not within 1e-12 of 0.26666666666666666`,
  );
  assert.deepEqual(macroF1(I(2, 2, 2), I(2, 2, 2)), 1);
});

Deno.test("macroF1() averages over classes present in yTrue or yPred only", () => {
  // class 2 is only predicted: it still counts (F1 0), so the mean is over three classes
  assert.ok(
    Math.abs(macroF1(I(0, 0, 1, 1), I(2, 2, 1, 1)) - (1 / 3)) <= 1e-12,
    `${macroF1(I(0, 0, 1, 1), I(2, 2, 1, 1))} is not within 1e-12 of ${1 / 3}`,
  );
  // class 2 absent from both: mean over 2 classes
  assert.ok(
    Math.abs(macroF1(I(0, 0, 1, 1), I(0, 0, 1, 1)) - 1) <= 1e-12,
    `${macroF1(I(0, 0, 1, 1), I(0, 0, 1, 1))} is not within 1e-12 of 1`,
  );
});

Deno.test("perClassMetrics() gives precision, recall, F1 and support per class", () => {
  const m = perClassMetrics(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1));
  assert.ok(Math.abs(m[0].precision - (2 / 3)) <= 1e-12, `${m[0].precision} is not within 1e-12 of ${2 / 3}`);
  assert.deepEqual(m[0].recall, 1);
  assert.ok(Math.abs(m[0].f1 - 0.8) <= 1e-12, `${m[0].f1} is not within 1e-12 of 0.8`);
  assert.ok(Math.abs(m[2].f1 - 0.4) <= 1e-12, `${m[2].f1} is not within 1e-12 of 0.4`);
  assert.deepEqual(m.map((c) => c.support), [2, 3, 3]);
});

Deno.test("balancedAccuracy() is the mean recall over true classes", () => {
  assert.ok(
    Math.abs(balancedAccuracy(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1)) - (2 / 3)) <= 1e-12,
    `${balancedAccuracy(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1))} is not within 1e-12 of ${
      2 / 3
    }`,
  );
  assert.ok(
    Math.abs(balancedAccuracy(I(1, 1, 1, 1, 0, 2), I(1, 1, 1, 1, 1, 1)) - (1 / 3)) <= 1e-12,
    `${balancedAccuracy(I(1, 1, 1, 1, 0, 2), I(1, 1, 1, 1, 1, 1))} is not within 1e-12 of ${1 / 3}`,
  );
});

Deno.test("majorityBaseline() is the share of the most frequent true class", () => {
  assert.ok(
    Math.abs(majorityBaseline(I(1, 1, 1, 1, 0, 2)) - (4 / 6)) <= 1e-12,
    `${majorityBaseline(I(1, 1, 1, 1, 0, 2))} is not within 1e-12 of ${4 / 6}`,
  );
});

Deno.test("logLoss() clips probabilities at 1e-15 (sklearn eps=1e-15)", () => {
  const p = {
    nRows: 4,
    nClasses: 3,
    data: Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0, 0, 1),
  };
  assert.ok(
    Math.abs(logLoss(I(0, 1, 2, 1), p) - 9.008721405509446) <= 1e-9,
    `${logLoss(I(0, 1, 2, 1), p)} is not within 1e-9 of 9.008721405509446`,
  );
});

Deno.test("confusionMatrix() counts true rows by predicted class and refuses non-class labels", () => {
  assert.deepEqual(confusionMatrix(I(0, 1, 2, 2), I(0, 2, 2, 1)), [[1, 0, 0], [0, 0, 1], [0, 1, 1]]);
  assert.throws(
    () => confusionMatrix(I(0, 3), I(0, 1)),
    (e) => e instanceof CandlelabError && e.message.includes("yTrue[1] = 3 is not a class index"),
  );
  assert.throws(
    () => confusionMatrix(I(0), I(0, 1)),
    (e) => e instanceof CandlelabError && e.message.includes("yTrue has 1 rows but the predictions have 2"),
  );
});

Deno.test("calibrationTable() bins by max probability with count, confidence and accuracy", () => {
  const p = {
    nRows: 4,
    nClasses: 3,
    data: Float64Array.of(0.95, 0.05, 0, 0.9, 0.05, 0.05, 0.34, 0.33, 0.33, 0.1, 0.5, 0.4),
  };
  const t = calibrationTable(I(0, 1, 0, 1), p, 4);
  assert.deepEqual(t.map((b) => b.count), [1, 1, 0, 2]);
  assert.ok(
    Math.abs(t[3].meanConfidence - 0.925) <= 1e-12,
    `${t[3].meanConfidence} is not within 1e-12 of 0.925`,
  );
  assert.deepEqual(t[3].accuracy, 0.5);
  assert.deepEqual(t[0].accuracy, 1);
  assert.deepEqual(Number.isNaN(t[2].accuracy), true);
});

Deno.test("classificationReport() puts accuracy beside the majority baseline", () => {
  const p = { nRows: 4, nClasses: 3, data: new Float64Array(12).fill(1 / 3) };
  const r = classificationReport(I(1, 1, 1, 0), p);
  assert.deepEqual(r.accuracy, 0.25); // ties go to class 0, one row is class 0
  assert.deepEqual(r.majorityBaseline, 0.75);
  assert.ok(
    Math.abs(r.logLoss - (Math.log(3))) <= 1e-12,
    `${r.logLoss} is not within 1e-12 of ${Math.log(3)}`,
  );
});
