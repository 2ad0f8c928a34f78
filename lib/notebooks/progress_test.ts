import assert from "node:assert/strict";
import { createProgress, formatProgressBar } from "./progress.ts";

Deno.test("createProgress() in a notebook shows one display and then updates it in place", async () => {
  const calls: { html: string; id: string; update?: boolean }[] = [];
  const p = createProgress(3, {
    label: "folds",
    display: (b, o) => {
      calls.push({ html: b["text/html"], id: o.display_id, update: o.update });
      return Promise.resolve();
    },
  });
  assert.equal(p.mode, "jupyter");
  for (let i = 0; i < 3; i++) await p.tick();
  await p.done();
  assert.equal(calls[0].update, false);
  assert.ok(calls.slice(1).every((c) => c.update === true && c.id === calls[0].id));
  assert.match(calls.at(-1)!.html, /value="3" max="3"/);
});

Deno.test("createProgress() on a terminal rewrites one line with \\r and ends with a newline", async () => {
  let out = "";
  const p = createProgress(2, { mode: "terminal", label: "x", write: (t) => (out += t) });
  await p.tick();
  await p.tick();
  await p.done();
  assert.equal(out.split("\r").length - 1, 3);
  assert.ok(out.endsWith("100% 2/2\n"));
});

Deno.test("createProgress() in lines mode prints at most about one line per 10 %", async () => {
  const lines: string[] = [];
  const p = createProgress(1000, { mode: "lines", write: (t) => lines.push(t) });
  for (let i = 0; i < 1000; i++) await p.tick();
  await p.done();
  assert.ok(lines.length <= 12, `got ${lines.length} lines`);
  assert.match(lines.at(-1)!, /100% 1000\/1000/);
});

Deno.test("formatProgressBar() clamps overshoot and handles a zero total", () => {
  assert.equal(formatProgressBar("a", 12, 10, 4), "a [####] 100% 12/10");
  assert.equal(formatProgressBar("a", 0, 0, 4), "a [####] 100% 0/0");
});
