/**
 * No Docker engine runs here: these tests read Dockerfile, .dockerignore and docker-compose.yml and check that
 * what they reference exists in the repository and that the exposed service is private and authenticated.
 * The image itself is built and run by .ci/container-check (called by .ci/run).
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

Deno.test("Dockerfile pins every stage's base image to a version tag; the runtime is the last stage", () => {
  const from = _instructions(DOCKERFILE).filter((i) => i.op === "FROM");
  assert.ok(from.length >= 1);
  for (const f of from) {
    const image = f.args.split(/\s+/)[0];
    assert.match(image, /^[\w./-]+:[\w.-]*\d[\w.-]*$/, `FROM ${f.args} is not pinned`);
    assert.doesNotMatch(image, /:latest$/);
  }
  assert.match(from.at(-1)!.args, /\bAS runtime$/i, "the default (last) stage is the runtime");
});

Deno.test("every COPY source of the Dockerfile exists and is in the build context (.dockerignore)", async () => {
  const copies = _instructions(DOCKERFILE).filter((i) => i.op === "COPY" && !/--from=/.test(i.args));
  assert.ok(copies.length > 0);
  const ignore = (await Deno.readTextFile(join(ROOT, ".dockerignore"))).split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  assert.equal(ignore[0], "*", ".dockerignore starts by excluding everything (.git, node_modules, outputs)");
  const kept = ignore.filter((l) => l.startsWith("!")).map((l) => l.slice(1).replace(/\/$/, ""));
  for (const c of copies) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith("--"));
    for (const src of parts.slice(0, -1)) {
      assert.ok(await _exists(src), `COPY source ${src} is missing`);
      assert.ok(
        kept.some((k) => src === k || src.startsWith(k + "/")),
        `COPY source ${src} is not in .dockerignore's list`,
      );
    }
  }
  for (const out of ["node_modules", ".git", "experiments", "models", ".env"]) {
    assert.ok(
      !kept.some((k) => k === out || k.startsWith(out + "/")),
      `${out} must stay out of the build context`,
    );
  }
});

Deno.test("scripts named in RUN, CMD and ENTRYPOINT exist; the runtime installs through .ci/setup without test-only packages", async () => {
  const ins = _instructions(DOCKERFILE);
  const text = ins.filter((i) => ["RUN", "CMD", "ENTRYPOINT"].includes(i.op)).map((i) => i.args).join(" ");
  const paths = [...text.matchAll(/(?:^|[\s"'])((?:\.ci|lib|bench)\/[\w./-]+)/g)].map((m) => m[1]);
  assert.ok(paths.includes(".ci/setup"), "the image installs through .ci/setup");
  for (const p of paths) assert.ok(await _exists(p), `${p} referenced by the Dockerfile is missing`);
  const runtime = ins.slice(ins.findLastIndex((i) => i.op === "FROM"));
  assert.ok(
    runtime.some((i) => i.op === "RUN" && /SKIP_TEST_APT=1 bash \.ci\/setup/.test(i.args)),
    "the runtime stage leaves the test-only renderers out (SKIP_TEST_APT=1)",
  );
  assert.ok(
    runtime.some((i) => i.op === "ARG" && /^CANDLELAB_GIT_COMMIT\b/.test(i.args)),
    "commit build argument",
  );
  assert.ok(
    runtime.some((i) =>
      i.op === "LABEL" && /org\.opencontainers\.image\.revision="\$\{CANDLELAB_GIT_COMMIT\}"/.test(i.args)
    ),
    "OCI revision label",
  );
});

Deno.test("the runtime drops root: its entrypoint becomes the mount owner through setpriv", async () => {
  const ins = _instructions(DOCKERFILE);
  const entry = ins.filter((i) => i.op === "ENTRYPOINT").at(-1)!;
  assert.match(entry.args, /candlelab-entrypoint/);
  const copy = ins.find((i) => i.op === "COPY" && /candlelab-entrypoint$/.test(i.args))!;
  const script = await Deno.readTextFile(join(ROOT, copy.args.split(/\s+/)[0]));
  const lines = script.split("\n").filter((l) => l.trim() && !l.trimStart().startsWith("#"));
  assert.match(lines.at(-1)!, /^exec setpriv --reuid="\$uid" --regid="\$gid"/);
});

Deno.test("docker-compose.yml: no profiles; jupyter on 127.0.0.1 with a required token; volumes and commands exist", async () => {
  const compose = parse(await Deno.readTextFile(join(ROOT, "docker-compose.yml"))) as {
    services: Record<
      string,
      {
        ports?: string[];
        environment?: Record<string, string>;
        volumes?: string[];
        command?: string[];
        profiles?: string[];
      }
    >;
  };
  const { jupyter, runner, redis, worker } = compose.services;
  assert.ok(jupyter && runner && redis && worker, "services jupyter, runner, redis and worker");
  for (const [name, svc] of Object.entries(compose.services)) {
    assert.equal(
      svc.profiles,
      undefined,
      `${name}: profiles are ignored by podman-compose 1.0.3 and docker-compose 1.29`,
    );
    assert.ok((svc.ports ?? []).every((p) => p.startsWith("127.0.0.1:")), `${name} ports ${svc.ports}`);
  }
  assert.ok(jupyter.ports!.length === 1);
  assert.match(jupyter.environment!.CANDLELAB_JUPYTER_TOKEN, /^\$\{CANDLELAB_JUPYTER_TOKEN:\?/);
  for (const svc of [jupyter, runner]) {
    const hostPaths = svc.volumes!.map((v) => v.split(":")[0]);
    for (const need of ["./data", "./models", "./experiments"]) {
      assert.ok(hostPaths.includes(need), `${need} volume`);
    }
  }
  for (const svc of [jupyter, runner, worker]) {
    for (const h of svc.volumes!.map((v) => v.split(":")[0])) {
      assert.ok(await _exists(h), `volume source ${h}`);
    }
    for (const arg of svc.command!) {
      if (/\.ts$/.test(arg)) assert.ok(await _exists(arg), `command file ${arg}`);
    }
  }
  const tasks = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks as Record<string, string>;
  const task = worker.command![worker.command!.indexOf("task") + 1];
  assert.equal(task, "sweep:worker");
  assert.ok(task in tasks, `deno task ${task} exists`);
});
