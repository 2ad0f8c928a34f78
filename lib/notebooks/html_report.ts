/**
 * The self-contained HTML of a notebook run: nbconvert's "basic" body fragment (no CDN references) inside
 * Candlelab's own page with inline CSS. At the top: the notebook's verdict and provenance blocks (outputs
 * marked with {@link TOP_BLOCK}, moved up from where the notebook printed them), then one line about the
 * notebook run (parameters, commit, duration) with the whole manifest folded away below it and embedded
 * as `<script type="application/json" id="candlelab-manifest">`. Code cells are hidden behind a "show
 * code" switch (pure CSS, works without scripts); the `void 0;` that ends an injected parameters cell is
 * never shown. External resource references are stripped, so opening the file makes no network request.
 *
 * @module
 */

/** Start and end markers of an output block that the report shows at its top (verdict, provenance). */
export const TOP_BLOCK = { start: "<!--candlelab:top-->", end: "<!--/candlelab:top-->" } as const;

/**
 * Wraps report HTML so {@link buildReportHtml} moves it to the top of the shared report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topBlock } from "./html_report.ts";
 * assert.equal(topBlock("<p>v</p>"), "<!--candlelab:top--><p>v</p><!--/candlelab:top-->");
 * ```
 */
export function topBlock(html: string): string {
  return `${TOP_BLOCK.start}${html}${TOP_BLOCK.end}`;
}

/** A resource reference that would make the browser fetch from the network. */
export interface ExternalRef {
  tag: string;
  attribute: string;
  url: string;
}

const _FETCHING_TAGS = "script|link|img|iframe|source|video|audio|embed|object|image|use|input|track|frame";
const _ATTR_RE = /\s((?:xlink:)?href|src|srcset|data|poster)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const _EXTERNAL_URL = /^\s*(?:https?:)?\/\//i;

/**
 * Lists tags that would load a resource from the network (`<script src="https://...">`, stylesheets,
 * images, iframes, `url(http...)` in CSS). Plain `<a href>` links are not listed (they load nothing).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { findExternalRefs } from "./html_report.ts";
 * const refs = findExternalRefs('<script src="https://cdn.x/require.js"></script><a href="https://x">x</a>');
 * assert(refs.length === 1 && refs[0].tag === "script");
 * ```
 */
export function findExternalRefs(html: string): ExternalRef[] {
  const out: ExternalRef[] = [];
  const tagRe = new RegExp(`<(${_FETCHING_TAGS})\\b[^>]*>`, "gi");
  for (const m of html.matchAll(tagRe)) {
    for (const a of m[0].matchAll(_ATTR_RE)) {
      const url = a[3] ?? a[4] ?? a[5] ?? "";
      if (_EXTERNAL_URL.test(url)) out.push({ tag: m[1].toLowerCase(), attribute: a[1].toLowerCase(), url });
    }
  }
  for (const m of html.matchAll(/(?:url\(\s*["']?|@import\s+["'])((?:https?:)?\/\/[^"')\s]+)/gi)) {
    out.push({ tag: "style", attribute: "url", url: m[1] });
  }
  return out;
}

/**
 * Removes every network-loading reference: `<script src=external>` elements are dropped whole, other
 * tags lose the attribute, CSS `url(http...)` and `@import` become empty. Returns the cleaned HTML.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { stripExternalRefs, findExternalRefs } from "./html_report.ts";
 * const html = stripExternalRefs('<script src="https://cdn/x.js"></script><img src="http://x/a.png"><p>ok</p>');
 * assert(findExternalRefs(html).length === 0 && html.includes("<p>ok</p>"));
 * ```
 */
