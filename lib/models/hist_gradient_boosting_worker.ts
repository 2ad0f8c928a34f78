/**
 * Worker of the histogram gradient boosting: receives the binned data and the shared gradient, hessian and
 * row-sample buffers once, then grows the class trees it is asked for each round.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { BinnedData } from "./binning.ts";
import { type BoostingTreeParams, buildBoostingTree } from "./boosting_tree.ts";
import { treeBuffers } from "./tree.ts";

/** Messages the worker accepts. */
export type BoostingWorkerRequest =
  | {
    type: "init";
    data: BinnedData;
    grads: Float64Array[];
    hess: Float64Array[];
    sample: Int32Array;
    params: BoostingTreeParams;
  }
  | { type: "tree"; c: number; nSample: number; feats: Int32Array };

function _serve(
  scope: { onmessage: ((e: MessageEvent) => void) | null; postMessage: typeof postMessage },
): void {
  let init: Extract<BoostingWorkerRequest, { type: "init" }> | null = null;
  scope.onmessage = (e: MessageEvent<BoostingWorkerRequest>) => {
    const msg = e.data;
    try {
      if (msg.type === "init") {
        init = msg;
        return;
      }
      if (init === null) throw new Error("tree requested before init");
      const { tree, gain } = buildBoostingTree(
        init.data,
        init.sample.subarray(0, msg.nSample),
        init.grads[msg.c],
        init.hess[msg.c],
        msg.feats,
        init.params,
      );
      const transfer = [...treeBuffers(tree), gain.buffer as ArrayBuffer];
      scope.postMessage({ type: "tree", c: msg.c, tree, gain }, { transfer });
    } catch (err) {
      scope.postMessage({ type: "error", message: (err as Error).stack ?? String(err) });
    }
  };
}

_serve(self as unknown as Parameters<typeof _serve>[0]);
