/**
 * Opens reports in headless Chromium: a chart really renders (pixels of the line's colour), and a report
 * built from every report view, at 1400 and 800 px, has no overlapping or clipped text, no clipped table
 * and no page overflow (report_browser.ts measures the text boxes). `REPORT_FILES=a.html,b.html` checks
 * shipped reports the same way. Skipped with a message when /usr/bin/chromium is absent.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { lineChart } from "../plots/mod.ts";
import { buildReportHtml } from "./html_report.ts";
import { _decodePng } from "./_png.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!HAVE) {
  console.warn("report_screenshot_test.ts: /usr/bin/chromium is missing, skipping (run: bash .ci/setup)");
}

Deno.test({
  name: "a report opened in headless Chromium shows its manifest and a rendered chart",
  ignore: !HAVE,
  async fn() {
    const dir = await Deno.makeTempDir();
    const ts = Float64Array.from({ length: 50 }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000);
    const close = Float64Array.from(ts, (_, i) => 100 + 10 * Math.sin(i / 4));
    const chart = lineChart({ timestamp: ts, close }, {
      y: "close",
      title: "Screenshot check",
      width: 600,
      height: 300,
    });
    const html = buildReportHtml({
      title: "screenshot",
      manifest: { runId: "r", status: "ok" },
      bodyFragment: `<div class="output_subarea">${chart.svg}</div>`,
    });
    const page = join(dir, "report.html");
    await Deno.writeTextFile(page, html);
    const png = join(dir, "shot.png");
    const out = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${join(dir, "profile")}`,
        `--screenshot=${png}`,
        "--window-size=800,700",
        `file://${page}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr).slice(-2000));
    const img = _decodePng(await Deno.readFile(png));
    assert.equal(img.width, 800);
    assert.equal(img.height, 700);
    let steelblue = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const [r, g, b] = img.rgb(x, y);
        if (Math.abs(r - 70) < 30 && Math.abs(g - 130) < 30 && Math.abs(b - 180) < 30) steelblue++;
      }
    }
    assert.ok(steelblue > 200, `expected the steelblue line to be drawn, found ${steelblue} pixels of it`);
  },
});

// --- every report chart and table at two widths: no overlapping or clipped text (report_browser.ts) ---

import { renderReport } from "./report_browser.ts";
import { barChart, heatmap, overlayChart } from "../plots/mod.ts";
import { runVerdict } from "./report_verdict.ts";
import { provenanceView } from "./report_provenance.ts";
import { tearSheet } from "./report_sheet.ts";
import { calibrationPlot, foldResultsView } from "./report_folds.ts";
import { comparisonRunsView, comparisonSharpeChart } from "./report_compare.ts";
import { confusionChart, importanceChart } from "./experiment_views.ts";
import type { Trade } from "../backtest/engine.ts";

const FEATURES = [
  "vol_ratio_24_168",
  "macd_hist_12_26_9",
  "macd_signal_12_26_9",
  "close_vs_ema_200",
  "funding_rate_zscore_7d",
  "basis_annualised_8h",
  "hour",
  "dow",
  "rsi_14",
  "ret_1",
  "upper_wick",
  "lower_wick",
  "dist_max_48",
  "premium_index_mean_24",
];

/** A whole report page built by the report helpers from synthetic but realistic inputs. */
function _fixtureReport(): { html: string; charts: number } {
  const H = 3_600_000;
  const n = 24 * 400;
  const timestamp = Float64Array.from({ length: n }, (_, i) => Date.UTC(2023, 0, 1) + i * H);
  const close = Float64Array.from(timestamp, (_, i) => 20000 * Math.exp(0.9 * Math.sin(i / 900) + i / 12000));
  const equity = Float64Array.from(
    timestamp,
    (_, i) => 10_000 * (1 - 0.06 * (i / n) + 0.02 * Math.sin(i / 300)),
  );
  const trades: Trade[] = Array.from({ length: 40 }, (_, k) => ({
    side: k % 3 === 0 ? -1 : 1,
    entryTime: timestamp[k * 200],
    entryPrice: close[k * 200],
    exitTime: timestamp[k * 200 + 7 + (k % 5) * 30],
    exitPrice: close[k * 200 + 7 + (k % 5) * 30],
    qty: 0.2,
    pricePnl: 30 * Math.sin(k),
    gapPnl: 0,
    fees: 4,
    slippage: 0.8,
    funding: k % 4 === 0 ? -0.5 : 0.2,
    net: 30 * Math.sin(k) - 4.8,
    exitReason: k % 2 ? "signal" : "stop_loss",
    open: k === 39,
  } as Trade));
  const m = {
    totalReturn: -0.0598,
    cagr: -0.0267,
    sharpe: -1.81,
    sortino: -2.15,
    maxDrawdown: -0.0627,
    calmar: -0.43,
    hitRate: 0.354,
    turnover: 34.5,
    exposure: 0.0177,
    avgTrade: -9.19,
    nTrades: 40,
  };
  const bh = {
    totalReturn: 3.86465,
    cagr: 1.0,
    sharpe: 1.69,
    sortino: 2.43,
    maxDrawdown: -0.323,
    calmar: 3.11,
  };
  const attribution = {
    pricePnl: -198.8,
    gapPnl: 0,
    fees: 332.4,
    slippage: 66.5,
    funding: -2.1,
    net: -599.8,
  };
  const bt = {
    timestamp,
    equity,
    position: Float64Array.from(timestamp, (_, i) => (i % 500 < 40 ? 0.2 : 0)),
    trades,
    attribution,
    metrics: m,
    buyAndHold: bh,
    flags: { missingFunding: { count: 2 }, gaps: { count: 0 }, markFallbacks: 0, liquidations: 0 },
  };
  const record = {
    run_id: "20261206T223848Z-98930ef2-0h3sdv",
    strategy: "btc_perp_funding_basis_with_a_long_name",
    status: "ok" as const,
    started_at: "2026-12-06T22:38:48.000Z",
    duration_seconds: 12.7,
    config: {
      data: { interval: "1h" },
      model: {
        kind: "hist_random_forest",
        nTrees: 60,
        maxDepth: 6,
        minSamplesLeaf: 50,
        classWeight: "balanced",
      },
      costs: { makerBps: 10, takerBps: 10, slippage: { kind: "fixed", bps: 2 }, leverage: 1 },
      policy: { entry: 0.48, exit: 0.4, minSize: 0.25, maxSize: 1, allowShort: false, rebalanceBand: 0.5 },
    },
    config_hash: "98930ef2c0f125aa",
    seed: 7,
    datasets: [
      {
        path: "data/raw/binance_BTC_USDT_perp_1h.parquet",
        sha256: "670a59c55a92".padEnd(64, "e"),
        kind: "ohlcv",
      },
      { path: "data/raw/binance_BTC_USDT_perp_8h_funding.parquet", sha256: "1".repeat(64), kind: "funding" },
    ],
    model_id: "b323993a8a51e834",
    metrics: {
      folds: [1, 2, 3, 4].map((fold) => ({
        fold,
        train_start: "2022-02-27T00:00:00.000Z",
        train_end: `2023-0${fold + 1}-01T00:00:00.000Z`,
        test_start: `2023-0${fold + 1}-02T00:00:00.000Z`,
        test_end: `2023-0${fold + 2}-01T00:00:00.000Z`,
        test_rows: 4983,
        accuracy: 0.41 + fold / 100,
        majority_baseline: 0.53,
        macro_f1: 0.41,
        log_loss: 1.08,
      })),
      overall: { accuracy: 0.44, majority_baseline: 0.503, macro_f1: 0.41, log_loss: 1.06 },
    },
    backtest: null,
    code: { commit: "14d2f45c13aa", dirty: true },
    verdict: {
      text: "no evidence of skill: label skill yes (macro-F1 0.410 vs majority 0.223 / prior-random 0.333 " +
        "(p = 0.001)), economic skill no (p = 0.826, 1000 circular shifts >= 4 bars), net -5.98 % (gross -1.99 %)",
      label_skill: true,
      economic_skill: false,
      macro_f1: 0.41,
      macro_f1_majority: 0.223,
      macro_f1_prior_random: 0.333,
      p_value: 0.826,
      permutation_draws: 1000,
      min_shift_bars: 4,
      costs_share_of_gross: null,
    },
    warnings: ["2 funding events missing (flagged, not guessed)"],
    holdout: { start: "2024-07-01T00:00:00.000Z", end: "2025-01-01T00:00:00.000Z", opened: false, opens: 0 },
  };
  const deflated = {
    run_id: record.run_id,
    sharpe: -0.02,
    sharpe_annualised: -1.81,
    n_trials: 11,
    sr0: 0.01,
    sr0_annualised: 1.02,
    dsr: 0.0,
    reason: null,
    p_value: 0.826,
    economic_skill: false,
    rank: null,
  };
  const corr = FEATURES.map((_, i) => FEATURES.map((_, j) => (i === j ? 1 : Math.sin(i * 7 + j * 3) * 0.8)));
  const ids = ["20261206T101500Z-aa-vonq7n", "20261206T113000Z-bb-k2p9aa", "20261206T120000Z-cc-x7y8z9"];
  const charts = [
    ...tearSheet(bt, { timestamp, close }, record.strategy).filter((x) => "svg" in x),
    importanceChart(
      Object.fromEntries(FEATURES.map((f, i) => [f, 0.15 / (1 + i)])),
      "importance, mean over folds",
    ),
    heatmap(corr, {
      title: "feature correlation",
      rowLabels: FEATURES,
      colLabels: FEATURES,
      diverging: true,
      digits: 1,
      width: 1100,
      height: 760,
    }),
    confusionChart({ confusion: [[1655, 1487, 1593], [2294, 5026, 2538], [1555, 1688, 1928]] }, "confusion"),
    calibrationPlot({
      majorityBaseline: 0.503,
      calibration: [0.37, 0.43, 0.49, 0.56, 0.62, 0.68].map((c, i) => ({
        lo: c - 0.03,
        hi: c + 0.03,
        count: 11000 / (1 + i * i),
        meanConfidence: c,
        accuracy: Math.min(1, c + i * 0.07),
      })),
    }, "calibration of the max probability"),
    comparisonSharpeChart({
      deflated: ids.map((id, i) => ({
        ...deflated,
        run_id: id,
        sharpe_annualised: [-1.8, 0.4, 2.1][i],
        n_trials: i + 1,
      })),
    }),
    overlayChart(
      ids.map((id, i) => ({
        name: `${id.slice(9, 13)} ${id.split("-").at(-1)} btc_spot_ema_cross_rsi`,
        timestamp,
        values: Float64Array.from(equity, (v) => v / 10_000 - 1 + i * 0.01),
      })),
      { title: "equity of compared runs", percent: true, reference: 0 },
    ),
    barChart(["price PnL", "gap PnL", "fees", "slippage", "funding", "net"], [
      -198.8,
      0,
      -332.4,
      -66.5,
      -2.1,
      -599.8,
    ], {
      title: "attribution",
    }),
  ];
  const tables = [
    ...tearSheet(bt, { timestamp, close }, record.strategy).filter((x) => !("svg" in x)),
    foldResultsView(record.metrics),
    comparisonRunsView({
      runs: ids.map((id) => ({
        run_id: id,
        strategy: "btc_spot_ema_cross_rsi",
        status: "ok" as const,
        started_at: "2026-12-06T10:15:00Z",
        duration_seconds: 10,
        macro_f1: 0.41,
        total_return: -0.0598,
        sharpe_annualised: -1.81,
        model_id: "b323993a8a51e834",
        verdict: null,
        skill: "none",
      })),
      deflated: ids.map((id) => ({ ...deflated, run_id: id })),
    }),
  ];
  const cell = (html: string) =>
    `<div class="cell code_cell"><div class="output_area"><div class="output_subarea">${html}</div></div></div>`;
  const body = [
    cell(runVerdict(record, deflated, bt).html),
    cell(provenanceView(record, bt).html),
    ...charts.map((c) => cell((c as { svg: string }).svg)),
    ...tables.map((t) => cell((t as { html: string }).html)),
  ].join("\n");
  const html = buildReportHtml({
    title: "03_train_spot — 20261206T223841Z-80568b60",
    manifest: {
      status: "ok",
      parameters: { config: "../configs/strategies/btc_spot_ema_cross_rsi.yaml", seed: 7 },
    },
    bodyFragment: body,
  });
  return { html, charts: charts.length };
}

