/**
 * Worker of the histogram random forest: receives the binned data once, then grows the trees it is
 * asked for (`{ type: "tree", index }`) and posts each back with its buffers transferred.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import {
  type BinnedData,
  buildForestTree,
  createForestWorkspace,
  type ForestTreeParams,
  type ForestWorkspace,
} from "./forest_tree.ts";
import { treeBuffers } from "./tree.ts";

/** Messages the worker accepts. */
export type ForestWorkerRequest =
  | { type: "init"; data: BinnedData; params: ForestTreeParams }
  | { type: "tree"; index: number };

function _serve(
  scope: { onmessage: ((e: MessageEvent) => void) | null; postMessage: typeof postMessage },
): void {
  let data: BinnedData | null = null;
  let params: ForestTreeParams | null = null;
  let workspace: ForestWorkspace | null = null;
  scope.onmessage = (e: MessageEvent<ForestWorkerRequest>) => {
    const msg = e.data;
    try {
      if (msg.type === "init") {
        data = msg.data;
        params = msg.params;
        workspace = createForestWorkspace(msg.data);
        return;
      }
      if (data === null || params === null || workspace === null) {
        throw new Error("tree requested before init");
      }
      const { tree, importance } = buildForestTree(data, params, msg.index, workspace);
      const transfer = [...treeBuffers(tree), importance.buffer as ArrayBuffer];
      scope.postMessage({ type: "tree", index: msg.index, tree, importance }, { transfer });
    } catch (err) {
      scope.postMessage({ type: "error", message: (err as Error).stack ?? String(err) });
    }
  };
}

_serve(self as unknown as Parameters<typeof _serve>[0]);
