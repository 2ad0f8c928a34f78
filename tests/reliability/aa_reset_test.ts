/**
 * Runs first (file order): clears the counters of a previous run of the reliability suite, so the
 * summary printed by zz_summary_test.ts counts this run only.
 */
import assert from "node:assert/strict";
import { SUMMARY_DIR, SUMMARY_FILE } from "./_project.ts";

Deno.test("reliability suite: counters start from zero", async () => {
  await Deno.remove(SUMMARY_DIR, { recursive: true }).catch(() => {});
  await Deno.remove(SUMMARY_FILE).catch(() => {});
  // a counter left over from an earlier run would be added to this run's summary
  for (const path of [SUMMARY_DIR, SUMMARY_FILE]) {
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound, `${path} is still there`);
  }
});
