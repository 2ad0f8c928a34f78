import assert from "node:assert/strict";
import * as aq from "arquero";
import { formatCell, tableView } from "./table_view.ts";

const H = 3_600_000;

Deno.test("tableView() shows the first and last rows with a gap marker and the size", () => {
  const n = 20;
  const t = aq.table({
    timestamp: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * H),
    close: Float64Array.from({ length: n }, (_, i) => 42000.123456 + i),
  });
  const v = tableView(t, { head: 2, tail: 2 });
  assert.match(v.html, /2024-01-01 00:00/);
  assert.match(v.html, /2024-01-01 19:00/);
  assert.doesNotMatch(v.html, /2024-01-01 05:00/);
  assert.equal((v.html.match(/class="skip"/g) ?? []).length, 1);
  assert.match(v.html, /4 of 20 rows shown · 20 rows × 2 columns/);
  assert.match(v.html, /42,000</);
  assert.match(v.html, />42,019</);
  const bundle = v[Symbol.for("Jupyter.display")]();
  assert.equal(bundle["text/html"], v.html);
});

Deno.test("tableView() escapes text cells", () => {
  const v = tableView(aq.table({ name: ["<b>x</b>"] }));
  assert.match(v.html, /&lt;b&gt;x&lt;\/b&gt;/);
});

Deno.test("formatCell() formats tiny, huge and missing numbers readably", () => {
  assert.equal(formatCell(1e-7, false, 3), "1.00e-7");
  assert.equal(formatCell(-0.5, false), "-0.5");
  assert.equal(formatCell(Infinity, false), "Infinity");
  assert.equal(formatCell(null, false), "—");
  assert.equal(formatCell(NaN, false), "—");
  assert.equal(formatCell(Date.UTC(2024, 0, 1, 0, 0, 1, 500), true), "2024-01-01 00:00:01.500");
});

Deno.test("tableView() has no row-number column unless asked, formats columns and never prints NaN", () => {
  const t = aq.table({
    name: ["a", "b"],
    ret: Float64Array.of(3.86465, NaN),
    p: Float64Array.of(0.0001, 0.41),
  });
  const v = tableView(t, { formats: { ret: "signed_pct", p: "p_value" } });
  assert.doesNotMatch(v.html, /NaN/);
  assert.match(v.html, /\+386 %/);
  assert.match(v.html, /&lt; 0.001/);
  assert.match(v.html, /<td class="num na">—<\/td>/);
  assert.doesNotMatch(v.html, /class="num idx"/);
  assert.doesNotMatch(v.html, /<tfoot>/, "no footer when every row is shown");
  assert.match(tableView(t, { index: true }).html, /<td class="num idx">1<\/td>/);
  assert.match(v.html, /<th class="txt">name<\/th>/);
});

Deno.test("tableView() of an empty table is one line, not a header over zero rows", () => {
  const v = tableView(aq.table({ key: [], value: [] }), { caption: "config differences" });
  assert.equal(v.html, '<p class="candlelab-empty">config differences: no rows</p>');
  assert.doesNotMatch(v.html, /<table/);
});

Deno.test("tableView() wraps the table in a horizontally scrolling block", () => {
  const v = tableView(aq.table({ a: [1] }));
  assert.match(v.html, /^<div class="candlelab-table-wrap" style="overflow-x: auto/);
});
