/**
 * Worker of the histogram random forest, kept alive by a `WorkerPool` across fits and predictions. Every
 * buffer it reads arrives as a view of a SharedArrayBuffer; its answers are assembled by task index.
 *
 * - fit, step 1: `bin-setup` (float columns, sampled rows, bins output) then `bin` tasks, one per feature:
 *   edges of that feature and its bins (the same bytes as binning in the calling thread);
 * - fit, step 2: `grow-setup` (the binned data, tree parameters) then `tree` tasks, one per tree index;
 * - predict: `predict-setup` (compiled forest, columns, output) then `predict` tasks, one per row chunk.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { binForestFeature, type ForestData } from "./forest_data.ts";
import {
  buildForestTree,
  createForestWorkspace,
  type ForestTreeParams,
  type ForestWorkspace,
} from "./forest_tree.ts";
import { type CompiledForest, predictForest } from "./forest_predict.ts";
import { treeBuffers } from "./tree.ts";
import { serveWorker, type WorkerAnswer } from "./worker_pool.ts";

/** Messages the worker accepts (`task` messages are answered with `{ type: "done", task, ... }`). */
export type ForestWorkerRequest =
  | {
    type: "bin-setup";
    /** Column-major float features, n rows each, at `columns[f * n + i]`. */
    columns: Float64Array;
    n: number;
    sample: Int32Array | null;
    maxBins: number;
    /** Output, column-major like `ForestData.bins`. */
    bins: Uint8Array;
  }
  | { type: "bin"; task: number }
  | { type: "grow-setup"; data: ForestData; params: ForestTreeParams }
  | { type: "tree"; task: number }
  | {
    type: "predict-setup";
    forest: CompiledForest;
    columns: Float64Array[];
    out: Float64Array;
    chunkRows: number;
    nRows: number;
  }
  | { type: "predict"; task: number };

type _BinJob = Extract<ForestWorkerRequest, { type: "bin-setup" }>;
type _PredictJob = Extract<ForestWorkerRequest, { type: "predict-setup" }>;

function _state() {
  let bin: _BinJob | null = null, binBuf: Float64Array | null = null;
  let grow: { data: ForestData; params: ForestTreeParams } | null = null;
  let workspace: ForestWorkspace | null = null;
  let predict: _PredictJob | null = null;
  return (msg: ForestWorkerRequest): WorkerAnswer | undefined => {
    switch (msg.type) {
      case "bin-setup":
        bin = msg, grow = null, predict = null;
        return;
      case "bin": {
        if (bin === null) throw new Error("bin task before bin-setup");
        const { n, columns, sample, maxBins, bins } = bin, f = msg.task;
        const need = sample?.length ?? n;
        if (binBuf === null || binBuf.length < need) binBuf = new Float64Array(need);
        const edges = binForestFeature(
          columns.subarray(f * n, (f + 1) * n),
          sample,
          maxBins,
          bins.subarray(f * n, (f + 1) * n),
          binBuf,
        );
        return { reply: { edges }, transfer: [edges.buffer as ArrayBuffer] };
      }
      case "grow-setup":
        grow = { data: msg.data, params: msg.params }, bin = null, predict = null;
        // Keep the workspace across fits when it is large enough (fresh memory is slow to touch).
        if (workspace === null || workspace.counts.length < msg.data.nRows) {
          workspace = createForestWorkspace(msg.data);
        }
        return;
      case "tree": {
        if (grow === null || workspace === null) throw new Error("tree task before grow-setup");
        const { tree, importance } = buildForestTree(grow.data, grow.params, msg.task, workspace);
        return {
          reply: { tree, importance },
          transfer: [...treeBuffers(tree), importance.buffer as ArrayBuffer],
        };
      }
      case "predict-setup":
        predict = msg, bin = null, grow = null;
        return;
      case "predict": {
        if (predict === null) throw new Error("predict task before predict-setup");
        const { forest, columns, out, chunkRows, nRows } = predict;
        const from = msg.task * chunkRows, to = Math.min(nRows, from + chunkRows);
        predictForest(forest, columns, from, to, out, from);
        return { reply: {} };
      }
      default:
        throw new Error(`unknown message type ${JSON.stringify((msg as { type?: unknown }).type)}`);
    }
  };
}

serveWorker(self as unknown as Parameters<typeof serveWorker>[0], _state());
