/**
 * The self-contained HTML of a notebook run: nbconvert's "basic" body fragment (no CDN references) inside
 * Candlelab's own page with inline CSS, the run manifest shown at the top and embedded as
 * `<script type="application/json" id="candlelab-manifest">`. External resource references are stripped,
 * so opening the file makes no network request.
 *
 * @module
 */

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
 * import { findExternalRefs } from "./html_report.ts";
 * const refs = findExternalRefs('<script src="https://cdn.x/require.js"></script><a href="https://x">x</a>');
 * console.assert(refs.length === 1 && refs[0].tag === "script");
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
 * import { stripExternalRefs, findExternalRefs } from "./html_report.ts";
 * const html = stripExternalRefs('<script src="https://cdn/x.js"></script><img src="http://x/a.png"><p>ok</p>');
 * console.assert(findExternalRefs(html).length === 0 && html.includes("<p>ok</p>"));
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
 * import { escapeHtml } from "./html_report.ts";
 * console.assert(escapeHtml('<a "b">&') === "&lt;a &quot;b&quot;&gt;&amp;");
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
 * import { scriptJson } from "./html_report.ts";
 * console.assert(!scriptJson({ a: "</script>" }).includes("</script>"));
 * console.assert(JSON.parse(scriptJson({ a: "</script>" })).a === "</script>");
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
  /** The run manifest (shown as a table and embedded as JSON). */
  manifest: Record<string, unknown>;
  /** nbconvert "basic" body fragment. */
  bodyFragment: string;
  /** Extra CSS (e.g. the Pygments highlight rules). */
  extraCss?: string;
}

/**
 * Builds the self-contained report page; external references in the fragment are stripped.
 *
 * @example
 * ```ts
 * import { buildReportHtml, findExternalRefs } from "./html_report.ts";
 * const html = buildReportHtml({ title: "t", manifest: { status: "ok" }, bodyFragment: "<p>hi</p>" });
 * console.assert(html.includes('id="candlelab-manifest"') && findExternalRefs(html).length === 0);
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
<header class="candlelab-run status-${escapeHtml(status)}">
<h1>${escapeHtml(inputs.title)} <span class="badge">${escapeHtml(status)}</span></h1>
<table class="manifest">
${rows}
</table>
</header>
<main>
${inputs.bodyFragment}
</main>
</body>
</html>
`);
}

const _CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px;
  padding: 1rem 1.5rem; color: #1f2328; background: #fff; }
header.candlelab-run { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; }
header.candlelab-run h1 { font-size: 1.3rem; }
.badge { font-size: .8rem; padding: .1rem .5rem; border-radius: 1rem; background: #dafbe1; color: #116329; }
.status-failed .badge, .status-running .badge { background: #ffebe9; color: #a40e26; }
table.manifest { border-collapse: collapse; font-size: .85rem; }
table.manifest th { text-align: left; padding: .15rem 1rem .15rem 0; color: #57606a; vertical-align: top; }
table.manifest td { font-family: ui-monospace, monospace; word-break: break-all; }
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
table.candlelab-table { border-collapse: collapse; font-size: .8rem; }
table.candlelab-table th, table.candlelab-table td { padding: .15rem .5rem; border-bottom: 1px solid #eaeef2; text-align: right; }
.ansi-red-fg { color: #c01c28; } .ansi-green-fg { color: #26a269; } .ansi-yellow-fg { color: #9a6700; }
.ansi-blue-fg { color: #0969da; } .ansi-magenta-fg { color: #8250df; } .ansi-cyan-fg { color: #1b7c83; }
.ansi-bold { font-weight: bold; }
`;
