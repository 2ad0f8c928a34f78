/**
 * `deno task jupyter [--ip 127.0.0.1] [--port 8888]`: starts Jupyter Notebook on notebooks/ with the
 * project-local Deno kernel. The token is random (or CANDLELAB_JUPYTER_TOKEN), printed once here and
 * redacted from Jupyter's own log lines.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  buildJupyterCommand,
  checkJupyterInstalled,
  generateToken,
  projectRoot,
  redactToken,
  resolveKernel,
} from "../notebooks/mod.ts";

if (import.meta.main) {
  try {
    const { values } = parseArgs({
      args: Deno.args,
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
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(sig, () => child.kill("SIGTERM"));
    }
    await Promise.all([forward(child.stdout, Deno.stdout), forward(child.stderr, Deno.stderr)]);
    Deno.exit((await child.status).code);
  } catch (err) {
    console.error(`jupyter: ${(err as Error).message}`);
    Deno.exit(2);
  }
}
