/**
 * Opens a report in headless Chromium and checks the chart really renders (pixels of the line's colour
 * where the chart is). Skipped with a message when /usr/bin/chromium is absent.
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
