/**
 * Runs last (file order): prints the suite's one-line summary, prefixed `reliability:`, and writes it to
 * `$TMPDIR/candlelab-reliability-summary.txt` (default /tmp) for CI to show at the end. Fails when any part
 * recorded a lost or corrupted file.
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

Deno.test("reliability suite: prints and saves the summary line; no part lost a file", async () => {
  const parts = await _parts().catch(() => ({}));
  const line = summaryLine(parts);
  console.log(line);
  await writeFileAtomic(SUMMARY_FILE, line + "\n");
  assert.equal(await Deno.readTextFile(SUMMARY_FILE), line + "\n");
  for (const [part, counts] of Object.entries(parts)) {
    assert.equal(counts.files_lost ?? 0, 0, `${part} lost or corrupted files: ${JSON.stringify(counts)}`);
  }
});

Deno.test("summaryLine() adds the parts' counters and names the parts that did not run", () => {
  assert.equal(
    summaryLine({
      bad_data: { bad_inputs: 5 },
      hostile_config: { bad_inputs: 2 },
      crash: { kills: 3, files_lost: 0, kill_seed: 7 },
      fuzz: { fuzz_seed: 11, fuzz_cases: 40, bad_inputs: 1 },
    }),
    "reliability: 8 bad inputs rejected, 3 kills survived, (concurrency not run), (tamper not run), " +
      "(secrets not run), 0 files lost or corrupted (fuzz seed 11, 40 cases; kill seed 7)",
  );
});