for (const width of [1400, 800]) {
  Deno.test({
    name:
      `report charts and tables at ${width} px: no overlapping or clipped text, nothing wider than the page`,
    ignore: !HAVE,
    async fn() {
      const { html, charts } = _fixtureReport();
      const r = await renderReport(html, { width });
      assert.equal(r.charts, charts, "every chart was measured");
      assert.deepEqual(
        r.problems,
        [],
        r.problems.map((p) => `${p.kind} in "${p.where}": ${p.detail}`).join("\n"),
      );
    },
  });
}

Deno.test({
  name: "the layout check finds overlapping and clipped labels (it can fail)",
  ignore: !HAVE,
  async fn() {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
<title>bad chart</title><text x="10" y="50" font-size="14">vol_ratio_24_168</text>
<text x="40" y="52" font-size="14">macd_hist_12_26_9</text><text x="250" y="90" font-size="14">clipped label</text></svg>`;
    const wide =
      `<div style="width:200px;overflow:hidden"><table><caption>wide</caption><tr><td style="white-space:nowrap">${
        "x".repeat(200)
      }</td></tr></table></div>`;
    const r = await renderReport(`<!doctype html><html><body>${svg}${wide}</body></html>`, { width: 800 });
    const kinds = r.problems.map((p) => `${p.kind}:${p.where}`).sort();
    assert.deepEqual(kinds, ["clipped-table:wide", "clipped-text:bad chart", "overlap:bad chart"]);
  },
});

// Real reports on demand: REPORT_FILES=experiments/runs/<id>/03_train_spot.html,... checks shipped reports too.
const REPORT_FILES = (Deno.env.get("REPORT_FILES") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
for (const file of REPORT_FILES) {
  for (const width of [1400, 800]) {
    Deno.test({
      name: `${file} at ${width} px: no overlapping or clipped text`,
      ignore: !HAVE,
      async fn() {
        const r = await renderReport(await Deno.readTextFile(file), { width });
        assert.ok(r.charts > 0, `${file} has no chart`);
        assert.deepEqual(
          r.problems,
          [],
          r.problems.map((p) => `${p.kind} in "${p.where}": ${p.detail}`).join("\n"),
        );
      },
    });
  }
}
