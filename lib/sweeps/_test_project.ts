/**
 * Test helpers of the sweep tests: a temp project with the bundled BTC spot sample and a tiny sweep
 * (4 trials of a 10-tree forest on the bars from 2024-06-01), child `deno run` processes, a throwaway
 * redis-server on 127.0.0.1 with persistence off, and a comparison of two projects' recorded trials.
 *
 * @module
 */
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** The repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * A temp project: configs/, the spot sample + metadata, `configs/strategies/tiny.yaml` and
 * `configs/sweeps/tiny.yaml` (a 2 x 2 grid).
 *
 * @example
 * ```ts ignore
 * const root = await makeSweepProject();
 * ```
 */
export async function makeSweepProject(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "candlelab-sweep-" });
  await _copyDir(`${REPO}/configs/features`, `${root}/configs/features`);
  await Deno.mkdir(`${root}/configs/strategies`, { recursive: true });
  await Deno.mkdir(`${root}/configs/sweeps`, { recursive: true });
  await Deno.mkdir(`${root}/data/raw`, { recursive: true });
  for (const f of ["binance_BTC_USDT_spot_1h.parquet", "binance_BTC_USDT_spot_1h.parquet.metadata.json"]) {
    await Deno.copyFile(`${REPO}/data/raw/${f}`, `${root}/data/raw/${f}`);
  }
  const c = parse(await Deno.readTextFile(`${REPO}/configs/strategies/btc_spot_ema_cross_rsi.yaml`));
  c.model.nTrees = 10;
  c.model.nWorkers = 1;
  c.data.range = { start: "2024-06-01" };
  c.guard = { causalityCuts: 1, causalityRows: 2000 };
  await Deno.writeTextFile(`${root}/configs/strategies/tiny.yaml`, stringify(c));
  await Deno.writeTextFile(
    `${root}/configs/sweeps/tiny.yaml`,
    stringify({
      name: "tiny",
      base: "configs/strategies/tiny.yaml",
      search: { kind: "grid", space: { "model.maxDepth": [3, 5], "policy.entry": [0.42, 0.48] } },
      pbo: { blocks: 4 },
      walk_forward: { gap: 4 },
    }),
  );
  return root;
}

async function _copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await _copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/**
 * Starts `deno run -A <script> ...args` in `root` with piped output.
 *
 * @example
 * ```ts ignore
 * const child = spawnTask(root, "lib/tasks/sweep.ts", ["configs/sweeps/tiny.yaml"]);
 * ```
 */
export function spawnTask(root: string, script: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", `--config=${REPO}/deno.json`, "-A", `${REPO}/${script}`, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Collects a child's stderr lines as they come (for waiting on a log line). */
export function collectLines(stream: ReadableStream<Uint8Array>): { lines: string[]; done: Promise<void> } {
  const lines: string[] = [];
  const done = (async () => {
    let buf = "";
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      buf += dec.decode(chunk, { stream: true });
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      lines.push(...parts);
    }
    if (buf) lines.push(buf);
  })();
  return { lines, done };
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Starts redis-server on 127.0.0.1:`port` with persistence off; resolves once it accepts connections.
 *
 * @example
 * ```ts ignore
 * const redis = await startRedis(freePort());
 * redis.kill("SIGTERM");
 * ```
 */
export async function startRedis(port: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("redis-server", {
    args: [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(
    async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      } catch {
        return false;
      }
    },
    10_000,
    `redis-server on port ${port}`,
  );
  return child;
}

/** Per trial id: the run's metrics and backtest summary, backtest.json and the model artifact, as text. */
export async function recordedTrials(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const runs = join(root, "experiments/runs");
  for await (const e of Deno.readDir(runs)) {
    if (!e.isDirectory || e.name.startsWith(".")) continue;
    const rec = JSON.parse(await Deno.readTextFile(join(runs, e.name, "run.json")));
    if (rec.status !== "ok" || !rec.sweep) continue;
    if (out.has(rec.sweep.trial)) throw new Error(`trial ${rec.sweep.trial} recorded twice in ${root}`);
    const backtest = await Deno.readTextFile(join(runs, e.name, "backtest.json"));
    const model = await Deno.readTextFile(join(root, "models/trained", `${rec.model_id}.json`));
    out.set(
      rec.sweep.trial,
      // wall-clock fields (fit_seconds) are the only ones allowed to differ
      JSON.stringify(
        { metrics: rec.metrics, backtest: rec.backtest, model_id: rec.model_id },
        (k, v) => (k.endsWith("_seconds") ? undefined : v),
      ) + backtest + model,
    );
  }
  return out;
}
