/**
 * Per-fold results of a run as the report shows them (from run.json's `metrics.folds`: train and test
 * periods as dates when recorded, test rows, accuracy against the majority baseline, macro-F1,
 * log-loss), the calibration plot of the out-of-fold predictions, and the loose run.json reader the
 * report views share.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { calibrationChart, type Chart } from "../plots/mod.ts";
import type { ClassificationReport } from "../validation/metrics.ts";
import { CandlelabError } from "../util/errors.ts";
import { fmtDate, MISSING } from "./report_format.ts";
import { type TableView, tableView } from "./table_view.ts";
import type { ReportRecord } from "./report_verdict.ts";

/**
 * Reads a run.json for a report without the strict schema check (fields added by newer code are kept,
 * absent optional fields stay absent); the error names the file and what to do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readReportRecord } from "./report_folds.ts";
 * await assert.rejects(() => readReportRecord("/nonexistent/run.json"), /Cannot read run record/);
 * ```
 */
export async function readReportRecord(path: string): Promise<ReportRecord> {
  let data: unknown;
  try {
    data = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new CandlelabError(
      `Cannot read run record ${path}: ${
        (err as Error).message
      }; check the run folder (experiments/runs/<id>)`,
      { cause: err },
    );
  }
  const r = data as Partial<ReportRecord>;
  if (!r || typeof r.run_id !== "string" || !r.metrics || !Array.isArray(r.datasets)) {
    throw new CandlelabError(
      `Cannot read run record ${path}: it has no run_id, metrics or datasets; it is not a run.json of an experiment`,
    );
  }
  return r as ReportRecord;
}

function _period(start: unknown, end: unknown): string {
  if (typeof start !== "string" && typeof start !== "number") return MISSING;
  return `${fmtDate(start as string)} → ${fmtDate(end as string)}`;
}

/**
 * One row per fold, then `all`: train and test periods (when the run recorded them), rows, accuracy and
 * the majority baseline, macro-F1, log-loss.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldResultsTable } from "./report_folds.ts";
 * const t = foldResultsTable({ folds: [{ fold: 1, accuracy: 0.43, majority_baseline: 0.53, macro_f1: 0.41,
 *   test_start: "2024-01-01T00:00:00.000Z", test_end: "2024-03-01T00:00:00.000Z" }], overall: { accuracy: 0.44 } });
 * assert.equal(t.get("test_period", 0), "2024-01-01 → 2024-03-01");
 * assert.equal(t.get("fold", 1), "all");
 * ```
 */
export function foldResultsTable(
  metrics: { folds: readonly Record<string, unknown>[]; overall: Record<string, number | null> },
): ColumnTable {
  const rows = [...metrics.folds.map((f) => [String(f.fold), f] as const), ["all", metrics.overall] as const];
  const n = (k: string) =>
    Float64Array.from(rows, ([, m]) => (typeof m[k] === "number" ? m[k] as number : NaN));
  const hasPeriods = metrics.folds.some((f) => f.test_start !== undefined);
  const cols: Record<string, unknown[] | Float64Array> = { fold: rows.map(([f]) => f) };
  if (hasPeriods) {
    cols.train_period = rows.map(([f, m]) => (f === "all" ? "" : _period(m.train_start, m.train_end)));
    cols.test_period = rows.map((
      [f, m],
    ) => (f === "all" ? "all test periods" : _period(m.test_start, m.test_end)));
  }
  cols.test_rows = Float64Array.from(rows, ([, m]) => {
    const v = m.test_rows ?? m.n_test;
    return typeof v === "number" ? v : NaN;
  });
  cols.accuracy = n("accuracy");
  cols.majority_baseline = n("majority_baseline");
  cols.vs_baseline = Float64Array.from(
    rows,
    ([, m]) =>
      typeof m.accuracy === "number" && typeof m.majority_baseline === "number"
        ? (m.accuracy as number) - (m.majority_baseline as number)
        : NaN,
  );
  cols.macro_f1 = n("macro_f1");
  cols.log_loss = n("log_loss");
  return aq.table(cols);
}

/**
 * {@link foldResultsTable} as a displayable table with formats (accuracies in %, the gap to the
 * majority baseline signed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldResultsView } from "./report_folds.ts";
 * const v = foldResultsView({ folds: [{ fold: 1, accuracy: 0.43, majority_baseline: 0.53 }], overall: {} });
 * assert.ok(v.html.includes("-10.0 %") && !v.html.includes("NaN"));
 * ```
 */
export function foldResultsView(
  metrics: { folds: readonly Record<string, unknown>[]; overall: Record<string, number | null> },
): TableView {
  return tableView(foldResultsTable(metrics), {
    caption: "walk-forward folds (each scored only on later bars)",
    head: 100,
    tail: 0,
    formats: {
      test_rows: "int",
      accuracy: "pct",
      majority_baseline: "pct",
      vs_baseline: "signed_pct",
      macro_f1: "ratio",
      log_loss: "ratio",
    },
    labels: {
      train_period: "train",
      test_period: "test",
      test_rows: "test rows",
      majority_baseline: "majority baseline",
      vs_baseline: "accuracy − baseline",
      macro_f1: "macro-F1",
      log_loss: "log-loss",
    },
  });
}

/**
 * The reliability diagram of a classification report: share right against mean confidence per bin,
 * with the majority-class accuracy as the line a useful model must clear.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { calibrationPlot } from "./report_folds.ts";
 * const c = calibrationPlot({ majorityBaseline: 0.5, calibration: [
 *   { lo: 0.3, hi: 0.4, count: 10, meanConfidence: 0.35, accuracy: 0.3 },
 * ] }, "Calibration");
 * assert.ok(c.svg.includes("<circle"));
 * ```
 */
export function calibrationPlot(
  report: Pick<ClassificationReport, "calibration" | "majorityBaseline">,
  title: string,
): Chart {
  return calibrationChart(
    report.calibration.map((b) => ({ confidence: b.meanConfidence, accuracy: b.accuracy, count: b.count })),
    { title, baseline: report.majorityBaseline },
  );
}
