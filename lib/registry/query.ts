/**
 * Registry queries, answered from the SQLite index (refreshed from the JSON files first).
 *
 * @module
 */
import { CandlelabError } from "../util/errors.ts";
import { openIndex, type RefreshResult } from "./index_db.ts";
import type { ModelMetadata } from "./metadata.ts";
import { readModelMetadata } from "./store.ts";

/** A threshold on one stored metric, e.g. `{ name: "macro_f1", op: ">=", value: 0.3 }`. */
export interface MetricFilter {
  name: string;
  op: ">=" | ">" | "<=" | "<" | "=";
  value: number;
}

/** What {@link findModels} filters on (all optional, combined with AND). */
export interface ModelQuery {
  strategy?: string;
  asset?: string;
  market?: "spot" | "perpetual";
  interval?: string;
  modelKind?: string;
  /** Models trained on a dataset file with this SHA-256. */
  datasetSha256?: string;
  metrics?: MetricFilter[];
  limit?: number;
}

const _OPS = new Set([">=", ">", "<=", "<", "="]);

/**
 * Parses `name>=value` (ops `>= > <= < =`) into a metric filter.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseMetricFilter } from "./query.ts";
 * const f = parseMetricFilter("macro_f1>=0.3");
 * assert(f.name === "macro_f1" && f.op === ">=" && f.value === 0.3);
 * ```
 */
export function parseMetricFilter(text: string): MetricFilter {
  const m = /^\s*([A-Za-z_][\w.]*)\s*(>=|<=|>|<|=)\s*(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(text);
  if (!m || !Number.isFinite(Number(m[3]))) {
    throw new CandlelabError(
      `Cannot parse metric filter "${text}": expected name, operator (>= > <= < =) and number, e.g. macro_f1>=0.3`,
    );
  }
  return { name: m[1], op: m[2] as MetricFilter["op"], value: Number(m[3]) };
}

/**
 * Models matching the query, newest first (by `created`, then id), with the refresh report.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { findModels } from "./query.ts";
 * const root = await Deno.makeTempDir();
 * const { models } = await findModels(root, { strategy: "none", metrics: [{ name: "macro_f1", op: ">=", value: 0.3 }] });
 * assert(models.length === 0);
 * ```
 */
export async function findModels(
  root: string,
  q: ModelQuery = {},
): Promise<{ models: ModelMetadata[]; refresh: RefreshResult }> {
  const where: string[] = [], args: (string | number)[] = [];
  for (
    const [col, v] of [["strategy", q.strategy], ["asset", q.asset], ["market", q.market], [
      "interval",
      q.interval,
    ], [
      "model_kind",
      q.modelKind,
    ]] as const
  ) {
    if (v !== undefined) (where.push(`m.${col} = ?`), args.push(v));
  }
  if (q.datasetSha256 !== undefined) {
    where.push("EXISTS (SELECT 1 FROM datasets d WHERE d.id = m.id AND d.sha256 = ?)");
    args.push(q.datasetSha256);
  }
  for (const f of q.metrics ?? []) {
    if (!_OPS.has(f.op)) {
      throw new CandlelabError(`Cannot query models: metric operator "${f.op}" is not one of >= > <= < =`);
    }
    where.push(`EXISTS (SELECT 1 FROM metrics x WHERE x.id = m.id AND x.name = ? AND x.value ${f.op} ?)`);
    args.push(f.name, f.value);
  }
  let sql = "SELECT m.meta_json AS j FROM models m";
  if (where.length) sql += " WHERE " + where.join(" AND ");
  sql += " ORDER BY m.created DESC, m.id";
  if (q.limit !== undefined) (sql += " LIMIT ?"), args.push(q.limit);
  const { db, refresh } = await openIndex(root);
  try {
    const models = db.prepare(sql).all(...args).map((r) => JSON.parse(String(r.j)) as ModelMetadata);
    return { models, refresh };
  } finally {
    db.close();
  }
}

/**
 * The newest model of a strategy (optionally narrowed further), or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { getLatestModel } from "./query.ts";
 * const root = await Deno.makeTempDir();
 * assert((await getLatestModel(root, "trend")) === undefined);
 * ```
 */
export async function getLatestModel(
  root: string,
  strategy: string,
  q: Omit<ModelQuery, "strategy" | "limit"> = {},
): Promise<ModelMetadata | undefined> {
  return (await findModels(root, { ...q, strategy, limit: 1 })).models[0];
}

/**
 * The lineage of a model: itself, its parent, the parent's parent... Stops at a model without a parent,
 * a parent that is not in the registry (`missingParent`) or a cycle (refused).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lineage } from "./query.ts";
 * const root = await Deno.makeTempDir();
 * await lineage(root, "0123456789abcdef").catch((e) => assert(String(e).includes("No model")));
 * ```
 */
export async function lineage(
  root: string,
  id: string,
): Promise<{ chain: ModelMetadata[]; missingParent?: string }> {
  const chain: ModelMetadata[] = [];
  const seen = new Set<string>();
  let next: string | null = id;
  while (next) {
    if (seen.has(next)) {
      throw new CandlelabError(
        `Cannot follow the lineage of ${id}: parent ids loop back to ${next}; fix the parent field of those metadata files`,
      );
    }
    seen.add(next);
    let m: ModelMetadata;
    try {
      m = await readModelMetadata(root, next);
    } catch (err) {
      if (chain.length && err instanceof CandlelabError && err.message.startsWith("No model")) {
        return { chain, missingParent: next };
      }
      throw err;
    }
    chain.push(m);
    next = m.parent;
  }
  return { chain };
}

/** Side-by-side comparison: one row per field, one value per model. */
export interface Comparison {
  ids: string[];
  rows: { field: string; values: string[] }[];
}

function _fmt(v: unknown): string {
  if (v === undefined || v === null) return "-";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function _flat(prefix: string, v: unknown, out: Map<string, unknown>): void {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) _flat(prefix ? `${prefix}.${k}` : k, x, out);
  } else out.set(prefix, v);
}

