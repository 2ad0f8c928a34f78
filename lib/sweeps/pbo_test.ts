import assert from "node:assert/strict";
import { cscvPbo } from "./pbo.ts";
import { mulberry32 } from "../util/random.ts";

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

function panel(seed: number, trials: number, bars: number, edge: (n: number) => number): Float64Array[] {
  const g = gaussian(mulberry32(seed));
  return Array.from(
    { length: trials },
    (_, n) => Float64Array.from({ length: bars }, () => 0.01 * (g() + edge(n))),
  );
}

Deno.test("cscvPbo() is near 0.5 on pure noise (averaged over independent panels)", () => {
  const pbos: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    pbos.push(cscvPbo(panel(seed, 20, 1600, () => 0), { blocks: 10 }).pbo);
  }
  const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
  assert(mean > 0.35 && mean < 0.65, `mean PBO on noise ${mean} (${pbos.map((p) => p.toFixed(2))})`);
});

Deno.test("cscvPbo() is near 0 when one config has a real edge", () => {
  const r = cscvPbo(panel(11, 20, 1600, (n) => (n === 7 ? 0.15 : 0)), { blocks: 10 });
  assert(r.pbo < 0.05, `PBO ${r.pbo}`);
  assert(
    r.winnerCounts[7] > 0.9 * r.splits,
    `the edge config won ${r.winnerCounts[7]} of ${r.splits} splits`,
  );
  assert(r.bestMinusMedian > 0);
});

Deno.test("cscvPbo() is high when the in-sample winner is systematically the out-of-sample loser", () => {
  // trial n earns +a in even blocks and -a in odd blocks with opposite signs per trial: what wins in
  // sample loses out of sample (an anti-persistent panel)
  const bars = 800, S = 8;
  const rets = Array.from({ length: 6 }, (_, n) =>
    Float64Array.from({ length: bars }, (_, t) => {
      const block = Math.floor((t * S) / bars);
      const sign = ((block + n) % 2 === 0 ? 1 : -1) * (n + 1);
      return 0.001 * sign + 0.0001 * Math.sin(t * 0.7 + n);
    }));
  const r = cscvPbo(rets, { blocks: S });
  assert(r.pbo > 0.5, `PBO ${r.pbo}`);
});

Deno.test("cscvPbo() counts C(S, S/2) splits and refuses bad input with a clear message", () => {
  const r = cscvPbo(panel(2, 3, 200, () => 0), { blocks: 6 });
  assert.equal(r.splits, 20);
  assert.equal(r.logits.length, 20);
  assert.throws(() => cscvPbo([new Float64Array(100)], { blocks: 4 }), /at least 2 trials/);
  assert.throws(() => cscvPbo([new Float64Array(100), new Float64Array(99)]), /same bars/);
  assert.throws(() => cscvPbo(panel(2, 3, 200, () => 0), { blocks: 5 }), /even/);
});
