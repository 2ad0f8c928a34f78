import assert from "node:assert/strict";
import {
  buildReportHtml,
  findExternalRefs,
  stripExternalRefs,
  stripVoidZero,
  topBlock,
} from "./html_report.ts";

const CDN_PAGE = `<html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
<script type="text/javascript" src='//cdn.mathjax.org/mathjax.js?config=TeX'></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
<style>@import url("https://cdn.x/a.css"); body { background: url(http://x/bg.png) }</style>
</head><body><img src="http://x/a.png" alt="a"><a href="https://example.org">link</a>
<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x/i.png"/></svg><script>var x = 1;</script></body></html>`;

Deno.test("findExternalRefs() finds every script, stylesheet, image and CSS url that would hit the network", () => {
  const refs = findExternalRefs(CDN_PAGE);
  const tags = refs.map((r) => r.tag).sort();
  assert.deepEqual(tags, ["image", "img", "link", "script", "script", "style", "style"]);
});

Deno.test("findExternalRefs() ignores plain links, inline scripts and the SVG namespace", () => {
  assert.deepEqual(
    findExternalRefs(
      '<a href="https://x">x</a><script>1</script><svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ),
    [],
  );
});

Deno.test("stripExternalRefs() leaves nothing that fetches and keeps the content", () => {
  const clean = stripExternalRefs(CDN_PAGE);
  assert.deepEqual(findExternalRefs(clean), []);
  assert.match(clean, /var x = 1;/);
  assert.match(clean, /<a href="https:\/\/example.org">link<\/a>/);
  assert.match(clean, /alt="a"/);
});

Deno.test("buildReportHtml() embeds the manifest as JSON and shows it at the top", () => {
  const manifest = { runId: "r1", status: "failed", parameters: { note: "</script><b>x</b>" } };
  const html = buildReportHtml({ title: "t", manifest, bodyFragment: '<div class="cell">body</div>' });
  const m = /<script type="application\/json" id="candlelab-manifest">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, "manifest block present");
  assert.deepEqual(JSON.parse(m[1]), manifest);
  assert.ok(html.indexOf("candlelab-manifest") < html.indexOf("body</div>"));
  assert.match(html, /status-failed/);
  assert.doesNotMatch(html, /<b>x<\/b>/);
});

const INJECTED = `<div class="cell border-box-sizing code_cell rendered celltag_injected-parameters">
<div class="input"><div class="inner_cell"><div class="input_area"><div class=" highlight hl-typescript"><pre><span></span><span class="c1">// Parameters injected by nb:run</span>
<span class="nx">folds</span><span class="w"> </span><span class="o">=</span><span class="w"> </span><span class="mf">5</span><span class="p">;</span>
<span class="k">void</span><span class="w"> </span><span class="mf">0</span><span class="p">;</span>
</pre></div></div></div></div></div>`;

Deno.test("buildReportHtml() never shows the injected void 0; and keeps the parameter lines", () => {
  const html = buildReportHtml({ title: "t", manifest: { status: "ok" }, bodyFragment: INJECTED });
  assert.doesNotMatch(html, /void<\/span>/);
  assert.match(html, /<span class="nx">folds<\/span>/);
  assert.equal(
    stripVoidZero("let a = 1; // void 0; is fine in a comment mid-line x"),
    "let a = 1; // void 0; is fine in a comment mid-line x",
  );
});

Deno.test("buildReportHtml() hides code behind an unchecked switch that needs no script", () => {
  const html = buildReportHtml({ title: "t", manifest: { status: "ok" }, bodyFragment: INJECTED });
  assert.match(html, /<input type="checkbox" id="candlelab-show-code" class="code-switch">/);
  assert.match(html, /<label for="candlelab-show-code" class="code-toggle">show code<\/label>/);
  assert.match(html, /\.code-switch:not\(:checked\) ~ main \.code_cell \.input \{ display: none; \}/);
  const switchAt = html.indexOf('id="candlelab-show-code"');
  assert.ok(switchAt > 0 && switchAt < html.indexOf("<main>"), "the switch precedes main (sibling selector)");
});

Deno.test("buildReportHtml() summarises the manifest in one line, folds the JSON away, moves top blocks up", () => {
  const manifest = {
    status: "ok",
    startedAt: "2026-12-06T22:16:16.238Z",
    durationMs: 27896,
    gitCommit: "ec895577fb58c9a5bea111660a50706da5905780",
    gitDirty: true,
    parameters: { folds: 5, seed: 7 },
    overrides: { folds: 5 },
  };
  const body = `<div class="cell">first</div>${topBlock('<div class="verdict">no evidence of skill</div>')}`;
  const html = buildReportHtml({ title: "03_train_spot", manifest, bodyFragment: body });
  assert.match(
    html,
    /started 2026-12-06 22:16 UTC · took 27.9 s · commit <code>ec895577fb<\/code> \(uncommitted changes\)/,
  );
  assert.match(html, /<span class="param override"[^>]*>folds = 5<\/span>/);
  assert.match(html, /<span class="param"[^>]*>seed = 7<\/span>/);
  assert.match(html, /<details class="manifest"><summary>/);
  const top = html.indexOf("no evidence of skill");
  assert.ok(
    top > 0 && top < html.indexOf("first</div>"),
    "the verdict block is moved above the notebook body",
  );
  assert.equal(html.split("no evidence of skill").length, 2, "moved, not copied");
});
