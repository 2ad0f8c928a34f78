import assert from "node:assert/strict";
import { createProgress } from "./progress.ts";

Deno.test("createProgress() without a TTY writes plain start and end lines", () => {
  let out = "";
  const p = createProgress({ write: (t) => out += t, tty: false });
  p.stageStart("labels");
  p.stageEnd("labels", { ok: false, seconds: 0.25, peakRssBytes: 3 * 1048576 });
  p.message("done");
  p.close();
  assert.equal(out, "stage labels started\nstage labels FAILED in 0.25 s, peak RSS 3 MB\ndone\n");
  assert.ok(!out.includes("\x1b"));
});

Deno.test("createProgress() on a TTY rewrites one live line with each running stage's elapsed time", () => {
  let out = "";
  let t = 0;
  const p = createProgress({ write: (s) => out += s, tty: true, now: () => t, refreshMs: 1_000_000 });
  p.stageStart("walkforward");
  t = 1500;
  p.stageStart("fold 1");
  t = 4000;
  p.stageEnd("fold 1", { ok: true, seconds: 2.5, peakRssBytes: 0 });
  p.stageEnd("walkforward", { ok: true, seconds: 4, peakRssBytes: 0 });
  p.close();
  assert.ok(out.includes("\r\x1b[2K▸ walkforward 1.5 s › fold 1 0.0 s"), JSON.stringify(out));
  assert.ok(out.includes("\r\x1b[2K✓ stage fold 1 ok in 2.50 s"));
  assert.ok(out.includes("\r\x1b[2K▸ walkforward 4.0 s"));
  assert.ok(out.endsWith("✓ stage walkforward ok in 4.00 s, peak RSS 0 MB\n"));
});
