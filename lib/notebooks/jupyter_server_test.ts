import assert from "node:assert/strict";
import { join } from "node:path";
import { buildJupyterCommand, generateToken, redactToken } from "./jupyter_server.ts";
import { projectRoot, SYSTEM_JUPYTER } from "./kernel.ts";

Deno.test("buildJupyterCommand() binds 127.0.0.1, serves the project with notebooks/ opened and uses the project-local kernelspec", () => {
  const c = buildJupyterCommand({ root: "/proj", token: "t0k3n" });
  assert.equal(c.command, "/usr/bin/jupyter");
  assert.deepEqual(c.args, [
    "notebook",
    "--no-browser",
    "--ip=127.0.0.1",
    "--port=8888",
    "--port-retries=0",
    "--notebook-dir=/proj",
  ]);
  assert.deepEqual(c.env, {
    JUPYTER_PATH: "/proj/.jupyter",
    JUPYTER_RUNTIME_DIR: "/proj/.jupyter/runtime",
    JUPYTER_TOKEN: "t0k3n",
  });
  assert.equal(c.url, "http://127.0.0.1:8888/tree/notebooks?token=t0k3n");
});

Deno.test("buildJupyterCommand() keeps the token off the command line and checks the port", () => {
  const token = generateToken();
  const c = buildJupyterCommand({ root: "/p", token, ip: "0.0.0.0", port: 9999 });
  assert.ok(!c.args.join(" ").includes(token));
  assert.ok(c.args.includes("--ip=0.0.0.0"));
  assert.throws(
    () => buildJupyterCommand({ root: "/p", token, port: 70000 }),
    /port must be an integer in 1..65535/,
  );
  assert.ok(buildJupyterCommand({ root: "/p", token, allowRoot: true }).args.includes("--allow-root"));
});

Deno.test("redactToken() hides every occurrence of the token", () => {
  assert.equal(redactToken("a TOK b ?token=TOK", "TOK"), "a <token> b ?token=<token>");
});

const HAVE_JUPYTER = await Deno.stat(SYSTEM_JUPYTER).then(() => true, () => false);

Deno.test({
  name: "Jupyter starts with the built command, lists the Deno kernel behind the token, and stops",
  ignore: !HAVE_JUPYTER,
  async fn() {
    const root = projectRoot();
    const token = generateToken();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const cmd = buildJupyterCommand({ root, token, port, allowRoot: Deno.uid() === 0 });
    const child = new Deno.Command(cmd.command, {
      args: cmd.args,
      env: { ...cmd.env, JUPYTER_RUNTIME_DIR: await Deno.makeTempDir() },
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      let body: { kernelspecs?: Record<string, unknown> } | undefined;
      let unauthorized = 0;
      for (let i = 0; i < 60 && !body; i++) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/kernelspecs`, {
            headers: { Authorization: `token ${token}` },
          });
          if (res.ok) body = await res.json();
          else await res.body?.cancel();
          const anon = await fetch(`http://127.0.0.1:${port}/api/kernelspecs`);
          if (anon.status === 403 || anon.status === 401) unauthorized++;
          await anon.body?.cancel();
        } catch { /* not listening yet */ }
      }
      assert.ok(body, "Jupyter answered on /api/kernelspecs");
      assert.ok(
        body.kernelspecs && "deno" in body.kernelspecs,
        `kernels: ${Object.keys(body.kernelspecs ?? {})}`,
      );
      assert.ok(unauthorized > 0, "a request without the token is refused");
    } finally {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      await child.status;
    }
  },
});

Deno.test("the task file exists where deno.json's jupyter task points", async () => {
  assert.ok((await Deno.stat(join(projectRoot(), "lib/tasks/jupyter.ts"))).isFile);
});
