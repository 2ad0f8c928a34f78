/**
 * Reports in a real browser: headless Chromium renders a report page at a given width, takes a
 * screenshot, and measures every chart label's box so overlapping or clipped text is found (text boxes
 * that intersect inside one chart, text outside its chart, tables clipped instead of scrolling, a page
 * wider than the window). Used by report_screenshot_test.ts; the Chromium path is a parameter.
 *
 * @module
 */
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** One layout problem found in the rendered page. */
export interface LayoutProblem {
  kind: "overlap" | "clipped-text" | "clipped-table" | "page-overflow";
  /** The chart title or table caption it was found in. */
  where: string;
  detail: string;
}

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** Window width in px. */
  width: number;
  /** Window height in px (screenshots). @default 2400 */
  height?: number;
  /** Write a PNG screenshot here. */
  screenshot?: string;
  /** Chromium executable. @default CHROMIUM */
  chromium?: string;
}

/**
 * The in-page measurement, run after layout: collects the boxes of every non-empty SVG `<text>` per
 * chart, pairs that intersect by more than 1 px in both directions, text beyond its chart's box, scroll
 * wrappers that clip instead of scroll, and page overflow; writes them as JSON into `#candlelab-layout`.
 */
export const LAYOUT_SCRIPT = `<script>
(function () {
  var out = [];
  var svgs = document.querySelectorAll("svg");
  for (var s = 0; s < svgs.length; s++) {
    var svg = svgs[s];
    if (svg.parentElement && svg.parentElement.closest("svg")) continue;
    var t = svg.querySelector("title");
    var where = (t && t.textContent) || ("chart " + s);
    var box = svg.getBoundingClientRect();
    var items = [];
    var texts = svg.querySelectorAll("text");
    for (var i = 0; i < texts.length; i++) {
      var el = texts[i];
      if (!el.textContent || !el.textContent.trim()) continue;
      var r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      items.push({ text: el.textContent.trim(), r: r });
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        out.push({ kind: "clipped-text", where: where, detail: JSON.stringify(el.textContent.trim()) +
          " box " + [r.left, r.top, r.right, r.bottom].map(Math.round).join(",") + " outside chart " +
          [box.left, box.top, box.right, box.bottom].map(Math.round).join(",") });
      }
    }
    for (var a = 0; a < items.length; a++) {
      for (var b = a + 1; b < items.length; b++) {
        var p = items[a].r, q = items[b].r;
        var w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        var h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        // glyph boxes include line spacing: stacked labels of one axis touch by ~2 px without colliding
        if (w > 1 && h > Math.min(p.height, q.height) * 0.25) {
          out.push({ kind: "overlap", where: where, detail: JSON.stringify(items[a].text) + " overlaps " +
            JSON.stringify(items[b].text) + " by " + Math.round(w) + "x" + Math.round(h) + " px" });
        }
      }
    }
  }
  var wraps = document.querySelectorAll("table");
  for (var k = 0; k < wraps.length; k++) {
    var tb = wraps[k];
    var parent = tb.parentElement;
    while (parent && parent !== document.body) {
      var ox = getComputedStyle(parent).overflowX;
      if (parent.scrollWidth > parent.clientWidth + 1) {
        if (ox !== "auto" && ox !== "scroll") {
          var cap = tb.querySelector("caption");
          out.push({ kind: "clipped-table", where: (cap && cap.textContent) || ("table " + k), detail:
            "table is " + tb.scrollWidth + " px wide in a " + parent.clientWidth + " px block with overflow-x " + ox });
        }
        break;
      }
      parent = parent.parentElement;
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push({ kind: "page-overflow", where: "page", detail: "page is " + document.documentElement.scrollWidth +
      " px wide in a " + window.innerWidth + " px window" });
  }
  var pre = document.createElement("pre");
  pre.id = "candlelab-layout";
  pre.textContent = JSON.stringify({ problems: out, charts: svgs.length });
  document.body.appendChild(pre);
})();
</script>`;

/** What {@link renderReport} returns. */
export interface RenderResult {
  problems: LayoutProblem[];
  /** Number of SVG charts measured. */
  charts: number;
}

function _args(dir: string, width: number, height: number): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${join(dir, "profile")}`,
    `--window-size=${width},${height}`,
  ];
}

async function _chromium(exe: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(exe, { args, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) {
    throw new CandlelabError(
      `Cannot render a report in ${exe}: it exited with ${out.code}: ${
        new TextDecoder().decode(out.stderr).slice(-800)
      }; check that Chromium runs headless (bash .ci/setup installs it)`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/**
 * Renders `html` (a whole report page) in headless Chromium at `width` px, optionally writes a
 * screenshot, and returns the layout problems measured in the page.
 *
 * @example
 * ```ts ignore
 * import { renderReport } from "./report_browser.ts";
 * const r = await renderReport("<html><body><svg></svg></body></html>", { width: 800 });
 * console.log(r.problems);
 * ```
 */
export async function renderReport(html: string, options: RenderOptions): Promise<RenderResult> {
  const exe = options.chromium ?? CHROMIUM;
  const dir = await Deno.makeTempDir({ prefix: "candlelab-render-" });
  try {
    const height = options.height ?? 2400;
    const page = join(dir, "page.html");
    if (options.screenshot) {
      await Deno.writeTextFile(page, html);
      await _chromium(exe, [
        ..._args(dir, options.width, height),
        `--screenshot=${options.screenshot}`,
        `file://${page}`,
      ]);
    }
    const measured = html.includes("</body>")
      ? html.replace(/<\/body>(?![\s\S]*<\/body>)/, `${LAYOUT_SCRIPT}</body>`)
      : html + LAYOUT_SCRIPT;
    await Deno.writeTextFile(page, measured);
    const dom = await _chromium(exe, [..._args(dir, options.width, height), "--dump-dom", `file://${page}`]);
    const m = /<pre id="candlelab-layout">([\s\S]*?)<\/pre>/.exec(dom);
    if (!m) {
      throw new CandlelabError(
        `Cannot measure the report layout: Chromium's DOM has no #candlelab-layout block (${dom.length} chars); ` +
          `the page's scripts did not run`,
      );
    }
    const text = m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(
      /&amp;/g,
      "&",
    );
    return JSON.parse(text) as RenderResult;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
