/**
 * Arguments and environment of `deno task jupyter`: Debian's Jupyter Notebook with the project-local
 * kernelspec (`JUPYTER_PATH=.jupyter`), bound to 127.0.0.1 by default, a random token passed through the
 * environment (never on the command line, where `ps` shows it) and redacted from Jupyter's own log.
 *
 * @module
 */
import { join } from "node:path";
import { CandlelabError } from "../util/errors.ts";
import { encodeHex } from "./_hex.ts";
import { SYSTEM_JUPYTER } from "./kernel.ts";

/** Options of {@link buildJupyterCommand}. */
export interface JupyterCommandOptions {
  /** Project root (holds `.jupyter/` and `notebooks/`). */
  root: string;
  /** Access token (see {@link generateToken}). */
  token: string;
  /** Address to bind. @default "127.0.0.1" */
  ip?: string;
  /** Port. @default 8888 */
  port?: number;
  /** Root of the file browser (Jupyter's notebook-dir). @default the project root */
  notebookDir?: string;
  /** Folder the URL opens, relative to `notebookDir`. @default "notebooks" */
  openDir?: string;
  /** Add `--allow-root` (Jupyter refuses to run as root otherwise; pass `Deno.uid() === 0`). @default false */
  allowRoot?: boolean;
  /** Jupyter launcher. @default "/usr/bin/jupyter" */
  jupyter?: string;
}

/** A command ready for `Deno.Command`. */
export interface JupyterCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The URL to open (contains the token: print it once, never log it). */
  url: string;
}

/**
 * A random 48-hex-digit token (192 bits from the system CSPRNG).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { generateToken } from "./jupyter_server.ts";
 * assert(/^[0-9a-f]{48}$/.test(generateToken()) && generateToken() !== generateToken());
 * ```
 */
export function generateToken(): string {
  return encodeHex(crypto.getRandomValues(new Uint8Array(24)));
}

/**
 * Builds the Jupyter Notebook command line; the token goes in `JUPYTER_TOKEN`, not in `args`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { buildJupyterCommand } from "./jupyter_server.ts";
 * const c = buildJupyterCommand({ root: "/p", token: "abc" });
 * assert(c.args.includes("--ip=127.0.0.1") && !c.args.join(" ").includes("abc"));
 * assert(c.env.JUPYTER_PATH === "/p/.jupyter" && c.env.JUPYTER_TOKEN === "abc");
 * ```
 */
export function buildJupyterCommand(options: JupyterCommandOptions): JupyterCommand {
  const ip = options.ip ?? "127.0.0.1";
  const port = options.port ?? 8888;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(
      `Cannot start Jupyter: port must be an integer in 1..65535, current value is ${port}`,
    );
  }
  // the file browser's root is the project (data/, configs/ and experiments/ are reachable); the URL opens
  // notebooks/
  const notebookDir = options.notebookDir ?? options.root;
  const open = options.openDir ?? "notebooks";
  return {
    command: options.jupyter ?? SYSTEM_JUPYTER,
    args: [
      "notebook",
      "--no-browser",
      `--ip=${ip}`,
      `--port=${port}`,
      "--port-retries=0",
      `--notebook-dir=${notebookDir}`,
      ...(options.allowRoot ? ["--allow-root"] : []),
    ],
    env: {
      JUPYTER_PATH: join(options.root, ".jupyter"),
      JUPYTER_RUNTIME_DIR: join(options.root, ".jupyter", "runtime"),
      JUPYTER_TOKEN: options.token,
    },
    url: `http://${ip === "0.0.0.0" ? "127.0.0.1" : ip}:${port}/${
      open ? `tree/${open}` : ""
    }?token=${options.token}`,
  };
}

/**
 * Replaces every occurrence of `token` in a log line with `<token>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { redactToken } from "./jupyter_server.ts";
 * assert(redactToken("http://x/?token=abc123", "abc123") === "http://x/?token=<token>");
 * ```
 */
export function redactToken(line: string, token: string): string {
  return token === "" ? line : line.split(token).join("<token>");
}

/**
 * Throws a CandlelabError when `port` on `ip` is taken (so no URL is printed for a server that cannot
 * start); resolves when it is free. Needs net permission for `ip` (deno.json grants the loopback); without
 * it the check is skipped and Jupyter's own `--port-retries=0` failure is the answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPortFree } from "./jupyter_server.ts";
 * const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * await assert.rejects(() => checkPortFree("127.0.0.1", (busy.addr as Deno.NetAddr).port), /is in use/);
 * busy.close();
 * ```
 */
export async function checkPortFree(ip: string, port: number): Promise<void> {
  let l: Deno.Listener;
  try {
    l = Deno.listen({ hostname: ip === "0.0.0.0" ? "0.0.0.0" : ip, port });
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new CandlelabError(
        `Cannot start Jupyter: port ${port} on ${ip} is in use (another Jupyter or program); stop it or pass ` +
          `another port, e.g. deno task jupyter --port ${port + 1}`,
      );
    }
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) return;
    throw err;
  }
  l.close();
  await Promise.resolve();
}
