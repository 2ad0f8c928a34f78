/**
 * `experiments/index.html`: one page to find every run again. A sortable table of the experiment runs
 * (status, key metrics, the verdict line of run.json) with links to the notebook reports that belong to
 * each, and the notebook runs that recorded no experiment run. Self-contained (no CDN, a few lines of
 * script for sorting); rewritten atomically after each `experiment`, `nb:run` and `main`.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { listRuns, type NotebookRunRef, summariseRun } from "./list.ts";

/**
 * Ids of the experiment runs under `runsDir` that started within [startMs, endMs] (the runs a notebook
 * run recorded), in start order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experimentRunsBetween } from "./index_html.ts";
 * assert.deepEqual(await experimentRunsBetween(await Deno.makeTempDir(), 0, Date.now()), []);
 * ```
 */
export async function experimentRunsBetween(
  runsDir: string,
  startMs: number,
  endMs: number,
): Promise<string[]> {
  const { runs } = await listRuns(runsDir);
  return runs
    .filter((r) => {
      const t = Date.parse(r.started_at);
      return t >= startMs - 1000 && t <= endMs + 1000;
    })
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
    .map((r) => r.run_id);
}

/**
 * The newest ok run of `strategy` under `runsDir` that started before `beforeMs` (the run a report
 * notebook such as 05_backtest shows), or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latestOkRun } from "./index_html.ts";
 * assert.equal(await latestOkRun(await Deno.makeTempDir(), "s", Date.now()), undefined);
 * ```
 */
export async function latestOkRun(
  runsDir: string,
  strategy: string,
  beforeMs: number,
): Promise<string | undefined> {
  const { runs } = await listRuns(runsDir, { strategy });
  return runs
    .filter((r) => r.status === "ok" && Date.parse(r.started_at) <= beforeMs)
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
    .at(-1)?.run_id;
}

const _esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function _pct(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)} %`;
}

function _num(v: number | null, d: number): string {
  return v === null || !Number.isFinite(v) ? "" : v.toFixed(d);
}

/**
 * The index page for the runs under `<experimentsDir>/runs` (links relative to `experimentsDir`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildRunsIndex } from "./index_html.ts";
 * const html = await buildRunsIndex(await Deno.makeTempDir(), new Date(0));
 * assert.match(html, /<table id="runs"/);
 * assert.match(html, /No experiment runs yet/);
 * ```
 */
export async function buildRunsIndex(experimentsDir: string, now = new Date()): Promise<string> {
  const { runs, notebooks } = await listRuns(join(experimentsDir, "runs"));
  const byRun = new Map<string, NotebookRunRef[]>();
  const loose: NotebookRunRef[] = [];
  for (const n of notebooks) {
    if (n.experimentRun && runs.some((r) => r.run_id === n.experimentRun)) {
      byRun.set(n.experimentRun, [...(byRun.get(n.experimentRun) ?? []), n]);
    } else loose.push(n);
  }
  const link = (n: NotebookRunRef) =>
    n.html
      ? `<a href="runs/${_esc(n.html)}">${_esc(n.notebook.split("/").pop()?.replace(/\.ipynb$/, ""))}</a>`
      : _esc(n.notebook);
  const rows = [...runs].reverse().map((r) => {
    const s = summariseRun(r);
    const reports = (byRun.get(r.run_id) ?? []).map(link).join(" ");
    return `<tr class="${_esc(s.status)}"><td class="id" data-v="${_esc(s.run_id)}"><a href="runs/${
      _esc(s.run_id)
    }/run.json">${_esc(s.run_id)}</a></td><td>${_esc(s.strategy)}</td><td>${
      _esc(s.status)
    }</td><td class="t" data-v="${_esc(s.started_at)}">${
      _esc(s.started_at.slice(0, 16).replace("T", " "))
    }</td><td class="n" data-v="${s.macro_f1 ?? ""}">${_num(s.macro_f1, 3)}</td><td class="n" data-v="${
      s.sharpe_annualised ?? ""
    }">${_num(s.sharpe_annualised, 2)}</td><td class="n" data-v="${s.total_return ?? ""}">${
      _pct(s.total_return)
    }</td><td class="v">${
      _esc(s.verdict ?? (r.error ? `failed: ${r.error.message}` : ""))
    }</td><td>${reports}</td></tr>`;
  });
  const nbRows = [...loose].reverse().map((n) =>
    `<tr class="${_esc(n.status)}"><td>${_esc(n.id)}</td><td>${link(n)}</td><td>${_esc(n.status)}</td><td>${
      _esc(n.startedAt.slice(0, 16).replace("T", " "))
    }</td></tr>`
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Candlelab runs</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
.wrap{overflow-x:auto;margin-bottom:2rem} table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0;white-space:nowrap}
th:after{content:" \\2195";color:#aaa}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.v{min-width:22rem;max-width:44rem} td.id,td.t{white-space:nowrap}
tr.failed td{color:#a00} tr.running td{color:#a60}
.note{color:#666}
</style></head><body>
<h1>Candlelab runs</h1>
<p class="note">${runs.length} experiment run(s), ${notebooks.length} notebook run(s) under experiments/runs;
written ${
    _esc(now.toISOString().slice(0, 19).replace("T", " "))
  } UTC. Click a column to sort. Compare runs with
<code>deno task experiments:compare &lt;id or suffix&gt;...</code></p>
<h2>Experiment runs</h2>
${
    runs.length === 0
      ? "<p>No experiment runs yet: <code>deno task main</code> or <code>deno task experiment</code>.</p>\n"
      : ""
  }<div class="wrap"><table id="runs"><thead><tr><th>run id</th><th>strategy</th><th>status</th><th>start (UTC)</th><th>macro-F1</th><th>Sharpe</th><th>return</th><th>verdict</th><th>reports</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table></div>
<h2>Notebook runs without an experiment run</h2>
<div class="wrap"><table id="notebooks"><thead><tr><th>notebook run id</th><th>report</th><th>status</th><th>start (UTC)</th></tr></thead>
<tbody>
${nbRows.join("\n")}
</tbody></table></div>
<script>
for (const table of document.querySelectorAll("table")) {
  table.querySelectorAll("th").forEach((th, j) => th.addEventListener("click", () => {
    const body = table.tBodies[0], dir = th.dataset.dir === "asc" ? -1 : 1;
    th.dataset.dir = dir === 1 ? "asc" : "desc";
    const key = (tr) => { const td = tr.cells[j]; const v = td.dataset.v ?? td.textContent;
      const n = parseFloat(v); return v !== "" && !isNaN(n) && /^[-+0-9.e]+$/i.test(v) ? n : v; };
    [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
      return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
    }).forEach((tr) => body.appendChild(tr));
  }));
}
</script>
</body></html>
`;
}

/**
 * Writes `<experimentsDir>/index.html` (atomically) and returns its path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeRunsIndex } from "./index_html.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await writeRunsIndex(dir);
 * assert.match(await Deno.readTextFile(path), /Candlelab runs/);
 * ```
 */
export async function writeRunsIndex(experimentsDir: string): Promise<string> {
  const path = join(experimentsDir, "index.html");
  await writeFileAtomic(path, await buildRunsIndex(experimentsDir));
  return path;
}
