/**
 * `deno task jupyter [--ip 127.0.0.1] [--port 8888]`: starts Jupyter Notebook on the project folder, with
 * notebooks/ opened and the project-local Deno kernel. A busy port is reported before any URL is printed.
 * The token is random (or CANDLELAB_JUPYTER_TOKEN), printed once here and redacted from Jupyter's own log
 * lines.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  buildJupyterCommand,
  checkPortFree,
  generateToken,
  redactToken,
} from "../notebooks/jupyter_server.ts";
import { checkJupyterInstalled, projectRoot, resolveKernel } from "../notebooks/kernel.ts";
import { runTask, type TaskSpec } from "./_cli.ts";

const SPEC: TaskSpec = {
  name: "jupyter",
  usage: "deno task jupyter [--ip 127.0.0.1] [--port 8888]",
  about: "Starts Jupyter Notebook on the project folder (notebooks/ opened) with the project-local Deno " +
    "kernel, on 127.0.0.1 with a random token printed once. Ctrl-C stops it.",
  reads: "the project folder",
  ownSignals: true,
};

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const { values } = parseArgs({
      args,
      options: { ip: { type: "string" }, port: { type: "string" } },
    });
    const root = projectRoot();
    await checkJupyterInstalled();
    await resolveKernel(`${root}/.jupyter`, "deno");
    const given = Deno.env.get("CANDLELAB_JUPYTER_TOKEN");
    const token = given || generateToken();
    const cmd = buildJupyterCommand({
      root,
      token,
      ip: values.ip,
      port: values.port === undefined ? undefined : Number(values.port),
      allowRoot: Deno.uid() === 0,
    });
    await checkPortFree(values.ip ?? "127.0.0.1", values.port === undefined ? 8888 : Number(values.port));
    const child = new Deno.Command(cmd.command, {
      args: cmd.args,
      env: cmd.env,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // A token given by the environment (Docker) is never printed; a generated one is printed once, here.
    const url = given ? redactToken(cmd.url, token).replace("<token>", "<CANDLELAB_JUPYTER_TOKEN>") : cmd.url;
    console.log(
      `Jupyter (Deno kernel) starting; open:\n  ${url}\n${given ? "" : "(the token is shown only here)"}`,
    );
    const forward = async (stream: ReadableStream<Uint8Array>, out: typeof Deno.stdout) => {
      const enc = new TextEncoder();
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        await out.write(enc.encode(redactToken(chunk, token)));
      }
    };
    // this task's signals stop Jupyter (which shuts its kernels down), then the task exits with its code
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(sig, () => child.kill("SIGTERM"));
    }
    await Promise.all([forward(child.stdout, Deno.stdout), forward(child.stderr, Deno.stderr)]);
    return (await child.status).code;
  });
}
