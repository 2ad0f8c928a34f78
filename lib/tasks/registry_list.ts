/**
 * `deno task registry:list [--strategy S] [--asset A] [--market spot|perpetual] [--interval I]
 *  [--metric "macro_f1>=0.3"]... [--dataset SHA256] [--limit N] [--json] [--root models]`
 *
 * @module
 */
import { DEFAULT_REGISTRY_ROOT, findModels, type ModelQuery, parseMetricFilter } from "../registry/mod.ts";
import {
  numberFlag,
  parseTaskArgs,
  runTask,
  type TaskArgsConfig,
  type TaskSpec,
  UsageError,
} from "./_cli.ts";

/** The flags of `deno task registry:list` (parsed strictly). */
export const ARGS = {
  options: {
    strategy: { type: "string" },
    asset: { type: "string" },
    market: { type: "string" },
    interval: { type: "string" },
    metric: { type: "string", multiple: true },
    dataset: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean", default: false },
    root: { type: "string", default: DEFAULT_REGISTRY_ROOT },
  },
} as const satisfies TaskArgsConfig;

async function main(args: string[]): Promise<void> {
  const usage = `usage: ${SPEC.usage}`;
  const { values } = parseTaskArgs(args, ARGS, usage);
  if (values.market && values.market !== "spot" && values.market !== "perpetual") {
    throw new UsageError(
      `Cannot list models: --market must be spot or perpetual, current value is ${values.market}; ${usage}`,
    );
  }
  const limit = numberFlag(values.limit, "limit", usage, { integer: true, positive: true });
  const q: ModelQuery = {
    strategy: values.strategy,
    asset: values.asset,
    market: values.market as ModelQuery["market"],
    interval: values.interval,
    datasetSha256: values.dataset,
    metrics: (values.metric ?? []).map(parseMetricFilter),
    limit,
  };
  const { models, refresh } = await findModels(values.root, q);
  for (const p of refresh.problems) console.error(`warning: skipped ${p.file}: ${p.reason}`);
  if (values.json) {
    console.log(JSON.stringify(models, null, 2));
  } else if (models.length === 0) {
    console.log(`No models in ${values.root} match.`);
  } else {
    const rows = models.map((m) => [
      m.id,
      m.created.slice(0, 19) + "Z",
      m.strategy,
      `${m.asset} ${m.market} ${m.interval}`,
      m.model.kind,
      m.metrics.macro_f1 === undefined ? "-" : m.metrics.macro_f1.toFixed(4),
      m.metrics.accuracy === undefined ? "-" : m.metrics.accuracy.toFixed(4),
      m.parent ?? "-",
    ]);
    const head = ["id", "created", "strategy", "market", "model", "macro_f1", "accuracy", "parent"];
    const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
    for (const r of [head, ...rows]) console.log(r.map((c, j) => c.padEnd(w[j])).join("  ").trimEnd());
  }
}

export const SPEC: TaskSpec = {
  name: "registry:list",
  usage:
    'deno task registry:list [--strategy S] [--asset BTC] [--market spot|perpetual] [--interval 1h] [--metric "macro_f1>0.4"]... [--dataset <sha256>] [--limit N] [--json] [--root models]',
  about: "Lists registered models, newest first, filtered by strategy, market, metrics or dataset.",
  reads: "models/",
  writes: "models/ (its index)",
};

if (import.meta.main) await runTask(SPEC, main);
