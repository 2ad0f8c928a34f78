/**
 * Class balance per dataset and per split, and class / sample weights for the models.
 *
 * @module
 */
import { CLASS_NAMES, N_CLASSES } from "./classes.ts";

/** Counts and fractions of each class in a row range. */
export interface ClassBalance {
  name: string;
  start: number;
  end: number;
  /** Labelled rows in the range. */
  total: number;
  /** Count per class index. */
  counts: number[];
  /** Fraction per class index (0 when total is 0). */
  fractions: number[];
}

/** A half-open row range `[start, end)`, optionally named (e.g. "fold 1 train"). */
export interface RowRange {
  start: number;
  end: number;
  name?: string;
}

/**
 * Class balance over each range (default: the whole series). Rows with `y < 0` (no label) are skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { classBalance } from "./balance.ts";
 * const b = classBalance(Int32Array.of(0, 1, 2, 2, -1), [{ start: 0, end: 5, name: "all" }]);
 * assert(b[0].total === 4 && b[0].counts[2] === 2 && b[0].fractions[2] === 0.5);
 * ```
 */
export function classBalance(
  y: Int32Array,
  ranges: RowRange[] = [{ start: 0, end: y.length, name: "all" }],
): ClassBalance[] {
  return ranges.map((r, i) => {
    const counts = new Array(N_CLASSES).fill(0);
    for (let t = Math.max(0, r.start); t < Math.min(y.length, r.end); t++) if (y[t] >= 0) counts[y[t]]++;
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      name: r.name ?? `range ${i}`,
      start: r.start,
      end: r.end,
      total,
      counts,
      fractions: counts.map((c) => (total ? c / total : 0)),
    };
  });
}

/**
 * Balanced class weights `total / (nClasses * count_c)` (scikit-learn's "balanced"); an absent class gets 0.
 * Rows with `y < 0` are ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { classWeights } from "./balance.ts";
 * const w = classWeights(Int32Array.of(0, 1, 1, 2));
 * assert(w[1] === 4 / 6 && w[0] === 4 / 3);
 * ```
 */
export function classWeights(y: Int32Array, nClasses = N_CLASSES): Float64Array {
  const counts = new Float64Array(nClasses);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] >= 0) {
      counts[y[i]]++;
      total++;
    }
  }
  const w = new Float64Array(nClasses);
  for (let c = 0; c < nClasses; c++) w[c] = counts[c] > 0 ? total / (nClasses * counts[c]) : 0;
  return w;
}

/**
 * Per-row sample weights from class weights (default: balanced); rows with `y < 0` get 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sampleWeights } from "./balance.ts";
 * const w = sampleWeights(Int32Array.of(0, 1, 1, 2));
 * assert(w[0] === 4 / 3 && w[1] === 4 / 6);
 * ```
 */
export function sampleWeights(y: Int32Array, weights: Float64Array = classWeights(y)): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] >= 0 ? weights[y[i]] : 0;
  return out;
}

/**
 * One line per range: name, total and class fractions in percent (for logs and notebooks).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { classBalance, formatBalance } from "./balance.ts";
 * assert(formatBalance(classBalance(Int32Array.of(0, 2))).includes("short 50.0%"));
 * ```
 */
export function formatBalance(balance: ClassBalance[]): string {
  return balance.map((b) =>
    `${b.name}: ${b.total} rows, ` +
    b.fractions.map((f, c) => `${CLASS_NAMES[c]} ${(100 * f).toFixed(1)}%`).join(", ")
  ).join("\n");
}
