/**
 * Runs last (file order): prints the suite's one-line summary, prefixed `reliability:`, and writes it to
 * `$TMPDIR/candlelab-reliability-summary.txt` (default /tmp) for CI to show at the end.
 */
import assert from "node:assert/strict";
import { type Counts, SUMMARY_DIR, SUMMARY_FILE, summaryLine } from "./_project.ts";
import { writeFileAtomic } from "../../lib/util/atomic.ts";

async function _parts(): Promise<Record<string, Counts>> {
  const out: Record<string, Counts> = {};
  for await (const e of Deno.readDir(SUMMARY_DIR)) {
    if (e.name.endsWith(".json")) {
      out[e.name.slice(0, -5)] = JSON.parse(await Deno.readTextFile(`${SUMMARY_DIR}/${e.name}`));
    }
  }
  return out;
}

Deno.test("reliability suite: prints and saves the summary line", async () => {
  const parts = await _parts().catch(() => ({}));
  const line = summaryLine(parts);
  console.log(line);
  await writeFileAtomic(SUMMARY_FILE, line + "\n");
  assert.ok(line.startsWith("reliability: "));
});
