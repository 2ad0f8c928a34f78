/**
 * The verdict block at the top of a run's report: out-of-sample label and economic skill with their
 * nulls and p-value, the deflated Sharpe with its trials, the hold-out status, costs as a share of
 * gross PnL, trades, return against buy-and-hold, and the run's warnings. Reads run.json's `verdict`,
 * `holdout`, `warnings`, `guard` and `rows` when present and says "not available" when a field is absent
 * (records written before those fields existed).
 *
 * @module
 */
import type { Attribution } from "../backtest/backtest.ts";
import type { RunRecord } from "../experiments/run_record.ts";
import { compareRecords, type RunDeflatedSharpe } from "../experiments/compare.ts";
import { escapeHtml, topBlock } from "./html_report.ts";
import { fmtNum, fmtPct, fmtPValue, fmtSignedPct } from "./report_format.ts";

/** The run.json fields the report reads; every field added after format 1 is optional. */
export type ReportRecord =
  & Pick<
    RunRecord,
    | "run_id"
    | "strategy"
    | "status"
    | "started_at"
    | "config"
    | "config_hash"
    | "datasets"
    | "model_id"
    | "metrics"
    | "backtest"
    | "code"
  >
  & Partial<
    Pick<RunRecord, "seed" | "feature_spec_hash" | "label_spec_hash" | "duration_seconds" | "versions">
  >
  & {
    verdict?: Record<string, unknown> | null;
    rows?: { total?: number; kept?: number; kept_share?: number; dropped?: Record<string, number> } | null;
    warnings?: string[];
    guard?: { causality?: boolean; warmup?: boolean; reason?: string | null } | null;
    holdout?: { start?: string; end?: string; opened?: boolean; opens?: number; text?: string } | null;
    sweep?: { id: string; trial: string };
  };

/** Backtest figures the verdict reads beside the record (a backtest.json or a BacktestResult). */
export interface VerdictBacktest {
  attribution: Attribution;
  metrics: { totalReturn: number; nTrades: number; maxDrawdown: number };
  buyAndHold: { totalReturn: number };
}

/** One line of the verdict block. */
export interface VerdictItem {
  /** Short name ("label skill", "deflated Sharpe", ...). */
  name: string;
  /** The value as shown. */
  value: string;
  /** good / bad / neutral colouring; "na" when not available. */
  tone: "good" | "bad" | "neutral" | "na";
  /** What the value is compared with. */
  detail?: string;
}

/** What {@link runVerdict} returns: the items, the headline and the warnings, displayable in a notebook. */
export interface VerdictView {
  headline: string;
  items: VerdictItem[];
  warnings: string[];
  html: string;
  [key: symbol]: () => { "text/html": string; "text/plain": string };
}

const NA = "not available";

function _num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/**
 * Costs (fees + slippage, and funding paid) as a share of the gross PnL (price + gap PnL); null when the
 * gross is not positive (a share of a loss has no meaning: the costs then only add to it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { costsShareOfGross } from "./report_verdict.ts";
 * assert.equal(costsShareOfGross({ pricePnl: 100, gapPnl: 0, fees: 30, slippage: 10, funding: -10, net: 50 }), 0.5);
 * assert.equal(costsShareOfGross({ pricePnl: -5, gapPnl: 0, fees: 30, slippage: 10, funding: 0, net: -45 }), null);
 * ```
 */
export function costsShareOfGross(a: Attribution): number | null {
  const gross = a.pricePnl + a.gapPnl;
  const costs = a.fees + a.slippage + Math.max(0, -a.funding);
  return gross > 0 ? costs / gross : null;
}

/**
 * The deflated Sharpe of `record` given every run of its strategy in `allRuns` (the trials), as the
 * comparison computes it; null without a backtest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deflatedOf } from "./report_verdict.ts";
 * assert.equal(deflatedOf({ run_id: "x", backtest: null } as any, []), null);
 * ```
 */
export function deflatedOf(record: RunRecord, allRuns: readonly RunRecord[]): RunDeflatedSharpe | null {
  if (!record.backtest) return null;
  const pool = allRuns.some((r) => r.run_id === record.run_id) ? allRuns : [...allRuns, record];
  return compareRecords([record], pool).deflated[0] ?? null;
}

/**
 * The verdict of a run: one headline and the items a reader acts on. `deflated` comes from
 * {@link deflatedOf}; `backtest` adds costs, trades and buy-and-hold when given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runVerdict } from "./report_verdict.ts";
 * const v = runVerdict({ run_id: "r", strategy: "s", metrics: { folds: [], overall: {} }, backtest: null } as any);
 * assert.match(v.headline, /verdict not available/);
 * assert.ok(v.items.find((i) => i.name === "hold-out")!.value.includes("not available"));
 * ```
 */
