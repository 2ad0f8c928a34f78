/**
 * The provenance block of a run's report: which data files (path, kind, sha256), which bars (range and
 * count), which model, config hash, spec hashes, seed, commit, costs and starting capital, so a reader
 * can reproduce or question every number below it.
 *
 * @module
 */
import { escapeHtml, topBlock } from "./html_report.ts";
import { fmtDate, fmtNum, MISSING } from "./report_format.ts";
import type { ReportRecord } from "./report_verdict.ts";

/** Backtest figures provenance reads (the bars it covered and the starting equity). */
export interface ProvenanceBacktest {
  timestamp: ArrayLike<number>;
  equity: ArrayLike<number>;
}

/** One row of the provenance block. */
export interface ProvenanceRow {
  name: string;
  /** Plain text value. */
  value: string;
  /** Full value shown on hover (e.g. a whole sha256) when `value` is shortened. */
  full?: string;
  /** Shown in a monospace font (paths, hashes). */
  code?: boolean;
}

/** What {@link provenanceView} returns. */
export interface ProvenanceView {
  rows: ProvenanceRow[];
  html: string;
  [key: symbol]: () => { "text/html": string; "text/plain": string };
}

function _get(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Costs of a config's `costs` section in words: `maker 10 bps · taker 10 bps · slippage fixed 2 bps`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeCosts } from "./report_provenance.ts";
 * assert.equal(
 *   describeCosts({ makerBps: 10, takerBps: 10, slippage: { kind: "fixed", bps: 2 }, leverage: 1 }),
 *   "maker 10 bps · taker 10 bps · slippage fixed 2 bps · leverage 1x",
 * );
 * assert.equal(describeCosts(undefined), "not recorded");
 * ```
 */
export function describeCosts(costs: unknown): string {
  if (!costs || typeof costs !== "object") return "not recorded";
  const c = costs as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof c.makerBps === "number") parts.push(`maker ${c.makerBps} bps`);
  if (typeof c.takerBps === "number") parts.push(`taker ${c.takerBps} bps`);
  const s = c.slippage as Record<string, unknown> | undefined;
  if (s && typeof s === "object") {
    const rest = Object.entries(s).filter(([k]) => k !== "kind").map(([k, v]) =>
      k === "bps" ? `${v} bps` : `${k} ${typeof v === "object" ? JSON.stringify(v) : v}`
    );
    parts.push(`slippage ${s.kind ?? ""} ${rest.join(", ")}`.replace(/\s+/g, " ").trim());
  }
  if (typeof c.leverage === "number") parts.push(`leverage ${c.leverage}x`);
  for (const [k, v] of Object.entries(c)) {
    if (!["makerBps", "takerBps", "slippage", "leverage"].includes(k)) {
      parts.push(`${k} ${JSON.stringify(v)}`);
    }
  }
  return parts.join(" · ") || "not recorded";
}

/**
 * The provenance rows of a run (and its backtest, for the covered bars and the starting capital).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { provenanceView } from "./report_provenance.ts";
 * const rec = {
 *   run_id: "20261206T221623Z-9b9fc1ea-iwo98v", strategy: "s", status: "ok", started_at: "2026-12-06T22:16:23Z",
 *   config: { costs: { makerBps: 10 } }, config_hash: "9b9fc1ea", model_id: "m1", backtest: null,
 *   metrics: { folds: [], overall: {} }, code: { commit: "ec89557abc", dirty: false },
 *   datasets: [{ path: "data/raw/x.parquet", sha256: "a".repeat(64), kind: "candles" }],
 * } as any;
 * const v = provenanceView(rec, { timestamp: [Date.UTC(2024, 0, 1), Date.UTC(2024, 5, 1)], equity: [10000, 9000] });
 * assert.ok(v.html.includes("data/raw/x.parquet") && v.html.includes("aaaaaaaaaaaa…"));
 * assert.equal(v.rows.find((r) => r.name === "starting capital")!.value, "10,000 (quote)");
 * assert.match(v.rows.find((r) => r.name === "backtested bars")!.value, /2024-01-01 00:00 → 2024-06-01 00:00/);
 * ```
 */
export function provenanceView(
  record: ReportRecord,
  backtest: ProvenanceBacktest | null = null,
): ProvenanceView {
  const rows: ProvenanceRow[] = [];
  rows.push({ name: "run", value: record.run_id, code: true });
  rows.push({
    name: "started",
    value: `${fmtDate(record.started_at, true)} UTC` +
      (typeof record.duration_seconds === "number" ? ` · took ${record.duration_seconds.toFixed(1)} s` : ""),
  });
  for (const d of record.datasets) {
    rows.push({
      name: `data: ${d.kind ?? "file"}`,
      value: `${d.path} · sha256 ${d.sha256.slice(0, 12)}…`,
      full: d.sha256,
      code: true,
    });
  }
  if (backtest && backtest.timestamp.length > 0) {
    const n = backtest.timestamp.length;
    rows.push({
      name: "backtested bars",
      value: `${fmtDate(backtest.timestamp[0], true)} → ${fmtDate(backtest.timestamp[n - 1], true)} UTC · ${
        fmtNum(n)
      } bars`,
    });
  }
  const interval = _get(record.config, ["data", "interval"]);
  if (typeof interval === "string") rows.push({ name: "bar interval", value: interval });
  if (record.holdout?.start) {
    rows.push({
      name: "hold-out (lockbox)",
      value: `${fmtDate(record.holdout.start, true)} → ${fmtDate(record.holdout.end ?? null, true)} UTC`,
    });
  }
  if (record.rows && typeof record.rows.kept === "number") {
    rows.push({
      name: "modelled rows",
      value: `${fmtNum(record.rows.kept)} of ${fmtNum(record.rows.total ?? null)}` +
        (typeof record.rows.kept_share === "number"
          ? ` (${(record.rows.kept_share * 100).toFixed(1)} % of eligible)`
          : ""),
    });
  }
  rows.push({ name: "model", value: record.model_id ?? "none registered", code: true });
  const model = _get(record.config, ["model"]) as Record<string, unknown> | undefined;
  if (model && typeof model === "object") {
    rows.push({
      name: "model config",
      value: Object.entries(model).map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : v}`)
        .join(" · "),
    });
  }
  rows.push({ name: "config hash", value: record.config_hash, code: true });
  if (record.feature_spec_hash || record.label_spec_hash) {
    rows.push({
      name: "feature / label spec",
      value: `${record.feature_spec_hash ?? MISSING} / ${record.label_spec_hash ?? MISSING}`,
      code: true,
    });
  }
  if (record.seed !== undefined) {
    rows.push({ name: "seed", value: record.seed === null ? MISSING : String(record.seed) });
  }
  rows.push({
    name: "code",
    value: record.code.commit
      ? `commit ${record.code.commit.slice(0, 10)}${record.code.dirty ? " with uncommitted changes" : ""}`
      : "not a git checkout (commit unknown)",
    full: record.code.commit ?? undefined,
    code: true,
  });
  rows.push({ name: "costs", value: describeCosts(_get(record.config, ["costs"])) });
  if (backtest && backtest.equity.length > 0) {
    rows.push({ name: "starting capital", value: `${fmtNum(backtest.equity[0])} (quote)` });
  }
  const policy = _get(record.config, ["policy"]);
  if (policy && typeof policy === "object") {
    rows.push({
      name: "policy",
      value: Object.entries(policy as Record<string, unknown>).map(([k, v]) => `${k} ${v}`).join(" · "),
    });
  }
  if (record.sweep) {
    rows.push({ name: "sweep", value: `${record.sweep.id} · trial ${record.sweep.trial}`, code: true });
  }
  if (record.versions) {
    rows.push({ name: "runtime", value: `Deno ${record.versions.deno} · V8 ${record.versions.v8}` });
  }
  const body = rows.map((r) =>
    `<tr><th style="text-align:left;font-weight:normal;color:#57606a;padding:.1rem 1rem .1rem 0;vertical-align:top;` +
    `white-space:nowrap">${escapeHtml(r.name)}</th><td style="overflow-wrap:anywhere;${
      r.code ? "font-family:ui-monospace,monospace;font-size:.8rem" : ""
    }"${r.full ? ` title="${escapeHtml(r.full)}"` : ""}>${escapeHtml(r.value)}</td></tr>`
  ).join("");
  const html = topBlock(
    `<details class="candlelab-provenance" open style="border:1px solid #d0d7de;border-radius:6px;` +
      `padding:.4rem .8rem;margin:.5rem 0;font-size:.85rem"><summary style="cursor:pointer;font-weight:600">` +
      `provenance: data, model, code, costs</summary><table style="border-collapse:collapse;margin-top:.3rem;` +
      `table-layout:fixed;width:100%"><colgroup><col style="width:11rem"><col></colgroup>${body}</table></details>`,
  );
  const text = rows.map((r) => `${r.name}: ${r.full ?? r.value}`).join("\n");
  return { rows, html, [Symbol.for("Jupyter.display")]: () => ({ "text/html": html, "text/plain": text }) };
}
