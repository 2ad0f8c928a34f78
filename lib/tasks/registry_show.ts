/**
 * `deno task registry:show <id> [--lineage] [--json] [--root models]`: one registered model in sections a
 * person can read (dates ISO UTC, numbers rounded, the verdict first), after checking its artifact hash;
 * `--json` prints the raw metadata; `--lineage` prints the chain of parent ids instead.
 *
 * @module
 */
import { DEFAULT_REGISTRY_ROOT, lineage, loadRegisteredModel } from "../registry/mod.ts";
import { parseTaskArgs, runTask, type TaskArgsConfig, type TaskSpec, UsageError } from "./_cli.ts";

const _TIME_KEY = /(^|_)(start|end|created|time|at)$|(Start|End|At|Time)$/;

/** A leaf value for people: epoch ms under a time-like key as ISO UTC, floats rounded, long lists cut. */
function _value(key: string, v: unknown): string {
  if (typeof v === "number") {
    if (_TIME_KEY.test(key) && v > 1e11 && v < 1e14) return new Date(v).toISOString().replace(".000Z", "Z");
    return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(4);
  }
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "-";
  if (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null)) {
    const s = v.map((x) => _value(key, x)).join(", ");
    return s.length > 160 ? `${s.slice(0, 157)}... (${v.length})` : s;
  }
  return JSON.stringify(v);
}

function _lines(obj: Record<string, unknown>, indent: string, out: string[]): void {
  const width = Math.max(0, ...Object.keys(obj).map((k) => k.length));
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      out.push(`${indent}${k}:`);
      _lines(v as Record<string, unknown>, indent + "  ", out);
    } else if (Array.isArray(v) && v.some((x) => x && typeof x === "object")) {
      out.push(`${indent}${k}: (${v.length})`);
      for (const item of v) {
        out.push(
          `${indent}  - ${
            Object.entries(item as Record<string, unknown>).map(([ik, iv]) => `${ik} ${_value(ik, iv)}`).join(
              ", ",
            )
          }`,
        );
      }
    } else out.push(`${indent}${k.padEnd(width)}  ${_value(k, v)}`);
  }
}

/**
 * A model's metadata in sections: a title line, the verdict, then training, data, features, label, model,
 * validation, metrics, code and anything else; dates ISO UTC, no epoch milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatModelMetadata } from "./registry_show.ts";
 * const t = formatModelMetadata({ id: "abc", strategy: "s", asset: "BTC", market: "spot", interval: "1h",
 *   created: "2026-12-06T22:42:51.393Z", training: { start: 1645970400000, end: 1735657200000, rows: 10 },
 *   metrics: { macro_f1: 0.38690587 }, evaluation: { verdict: { text: "no evidence of skill" } } });
 * assert.match(t, /^model abc  s  BTC spot 1h  created 2026-12-06 22:42 UTC/);
 * assert.match(t, /verdict: no evidence of skill/);
 * assert.match(t, /start\s+2022-02-27T14:00:00Z/);
 * assert.match(t, /macro_f1\s+0\.3869/);
 * assert.doesNotMatch(t, /1645970400000/);
 * ```
 */
export function formatModelMetadata(meta: Record<string, unknown>): string {
  const m = { ...meta };
  const out: string[] = [];
  const created = typeof m.created === "string" ? m.created.slice(0, 16).replace("T", " ") + " UTC" : "";
  out.push(
    `model ${m.id}  ${m.strategy ?? ""}  ${[m.asset, m.market, m.interval].filter(Boolean).join(" ")}  ` +
      `created ${created}`,
  );
  const verdict = (m.evaluation as { verdict?: { text?: string } } | undefined)?.verdict?.text;
  if (verdict) out.push(`verdict: ${verdict}`);
  for (const k of ["metadataVersion", "id", "strategy", "asset", "market", "interval", "created"]) {
    delete m[k];
  }
  const order = ["training", "datasets", "features", "label", "model", "validation", "metrics", "evaluation"];
  const keys = [...order.filter((k) => k in m), ...Object.keys(m).filter((k) => !order.includes(k))];
  for (const k of keys) {
    out.push("", `${k[0].toUpperCase()}${k.slice(1)}`);
    const v = m[k];
    if (v && typeof v === "object" && !Array.isArray(v)) _lines(v as Record<string, unknown>, "  ", out);
    else _lines({ [k]: v }, "  ", out);
  }
  return out.join("\n");
}

/** The flags of `deno task registry:show` (parsed strictly). */
export const ARGS = {
  allowPositionals: true,
  options: {
    root: { type: "string", default: DEFAULT_REGISTRY_ROOT },
    lineage: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
} as const satisfies TaskArgsConfig;

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseTaskArgs(args, ARGS, `usage: ${SPEC.usage}`);
  if (positionals.length !== 1) {
    throw new UsageError(
      `Cannot show a model: give exactly one id, got ${positionals.length}; e.g. deno task registry:show 0123456789abcdef`,
    );
  }
  if (values.lineage) {
    const { chain, missingParent } = await lineage(values.root, positionals[0]);
    for (const m of chain) console.log(`${m.id}  ${m.created}  ${m.strategy}  ${m.model.kind}`);
    if (missingParent) console.log(`${missingParent}  (parent not in this registry)`);
    return 0;
  }
  const { metadata } = await loadRegisteredModel(values.root, positionals[0]);
  console.log(
    values.json
      ? JSON.stringify(metadata, null, 2)
      : formatModelMetadata(metadata as unknown as Record<string, unknown>),
  );
  return 0;
}

export const SPEC: TaskSpec = {
  name: "registry:show",
  usage: "deno task registry:show <model id> [--lineage] [--json] [--root models]",
  about: "Shows one registered model in sections (verdict, training period, data files and hashes, " +
    "features, label, model parameters, validation, metrics, code) after checking its artifact hash; " +
    "--json prints the raw metadata, --lineage the chain of parents.",
  reads: "models/",
  writes: "models/ (its index)",
};

if (import.meta.main) await runTask(SPEC, main);