export function runVerdict(
  record: ReportRecord,
  deflated: RunDeflatedSharpe | null = null,
  backtest: VerdictBacktest | null = null,
): VerdictView {
  const v = record.verdict ?? null;
  const items: VerdictItem[] = [];
  const headline = typeof v?.text === "string"
    ? v.text
    : "verdict not available: this run.json has no verdict (written before verdicts were recorded); " +
      "re-run the experiment to get one";
  // label skill
  if (v && typeof v.label_skill === "boolean") {
    const lp = _num(v.label_p_value);
    items.push({
      name: "label skill (out of sample)",
      value: v.label_skill ? "yes" : "no",
      tone: v.label_skill ? "good" : "bad",
      detail: `macro-F1 ${fmtNum(_num(v.macro_f1))} vs majority ${fmtNum(_num(v.macro_f1_majority))} / ` +
        `prior-random ${fmtNum(_num(v.macro_f1_prior_random))}${lp !== null ? `, p ${fmtPValue(lp)}` : ""}`,
    });
  } else {
    const f1 = _num(record.metrics.overall.macro_f1);
    items.push({
      name: "label skill (out of sample)",
      value: NA,
      tone: "na",
      detail: f1 !== null ? `macro-F1 ${fmtNum(f1)}, no null recorded` : undefined,
    });
  }
  // economic skill
  if (v && typeof v.economic_skill === "boolean") {
    const draws = _num(v.permutation_draws);
    items.push({
      name: "economic skill",
      value: `${v.economic_skill ? "yes" : "no"} (p ${fmtPValue(_num(v.p_value))})`,
      tone: v.economic_skill ? "good" : "bad",
      detail:
        `net return against ${draws !== null ? fmtNum(draws) + " " : ""}circular shifts of the positions` +
        (_num(v.min_shift_bars) !== null ? ` (at least ${fmtNum(_num(v.min_shift_bars))} bars)` : ""),
    });
  } else items.push({ name: "economic skill", value: NA, tone: "na" });
  // deflated Sharpe
  if (deflated && deflated.dsr !== null) {
    const trials = deflated.n_trials;
    items.push({
      name: "deflated Sharpe",
      value: deflated.dsr.toFixed(2),
      tone: deflated.dsr >= 0.95 ? "good" : "bad",
      detail: `P(true Sharpe > ${fmtNum(deflated.sr0_annualised, 2)} ann.) after ${trials} trial${
        trials === 1 ? "" : "s"
      } of ${record.strategy}; raw Sharpe ${fmtNum(deflated.sharpe_annualised, 2)} ann.`,
    });
  } else {
    items.push({ name: "deflated Sharpe", value: NA, tone: "na", detail: deflated?.reason ?? "no backtest" });
  }
  // hold-out
  const h = record.holdout;
  if (h) {
    const text = h.text ??
      `${h.start?.slice(0, 10) ?? "?"} .. ${h.end?.slice(0, 10) ?? "?"} ${
        h.opened ? "opened by this run" : "closed"
      }`;
    items.push({
      name: "hold-out",
      value: h.opened ? "opened" : "closed",
      tone: h.opened && (h.opens ?? 0) > 1 ? "bad" : "neutral",
      detail: `${text}${
        h.opens !== undefined ? `; opened ${h.opens} time${h.opens === 1 ? "" : "s"} in total` : ""
      }`,
    });
  } else items.push({ name: "hold-out", value: `${NA} (no lockbox recorded)`, tone: "na" });
  // costs, trades, return
  const share = _num(v?.costs_share_of_gross) ?? (backtest ? costsShareOfGross(backtest.attribution) : null);
  if (backtest || v) {
    const gross = backtest ? backtest.attribution.pricePnl + backtest.attribution.gapPnl : null;
    items.push({
      name: "costs / gross PnL",
      // a share of a losing gross is the costs against |gross|: say so instead of printing it as a plain share
      value: share !== null
        ? `${fmtPct(share)}${gross !== null && gross < 0 ? " of a losing gross" : ""}`
        : gross !== null && gross <= 0
        ? "gross PnL ≤ 0"
        : NA,
      tone: share === null
        ? (gross !== null && gross <= 0 ? "bad" : "na")
        : share >= 1
        ? "bad"
        : share >= 0.5
        ? "neutral"
        : "good",
      detail: backtest
        ? `fees ${fmtNum(backtest.attribution.fees, 4)}, slippage ${
          fmtNum(backtest.attribution.slippage, 4)
        }, ` +
          `funding ${fmtNum(backtest.attribution.funding, 4, true)} on gross ${
            fmtNum(gross, 4, true)
          } (quote)`
        : undefined,
    });
  }
  const bt = record.backtest;
  const nTrades = backtest?.metrics.nTrades ?? _num(bt?.n_trades);
  items.push({ name: "trades", value: nTrades !== null ? fmtNum(nTrades) : NA, tone: "neutral" });
  const net = backtest?.metrics.totalReturn ?? _num(v?.net_return) ?? _num(bt?.total_return);
  items.push({
    name: "net return",
    value: fmtSignedPct(net),
    tone: net === null ? "na" : net > 0 ? "good" : "bad",
    detail: backtest
      ? `buy-and-hold ${fmtSignedPct(backtest.buyAndHold.totalReturn)} over the same bars, no costs`
      : undefined,
  });
  const dd = backtest?.metrics.maxDrawdown ?? _num(bt?.max_drawdown);
  items.push({ name: "max drawdown", value: fmtPct(dd), tone: dd === null ? "na" : "neutral" });
  const warnings = [...(record.warnings ?? [])];
  if (record.guard && (record.guard.causality === false || record.guard.warmup === false)) {
    const off = [
      record.guard.causality === false ? "causality" : "",
      record.guard.warmup === false ? "warm-up" : "",
    ]
      .filter(Boolean).join(" and ");
    const msg = `leakage guard off (${off}): ${record.guard.reason ?? "no reason given"}`;
    if (!warnings.some((w) => w.includes("guard"))) warnings.push(msg);
  }
  const html = _html(record, headline, items, warnings, v !== null);
  const text = [
    headline,
    ...items.map((i) => `${i.name}: ${i.value}${i.detail ? ` (${i.detail})` : ""}`),
    ...warnings,
  ]
    .join("\n");
  return {
    headline,
    items,
    warnings,
    html,
    [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": text }),
  };
}

const _TONE: Record<VerdictItem["tone"], string> = {
  good: "background:#dafbe1;color:#116329;border-color:#aceebb",
  bad: "background:#ffebe9;color:#a40e26;border-color:#ffcecb",
  neutral: "background:#f6f8fa;color:#1f2328;border-color:#d0d7de",
  na: "background:#fff;color:#6e7781;border-color:#d0d7de;border-style:dashed",
};

function _html(
  record: ReportRecord,
  headline: string,
  items: VerdictItem[],
  warnings: string[],
  hasVerdict: boolean,
): string {
  const skill = hasVerdict && record.verdict?.label_skill === true && record.verdict?.economic_skill === true;
  const head = `<p style="margin:.2rem 0 .5rem;font-size:1.05rem;font-weight:600;color:${
    hasVerdict ? (skill ? "#116329" : "#a40e26") : "#6e7781"
  }">${escapeHtml(headline)}</p>`;
  const cards = items.map((i) =>
    `<div class="verdict-item" style="border:1px solid;border-radius:6px;padding:.3rem .6rem;min-width:9rem;` +
    `flex:1 1 12rem;${_TONE[i.tone]}" title="${escapeHtml(i.detail ?? "")}">` +
    `<div style="font-size:.72rem;text-transform:uppercase;letter-spacing:.03em;opacity:.8">${
      escapeHtml(i.name)
    }</div>` +
    `<div style="font-size:1.05rem;font-weight:600">${escapeHtml(i.value)}</div>` +
    (i.detail
      ? `<div style="font-size:.75rem;opacity:.85;overflow-wrap:anywhere">${escapeHtml(i.detail)}</div>`
      : "") +
    `</div>`
  ).join("");
  const warn = warnings.length
    ? `<ul style="margin:.5rem 0 0;padding-left:1.2rem;color:#9a6700;font-size:.85rem">${
      warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")
    }</ul>`
    : "";
  return topBlock(
    `<section class="candlelab-verdict" style="border:1px solid #d0d7de;border-radius:6px;padding:.5rem .8rem;` +
      `margin:.5rem 0">` +
      `<div style="font-size:.8rem;color:#57606a">verdict · ${escapeHtml(record.strategy)} · run ${
        escapeHtml(record.run_id)
      }</div>${head}<div style="display:flex;flex-wrap:wrap;gap:.4rem">${cards}</div>${warn}</section>`,
  );
}
