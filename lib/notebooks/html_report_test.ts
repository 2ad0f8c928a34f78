import assert from "node:assert/strict";
import { buildReportHtml, findExternalRefs, stripExternalRefs } from "./html_report.ts";

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
