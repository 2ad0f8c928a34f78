/**
 * No Docker engine runs here: these tests read Dockerfile and docker-compose.yml and check that what they
 * reference exists in the repository and that the exposed service is private and authenticated.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { projectRoot } from "./kernel.ts";

const ROOT = projectRoot();
const DOCKERFILE = await Deno.readTextFile(join(ROOT, "Dockerfile"));

/** Dockerfile instructions with line continuations joined, comments dropped. */
function _instructions(text: string): { op: string; args: string }[] {
  const joined = text.split("\n").filter((l) => !l.trimStart().startsWith("#")).join("\n").replace(
    /\\\n/g,
    " ",
  );
  return joined.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const m = /^(\w+)\s+(.*)$/.exec(l)!;
    return { op: m[1].toUpperCase(), args: m[2] };
  });
}

async function _exists(rel: string): Promise<boolean> {
  return await Deno.stat(join(ROOT, rel)).then(() => true, () => false);
}

Deno.test("Dockerfile pins its base image to a version tag", () => {
  const from = _instructions(DOCKERFILE).filter((i) => i.op === "FROM");
  assert.equal(from.length, 1);
  assert.match(from[0].args, /^[\w./-]+:[\w.-]*\d[\w.-]*$/, `FROM ${from[0].args} is not pinned`);
  assert.doesNotMatch(from[0].args, /:latest$/);
});

Deno.test("every COPY source of the Dockerfile exists in the repository", async () => {
  const copies = _instructions(DOCKERFILE).filter((i) => i.op === "COPY");
  assert.ok(copies.length > 0);
  for (const c of copies) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith("--"));
    for (const src of parts.slice(0, -1)) assert.ok(await _exists(src), `COPY source ${src} is missing`);
  }
});

Deno.test("scripts and task files named in RUN and CMD exist, and the image installs through .ci/setup", async () => {
  const ins = _instructions(DOCKERFILE);
  const text = ins.filter((i) => ["RUN", "CMD", "ENTRYPOINT"].includes(i.op)).map((i) => i.args).join(" ");
  const paths = [...text.matchAll(/(?:^|[\s"'])((?:\.ci|lib|bench)\/[\w./-]+)/g)].map((m) => m[1]);
  assert.ok(paths.includes(".ci/setup"), "the image installs through .ci/setup");
  for (const p of paths) assert.ok(await _exists(p), `${p} referenced by the Dockerfile is missing`);
  assert.ok(ins.some((i) => i.op === "USER" && i.args !== "root"), "the image runs as a non-root user");
});

Deno.test("docker-compose.yml: jupyter is bound to 127.0.0.1 with a required token; volumes exist", async () => {
  const compose = parse(await Deno.readTextFile(join(ROOT, "docker-compose.yml"))) as {
    services: Record<
      string,
      { ports?: string[]; environment?: Record<string, string>; volumes?: string[]; command?: string[] }
    >;
  };
  const { jupyter, runner } = compose.services;
  assert.ok(jupyter && runner, "services jupyter and runner");
  assert.ok(jupyter.ports!.every((p) => p.startsWith("127.0.0.1:")), `ports ${jupyter.ports}`);
  assert.match(jupyter.environment!.CANDLELAB_JUPYTER_TOKEN, /^\$\{CANDLELAB_JUPYTER_TOKEN:\?/);
  for (const svc of [jupyter, runner]) {
    const hostPaths = svc.volumes!.map((v) => v.split(":")[0]);
    for (const need of ["./data", "./models", "./experiments"]) {
      assert.ok(hostPaths.includes(need), `${need} volume`);
    }
    for (const h of hostPaths) assert.ok(await _exists(h), `volume source ${h} is missing`);
    for (const arg of svc.command!) {
      if (/\.ts$/.test(arg)) assert.ok(await _exists(arg), `command file ${arg}`);
    }
  }
});
