import { assertAlmostEquals, assertEquals, assertThrows } from "./_assert.ts";
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
  assertAlmostEquals(
    macroF1(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1)),
    0.6222222222222222,
    1e-12,
  );
  assertAlmostEquals(macroF1(I(1, 1, 1, 1, 0, 2), I(1, 1, 1, 1, 1, 1)), 0.26666666666666666, 1e-12);
  assertEquals(macroF1(I(2, 2, 2), I(2, 2, 2)), 1);
});

Deno.test("macroF1() averages over classes present in yTrue or yPred only", () => {
  // class 2 is only predicted: it still counts (F1 0), so the mean is over three classes
  assertAlmostEquals(macroF1(I(0, 0, 1, 1), I(2, 2, 1, 1)), 1 / 3, 1e-12);
  // class 2 absent from both: mean over 2 classes
  assertAlmostEquals(macroF1(I(0, 0, 1, 1), I(0, 0, 1, 1)), 1, 1e-12);
});

Deno.test("perClassMetrics() gives precision, recall, F1 and support per class", () => {
  const m = perClassMetrics(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1));
  assertAlmostEquals(m[0].precision, 2 / 3, 1e-12);
  assertEquals(m[0].recall, 1);
  assertAlmostEquals(m[0].f1, 0.8, 1e-12);
  assertAlmostEquals(m[2].f1, 0.4, 1e-12);
  assertEquals(m.map((c) => c.support), [2, 3, 3]);
});

Deno.test("balancedAccuracy() is the mean recall over true classes", () => {
  assertAlmostEquals(balancedAccuracy(I(0, 1, 2, 2, 1, 0, 2, 1), I(0, 2, 2, 1, 1, 0, 0, 1)), 2 / 3, 1e-12);
  assertAlmostEquals(balancedAccuracy(I(1, 1, 1, 1, 0, 2), I(1, 1, 1, 1, 1, 1)), 1 / 3, 1e-12);
});

Deno.test("majorityBaseline() is the share of the most frequent true class", () => {
  assertAlmostEquals(majorityBaseline(I(1, 1, 1, 1, 0, 2)), 4 / 6, 1e-12);
});

Deno.test("logLoss() clips probabilities at 1e-15 (sklearn eps=1e-15)", () => {
  const p = {
    nRows: 4,
    nClasses: 3,
    data: Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0, 0, 1),
  };
  assertAlmostEquals(logLoss(I(0, 1, 2, 1), p), 9.008721405509446, 1e-9);
});

Deno.test("confusionMatrix() counts true rows by predicted class and refuses non-class labels", () => {
  assertEquals(confusionMatrix(I(0, 1, 2, 2), I(0, 2, 2, 1)), [[1, 0, 0], [0, 0, 1], [0, 1, 1]]);
  assertThrows(() => confusionMatrix(I(0, 3), I(0, 1)), CandlelabError, "yTrue[1] = 3 is not a class index");
  assertThrows(
    () => confusionMatrix(I(0), I(0, 1)),
    CandlelabError,
    "yTrue has 1 rows but the predictions have 2",
  );
});

Deno.test("calibrationTable() bins by max probability with count, confidence and accuracy", () => {
  const p = {
    nRows: 4,
    nClasses: 3,
    data: Float64Array.of(0.95, 0.05, 0, 0.9, 0.05, 0.05, 0.34, 0.33, 0.33, 0.1, 0.5, 0.4),
  };
  const t = calibrationTable(I(0, 1, 0, 1), p, 4);
  assertEquals(t.map((b) => b.count), [1, 1, 0, 2]);
  assertAlmostEquals(t[3].meanConfidence, 0.925, 1e-12);
  assertEquals(t[3].accuracy, 0.5);
  assertEquals(t[0].accuracy, 1);
  assertEquals(Number.isNaN(t[2].accuracy), true);
});

Deno.test("classificationReport() puts accuracy beside the majority baseline", () => {
  const p = { nRows: 4, nClasses: 3, data: new Float64Array(12).fill(1 / 3) };
  const r = classificationReport(I(1, 1, 1, 0), p);
  assertEquals(r.accuracy, 0.25); // ties go to class 0, one row is class 0
  assertEquals(r.majorityBaseline, 0.75);
  assertAlmostEquals(r.logLoss, Math.log(3), 1e-12);
});
