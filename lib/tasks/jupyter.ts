/**
 * `deno task jupyter [--ip 127.0.0.1] [--port 8888]`: starts Jupyter Notebook on the project folder, with
 * notebooks/ opened and the project-local Deno kernel. A busy port is reported before any URL is printed.
 * The token is random (or CANDLELAB_JUPYTER_TOKEN), printed once here and redacted from Jupyter's own log
 * lines.
 *
 * @module
 */
import {
  buildJupyterCommand,
  checkPortFree,
  generateToken,
  redactToken,
} from "../notebooks/jupyter_server.ts";
import { checkJupyterInstalled, projectRoot, resolveKernel } from "../notebooks/kernel.ts";
import {
  numberFlag,
  parseTaskArgs,
  runTask,
  type TaskArgsConfig,
  type TaskSpec,
  UsageError,
} from "./_cli.ts";

export const SPEC: TaskSpec = {
  name: "jupyter",
  usage: "deno task jupyter [--ip 127.0.0.1] [--port 8888]",
  about: "Starts Jupyter Notebook on the project folder (notebooks/ opened) with the project-local Deno " +
    "kernel, on 127.0.0.1 with a random token printed once. Ctrl-C stops it.",
  reads: "the project folder",
  ownSignals: true,
};

/** The flags of `deno task jupyter` (parsed strictly). */
export const ARGS = {
  options: { ip: { type: "string" }, port: { type: "string" } },
} as const satisfies TaskArgsConfig;

if (import.meta.main) {
  await runTask(SPEC, async (args) => {
    const usage = `usage: ${SPEC.usage}`;
    const { values } = parseTaskArgs(args, ARGS, usage);
    const port = numberFlag(values.port, "port", usage, { integer: true, positive: true });
    if (port !== undefined && port > 65535) {
      throw new UsageError(
        `Cannot read the arguments: --port must be at most 65535, current value is ${port}; ${usage}`,
      );
    }
    const root = projectRoot();
    await checkJupyterInstalled();
    await resolveKernel(`${root}/.jupyter`, "deno");
    const given = Deno.env.get("CANDLELAB_JUPYTER_TOKEN");
    const token = given || generateToken();
    const cmd = buildJupyterCommand({
      root,
      token,
      ip: values.ip,
      port,
      allowRoot: Deno.uid() === 0,
    });
    await checkPortFree(values.ip ?? "127.0.0.1", port ?? 8888);
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