export function stripExternalRefs(html: string): string {
  let out = html.replace(
    /<script\b[^>]*\ssrc\s*=\s*["']?\s*(?:https?:)?\/\/[^>]*>[\s\S]*?<\/script\s*>/gi,
    "<!-- external script removed -->",
  );
  const tagRe = new RegExp(`<(${_FETCHING_TAGS})\\b[^>]*>`, "gi");
  out = out.replace(
    tagRe,
    (tag) =>
      tag.replace(
        _ATTR_RE,
        (attr, _name, _q, d, s, b) => (_EXTERNAL_URL.test(d ?? s ?? b ?? "") ? "" : attr),
      ),
  );
  out = out.replace(/@import\s+(?:url\()?["']?(?:https?:)?\/\/[^;]*;?/gi, "");
  out = out.replace(/url\(\s*["']?(?:https?:)?\/\/[^)]*\)/gi, "none");
  return out;
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { escapeHtml } from "./html_report.ts";
 * assert(escapeHtml('<a "b">&') === "&lt;a &quot;b&quot;&gt;&amp;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and line separators are escaped so
 * no value can close the script element.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scriptJson } from "./html_report.ts";
 * assert(!scriptJson({ a: "</script>" }).includes("</script>"));
 * assert(JSON.parse(scriptJson({ a: "</script>" })).a === "</script>");
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(
    /&/g,
    "\\u0026",
  )
    .replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Inputs of {@link buildReportHtml}. */
export interface ReportInputs {
  title: string;
  /** The run manifest (summarised at the top, folded in full, and embedded as JSON). */
  manifest: Record<string, unknown>;
  /** nbconvert "basic" body fragment. */
  bodyFragment: string;
  /** Extra CSS (e.g. the Pygments highlight rules). */
  extraCss?: string;
}

/**
 * Removes the `void 0;` line nb:run appends to an injected parameters cell, in plain or
 * Pygments-highlighted code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripVoidZero } from "./html_report.ts";
 * const hl = 'a = 1;\n<span class="k">void</span><span class="w"> </span><span class="mf">0</span><span class="p">;</span>\n</pre>';
 * assert.equal(stripVoidZero(hl), "a = 1;\n</pre>");
 * assert.equal(stripVoidZero("x = 2;\nvoid 0;\n"), "x = 2;\n");
 * ```
 */
export function stripVoidZero(html: string): string {
  const tag = (text: string) => `(?:<span[^>]*>)?${text}(?:</span>)?`;
  const re = new RegExp(
    `\\n?${tag("void")}${tag("\\s+")}${tag("0")}${tag(";")}(?=\\s*(?:\\n|</pre>|$))`,
    "g",
  );
  return html.replace(re, "");
}

/** Moves every {@link TOP_BLOCK} out of `body`; returns the blocks (in order) and the rest. */
export function _hoistTopBlocks(body: string): { top: string[]; rest: string } {
  const top: string[] = [];
  const re = new RegExp(`${TOP_BLOCK.start}([\\s\\S]*?)${TOP_BLOCK.end}`, "g");
  const rest = body.replace(re, (_m, inner: string) => {
    top.push(inner);
    return "";
  });
  return { top, rest };
}

function _short(v: unknown, n: number): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

/** One line about the notebook run: status, when, how long, commit, parameters (overrides bold). */
function _runLine(m: Record<string, unknown>): string {
  const parts: string[] = [];
  const started = typeof m.startedAt === "string"
    ? m.startedAt.replace("T", " ").slice(0, 16) + " UTC"
    : null;
  if (started) parts.push(`started ${escapeHtml(started)}`);
  if (typeof m.durationMs === "number") parts.push(`took ${(m.durationMs / 1000).toFixed(1)} s`);
  if (typeof m.gitCommit === "string") {
    parts.push(
      `commit <code>${escapeHtml(m.gitCommit.slice(0, 10))}</code>${
        m.gitDirty ? " (uncommitted changes)" : ""
      }`,
    );
  }
  if (typeof m.denoVersion === "string") parts.push(`Deno ${escapeHtml(m.denoVersion)}`);
  const params = (m.parameters ?? {}) as Record<string, unknown>;
  const overrides = (m.overrides ?? {}) as Record<string, unknown>;
  const chips = Object.entries(params).map(([k, v]) =>
    `<span class="param${k in overrides ? " override" : ""}" title="${escapeHtml(JSON.stringify(v))}">${
      escapeHtml(k)
    } = ${escapeHtml(_short(v, 48))}</span>`
  );
  const link = ["experimentRun", "experiment_run", "experimentRunId"].map((k) => m[k]).find((v) =>
    typeof v === "string"
  ) as string | undefined;
  if (link) parts.push(`experiment run <code>${escapeHtml(link)}</code>`);
  return `<p class="run-line">${parts.join(" · ")}</p>` +
    (chips.length ? `<p class="params"><span class="muted">parameters</span> ${chips.join(" ")}</p>` : "");
}

/**
 * Builds the self-contained report page; external references in the fragment are stripped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildReportHtml, findExternalRefs, topBlock } from "./html_report.ts";
 * const html = buildReportHtml({
 *   title: "t", manifest: { status: "ok" }, bodyFragment: `<p>hi</p>${topBlock("<p>verdict</p>")}`,
 * });
 * assert.ok(html.includes('id="candlelab-manifest"') && findExternalRefs(html).length === 0);
 * assert.ok(html.indexOf("verdict") < html.indexOf("<p>hi</p>"));
 * ```
 */
export function buildReportHtml(inputs: ReportInputs): string {
  const rows = Object.entries(inputs.manifest)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) =>
      `<tr><th>${escapeHtml(k)}</th><td>${
        escapeHtml(typeof v === "string" ? v : JSON.stringify(v))
      }</td></tr>`
    )
    .join("\n");
  const status = String(inputs.manifest.status ?? "unknown");
  const { top, rest } = _hoistTopBlocks(stripVoidZero(inputs.bodyFragment));
  const error = inputs.manifest.error as { message?: string } | undefined;
  return stripExternalRefs(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(inputs.title)}</title>
<style>
${_CSS}
${inputs.extraCss ?? ""}
</style>
<script type="application/json" id="candlelab-manifest">
${scriptJson(inputs.manifest)}
</script>
</head>
<body>
<input type="checkbox" id="candlelab-show-code" class="code-switch">
<header class="candlelab-run status-${escapeHtml(status)}">
<h1>${escapeHtml(inputs.title)} <span class="badge">${escapeHtml(status)}</span></h1>
${error?.message ? `<p class="run-error">${escapeHtml(error.message)}</p>` : ""}
${_runLine(inputs.manifest)}
<label for="candlelab-show-code" class="code-toggle">show code</label>
<details class="manifest"><summary>notebook run manifest</summary>
<table class="manifest">
${rows}
</table>
</details>
</header>
${top.length ? `<section class="candlelab-top">\n${top.join("\n")}\n</section>` : ""}
<main>
${rest}
</main>
</body>
</html>
`);
}

const _CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px;
  padding: 1rem 1.5rem; color: #1f2328; background: #fff; }
header.candlelab-run { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; }
header.candlelab-run h1 { font-size: 1.3rem; margin: .3rem 0; overflow-wrap: anywhere; }
.badge { font-size: .8rem; padding: .1rem .5rem; border-radius: 1rem; background: #dafbe1; color: #116329; }
.status-failed .badge, .status-running .badge { background: #ffebe9; color: #a40e26; }
.run-error { color: #a40e26; font-weight: 600; }
.run-line, .params { margin: .25rem 0; font-size: .85rem; color: #57606a; }
.param { display: inline-block; font-family: ui-monospace, monospace; font-size: .78rem; background: #f6f8fa;
  border: 1px solid #d0d7de; border-radius: 4px; padding: 0 .35rem; margin: .1rem .15rem; overflow-wrap: anywhere; }
.param.override { border-color: #bf8700; background: #fff8c5; }
.muted { color: #57606a; }
.code-switch { position: absolute; opacity: 0; pointer-events: none; }
.code-toggle { display: inline-block; font-size: .8rem; cursor: pointer; user-select: none; border: 1px solid #d0d7de;
  border-radius: 4px; padding: .05rem .5rem; margin: .2rem 0; background: #f6f8fa; }
.code-toggle::before { content: "▸ "; }
.code-switch:checked ~ header .code-toggle::before { content: "▾ "; }
.code-switch:focus-visible ~ header .code-toggle { outline: 2px solid #0969da; }
.code-switch:not(:checked) ~ main .code_cell .input { display: none; }
.code-switch:not(:checked) ~ main .code_cell:not(:has(.output_area)) { display: none; }
details.manifest { font-size: .8rem; margin: .2rem 0; }
details.manifest summary { cursor: pointer; color: #57606a; }
table.manifest { border-collapse: collapse; font-size: .8rem; }
table.manifest th { text-align: left; padding: .15rem 1rem .15rem 0; color: #57606a; vertical-align: top; }
table.manifest td { font-family: ui-monospace, monospace; word-break: break-all; }
section.candlelab-top { margin-bottom: 1rem; }
.cell { margin: .6rem 0; }
.prompt, .anchor-link { display: none; }
.input_area { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 4px; padding: .2rem .6rem; }
.input_area pre, .output_area pre { margin: .2rem 0; font-size: .8rem; overflow-x: auto; }
.output_area { padding: .2rem .6rem; overflow-x: auto; }
.output_stderr { background: #fff5f5; }
.output_error pre { color: #a40e26; }
.output_svg svg, .output_subarea svg { max-width: 100%; height: auto; }
.text_cell_render { line-height: 1.45; }
.celltag_injected-parameters .input_area { border-left: 4px solid #bf8700; }
.celltag_parameters .input_area { border-left: 4px solid #0969da; }
.candlelab-table-wrap { overflow-x: auto; max-width: 100%; }
table.candlelab-table { border-collapse: collapse; font-size: .8rem; }
table.candlelab-table caption { text-align: left; font-weight: 600; padding: .2rem 0; }
table.candlelab-table th, table.candlelab-table td { padding: .15rem .6rem; border-bottom: 1px solid #eaeef2;
  white-space: nowrap; }
table.candlelab-table .num { text-align: right; font-variant-numeric: tabular-nums; }
table.candlelab-table .txt { text-align: left; }
table.candlelab-table td.na { color: #8c959f; }
table.candlelab-table tfoot td { color: #57606a; font-size: .75rem; border: 0; }
.candlelab-empty { color: #57606a; font-style: italic; font-size: .85rem; }
.ansi-red-fg { color: #c01c28; } .ansi-green-fg { color: #26a269; } .ansi-yellow-fg { color: #9a6700; }
.ansi-blue-fg { color: #0969da; } .ansi-magenta-fg { color: #8250df; } .ansi-cyan-fg { color: #1b7c83; }
.ansi-bold { font-weight: bold; }
`;
