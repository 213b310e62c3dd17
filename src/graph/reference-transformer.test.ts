// The reference transformer end to end: gradients of the whole model against finite differences
// of a float64 re-implementation, every parameter trained, a tiny batch overfit with AdamW, and
// the FLOP formula against the matmuls actually in the graph.
import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import * as G from "./index.js";
import { Graph } from "./index.js";
import { checkLossGradients } from "./testing/harness.js";
import { transformerLoss } from "./testing/ref-transformer.js";
import { createTestTrainer } from "./testing/train.js";

const BENCH = { layers: 4, dModel: 256, heads: 4, ffn: 1024, vocab: 1024, seq: 128, batch: 16 } as const;

/** Sum of 2*M*K*N over MatMul nodes (batch dims multiplied in), from the shapes the graph recorded. */
function matmulFlops(nodes: readonly G.OpNode[]): number {
  let total = 0;
  for (const n of nodes.filter((x) => x.opType === "MatMul")) {
    const out = n.outputs[0]!.shape;
    const a = n.inputs[0]!.shape;
    total += 2 * out.reduce((p, d) => p * d, 1) * a[a.length - 1]!;
  }
  return total;
}

describe("reference transformer", () => {
  it("has the gradients of its float64 re-implementation (2 pre-LN blocks, tied head, ignored targets)", async () => {
    const cfg = { layers: 2, dModel: 8, heads: 2, ffn: 12, vocab: 7, seq: 4, batch: 2 };
    const g = new Graph();
    const m = G.buildReferenceTransformer(g, cfg);
    const rng = createRng(11);
    // Random values everywhere (gains and biases too), larger than the GPT init so every path matters.
    const values = Object.fromEntries(g.params.map((p) => [p.name, Float32Array.from({ length: p.size }, () => rng.uniform(-0.6, 0.6))]));
    const tokens = [3, 1, 6, 0, 2, 2, 5, 4];
    const targets = [1, 6, -100, 2, 2, 5, -100, 0];
    const feeds = { tokens: BigInt64Array.from(tokens.map(BigInt)), targets: BigInt64Array.from(targets.map(BigInt)) };
    const report = await checkLossGradients(g, m.loss, values, feeds, (ps) => transformerLoss(cfg, ps, tokens, targets));
    expect(report.loss).toBeCloseTo(report.refLoss, 5);
    expect(Object.keys(report.grads)).toHaveLength(g.params.length);
    for (const [name, r] of Object.entries(report.grads)) expect(r.ratio, `${name} ${JSON.stringify(r)}`).toBeLessThanOrEqual(1);
  });

  it("gives every parameter a gradient, untied head included", () => {
    for (const tiedHead of [true, false]) {
      const g = new Graph();
      const m = G.buildReferenceTransformer(g, { layers: 2, dModel: 8, heads: 2, ffn: 8, vocab: 5, seq: 3, batch: 1, tiedHead });
      expect(G.paramsWithoutGradient(g, m.loss)).toEqual([]);
      expect([...G.gradients(g, m.loss).keys()]).toEqual(g.params.map((p) => p.name));
      expect(g.params.some((p) => p.name === "lm_head")).toBe(!tiedHead);
    }
  });

  it("overfits 4 sequences of 8 tokens to near-zero loss within 200 AdamW steps", async () => {
    const cfg = { layers: 2, dModel: 32, heads: 4, ffn: 64, vocab: 16, seq: 8, batch: 4 };
    const g = new Graph();
    const m = G.buildReferenceTransformer(g, cfg);
    const ts = G.buildTrainStep(g, { loss: m.loss, optimizer: G.adamW({ weightDecay: 0 }), clipGradNorm: 1 });
    const rng = createRng(3);
    const seqs = Array.from({ length: cfg.batch * (cfg.seq + 1) }, () => rng.int(cfg.vocab));
    const tokens = new BigInt64Array(cfg.batch * cfg.seq);
    const targets = new BigInt64Array(cfg.batch * cfg.seq);
    for (let b = 0; b < cfg.batch; b++) {
      for (let t = 0; t < cfg.seq; t++) {
        tokens[b * cfg.seq + t] = BigInt(seqs[b * (cfg.seq + 1) + t]!);
        targets[b * cfg.seq + t] = BigInt(seqs[b * (cfg.seq + 1) + t + 1]!);
      }
    }
    const trainer = await createTestTrainer(ts, g.initialParams(1));
    const losses: number[] = [];
    try {
      for (let step = 1; step <= 200; step++) {
        const lr = G.warmupCosineLr(step, { peakLr: 3e-3, warmupSteps: 10, totalSteps: 200, minLr: 3e-4 });
        const out = await trainer.step({ tokens, targets }, lr, step);
        losses.push((out.loss as Float32Array)[0]!);
      }
    } finally {
      await trainer.release();
    }
    expect(losses[0]).toBeGreaterThan(Math.log(cfg.vocab) - 0.5); // starts near uniform
    expect(losses.at(-1)).toBeLessThan(0.05);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it("counts the FLOPs its graph performs: forward matmuls, and 3x that for a training step", () => {
    const g = new Graph();
    const m = G.buildReferenceTransformer(g, BENCH);
    const forward = matmulFlops(g.nodes);
    expect(G.transformerForwardFlops(BENCH)).toBe(forward);
    const ts = G.buildTrainStep(g, { loss: m.loss, optimizer: G.adamW() });
    const stepNodes = ts.model.graph.nodes.map((n) => g.nodes.find((x) => x.outputs.some((o) => o.name === n.outputs[0]))).filter((n): n is G.OpNode => n !== undefined);
    // Every matmul of the step has both operands differentiated: dX and dW are each the forward's size.
    expect(G.transformerTrainFlops(BENCH)).toBe(matmulFlops(stepNodes));
    expect(G.transformerTrainFlops(BENCH) / 1e9).toBeCloseTo(45.1, 1);
  });

  it("rejects a config whose heads do not divide the width", () => {
    expect(() => G.buildReferenceTransformer(new Graph(), { ...BENCH, heads: 3 })).toThrow(/heads = 3: must divide dModel = 256/);
    expect(() => G.transformerTrainFlops({ ...BENCH, layers: 0 })).toThrow(/layers = 0: must be a positive integer/);
  });
});
