/**
 * Runs first (file order): clears the counters of a previous run of the reliability suite, so the
 * summary printed by zz_summary_test.ts counts this run only.
 */
import { SUMMARY_DIR, SUMMARY_FILE } from "./_project.ts";

Deno.test("reliability suite: counters start from zero", async () => {
  await Deno.remove(SUMMARY_DIR, { recursive: true }).catch(() => {});
  await Deno.remove(SUMMARY_FILE).catch(() => {});
});