/**
 * Compares models field by field (identity, data, model params, label, training range, metrics, code).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareModels } from "./query.ts";
 * const root = await Deno.makeTempDir();
 * await compareModels(root, []).catch((e) => assert(String(e).includes("at least one")));
 * ```
 */
export async function compareModels(root: string, ids: string[]): Promise<Comparison> {
  if (ids.length === 0) {
    throw new CandlelabError(
      "Cannot compare models: give at least one model id (see `deno task registry:list`)",
    );
  }
  const metas = await Promise.all(ids.map((id) => readModelMetadata(root, id)));
  const flats = metas.map((m) => {
    const f = new Map<string, unknown>();
    const iso = (t: number) => new Date(t).toISOString().replace(":00.000Z", "Z");
    _flat("", {
      strategy: m.strategy,
      asset: m.asset,
      market: m.market,
      interval: m.interval,
      model: { kind: m.model.kind, params: m.model.params },
      features: { set: m.features.set, hash: m.features.hash },
      label: m.label,
      training: { from: iso(m.training.start), to: iso(m.training.end), rows: m.training.rows },
      datasets: m.datasets.map((d) => d.sha256.slice(0, 12)).join(","),
      metrics: m.metrics,
      seed: m.seed,
      commit: m.code.commit ? m.code.commit.slice(0, 10) + (m.code.dirty ? "+dirty" : "") : null,
      created: m.created,
      parent: m.parent,
    }, f);
    return f;
  });
  const fields: string[] = [];
  for (const f of flats) for (const k of f.keys()) if (!fields.includes(k)) fields.push(k);
  return { ids, rows: fields.map((field) => ({ field, values: flats.map((f) => _fmt(f.get(field))) })) };
}

/**
 * A comparison as a plain-text table; rows whose values differ are marked with `*`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatModelComparison } from "./query.ts";
 * const t = formatModelComparison({ ids: ["a", "b"], rows: [{ field: "seed", values: ["1", "2"] }] });
 * assert(t.includes("* seed"));
 * ```
 */
export function formatModelComparison(c: Comparison): string {
  const head = ["  field", ...c.ids];
  const lines = c.rows.map((r) => [`${new Set(r.values).size > 1 ? "*" : " "} ${r.field}`, ...r.values]);
  const all = [head, ...lines];
  const widths = head.map((_, j) => Math.max(...all.map((row) => row[j].length)));
  const fmt = (row: string[]) => row.map((cell, j) => cell.padEnd(widths[j])).join("  ").trimEnd();
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(fmt)].join("\n");
}
