// The training-step graph: its interface, AdamW + clipping against a float64 TypeScript
// reference, and the guarantees that no parameter is silently left without a gradient.
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import * as G from "./index.js";
import { Graph } from "./index.js";
import { runModel } from "./testing/harness.js";
import { createTestTrainer } from "./testing/train.js";

/** y = w x + b, loss = 0.5 |y|^2 with x fed: gradients dw = y x^T, db = y. */
function tinyModel(): { g: Graph; loss: G.Tensor } {
  const g = new Graph("tiny");
  const x = g.input("x", "float32", [3]);
  const w = g.param("w", [2, 3], G.xavier());
  const b = g.param("b", [2], G.zeros());
  const y = G.add(G.reshape(G.matmul(w, G.reshape(x, [3, 1])), [2]), b);
  const loss = G.mul(G.reduceSumSquare(y), 0.5);
  g.output("y", y);
  return { g, loss };
}

/** PyTorch AdamW with global-norm clipping, float64. */
function adamwReference(
  params: Record<string, number[]>,
  grads: Record<string, number[]>,
  state: Record<string, { m: number[]; v: number[] }>,
  o: { lr: number; step: number; beta1: number; beta2: number; eps: number; wd: number; clip: number; decay: (name: string) => boolean },
): number {
  const norm = Math.sqrt(Object.values(grads).flat().reduce((s, g) => s + g * g, 0));
  const scale = Math.min(1, o.clip / (norm + 1e-6));
  for (const [name, p] of Object.entries(params)) {
    const s = state[name]!;
    p.forEach((_, i) => {
      const g = grads[name]![i]! * scale;
      if (o.decay(name)) p[i] = p[i]! * (1 - o.lr * o.wd);
      s.m[i] = o.beta1 * s.m[i]! + (1 - o.beta1) * g;
      s.v[i] = o.beta2 * s.v[i]! + (1 - o.beta2) * g * g;
      const mHat = s.m[i]! / (1 - o.beta1 ** o.step);
      const vHat = s.v[i]! / (1 - o.beta2 ** o.step);
      p[i] = p[i]! - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    });
  }
  return norm;
}

describe("buildTrainStep", () => {
  it("declares the documented inputs and outputs, in order", () => {
    const { g, loss } = tinyModel();
    const ts = G.buildTrainStep(g, { loss, optimizer: G.adamW() });
    expect(ts.model.graph.inputs.map((i) => i.name)).toEqual(["x", "lr", "step", "b", "b/m", "b/v", "w", "w/m", "w/v"]);
    expect(ts.model.graph.outputs.map((o) => o.name)).toEqual([
      "loss", "grad_norm", "b/new", "b/m/new", "b/v/new", "w/new", "w/m/new", "w/v/new", "y",
    ]);
    expect(ts.model.graph.inputs.find((i) => i.name === "lr")!.shape).toEqual([]);
    expect(ts.paramNames).toEqual(["b", "w"]);
    expect(ts.paramShapes.get("w")).toEqual([2, 3]);
    expect(ts.dataInputs).toEqual([{ name: "x", dtype: "float32", shape: [3] }]);
    expect(ts.userOutputs).toEqual(["y"]);
    expect(ts.decayedParams).toEqual(["w"]); // rank-1 b is not decayed by the default rule
    expect(G.stateInputNames("h0.w")).toEqual(["h0.w", "h0.w/m", "h0.w/v"]);
    expect(G.stateOutputNames("h0.w")).toEqual(["h0.w/new", "h0.w/m/new", "h0.w/v/new"]);
    expect(ts.bytes()).toBe(ts.bytes());
  });

  it("AdamW with clipping and decoupled decay matches the float64 reference over three steps", async () => {
    const { g, loss } = tinyModel();
    const opt = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 };
    const clip = 0.5;
    const ts = G.buildTrainStep(g, { loss, optimizer: G.adamW(opt), clipGradNorm: clip });
    const start = new Map([
      ["w", new Float32Array([0.5, -0.25, 1, 0.75, 0.25, -1])],
      ["b", new Float32Array([0.1, -0.2])],
    ]);
    const trainer = await createTestTrainer(ts, start);
    const ref = { w: Array.from(start.get("w")!), b: Array.from(start.get("b")!) };
    const refState = { w: { m: [0, 0, 0, 0, 0, 0], v: [0, 0, 0, 0, 0, 0] }, b: { m: [0, 0], v: [0, 0] } };
    const xs = [[1, 2, -1], [0.5, -1, 2], [-2, 1, 0.5]];
    try {
      for (let step = 1; step <= 3; step++) {
        const x = xs[step - 1]!;
        const lr = 0.05 * step;
        const y = [0, 1].map((r) => ref.w[r * 3]! * x[0]! + ref.w[r * 3 + 1]! * x[1]! + ref.w[r * 3 + 2]! * x[2]! + ref.b[r]!);
        const grads = { w: y.flatMap((yr) => x.map((xc) => yr * xc)), b: y };
        const refNorm = adamwReference(ref, grads, refState, { lr, step, ...opt, wd: opt.weightDecay, clip, decay: (n) => n === "w" });
        const out = await trainer.step({ x: new Float32Array(x) }, lr, step);
        expect((out.loss as Float32Array)[0]).toBeCloseTo(0.5 * (y[0]! ** 2 + y[1]! ** 2), 4);
        expect((out.grad_norm as Float32Array)[0]).toBeCloseTo(refNorm, 4);
        expect(refNorm).toBeGreaterThan(clip); // clipping is active, so the test covers it
        for (const name of ["w", "b"] as const) {
          const got = Array.from(trainer.state.get(name)!);
          got.forEach((v, i) => expect(v).toBeCloseTo(ref[name][i]!, 5));
          Array.from(trainer.state.get(`${name}/m`)!).forEach((v, i) => expect(v).toBeCloseTo(refState[name].m[i]!, 6));
          Array.from(trainer.state.get(`${name}/v`)!).forEach((v, i) => expect(v).toBeCloseTo(refState[name].v[i]!, 6));
        }
      }
    } finally {
      await trainer.release();
    }
  });

  it("reports a parameter that does not reach the loss, by name", () => {
    const g = new Graph();
    const x = g.input("x", "float32", [4]);
    const used = g.param("used", [4], G.ones());
    const orphan = g.param("orphan", [4], G.ones());
    const throughInts = g.param("through_ints", [4], G.ones());
    G.exp(orphan); // used by an op, but nothing leads to the loss
    const rounded = G.cast(G.cast(throughInts, "int64"), "float32"); // a cast to int stops gradients
    const loss = G.reduceSum(G.mul(G.add(x, rounded), used));
    expect(G.paramsWithoutGradient(g, loss)).toEqual(["orphan", "through_ints"]);
    expect(G.paramsWithoutGradient(g, loss, ["used"])).toEqual([]);
    const err = errorOf(() => G.buildTrainStep(g, { loss, optimizer: G.adamW() }));
    expect(err.message).toBe('buildTrainStep: params = ["orphan","through_ints"]: do not reach the loss, so they would never train (remove or connect them)');
    expect([...G.gradients(g, loss).keys()]).toEqual(["used"]);
  });

  it("rejects a loss that is not a float32 scalar, a second build, and reserved output names", () => {
    const g = new Graph();
    const w = g.param("w", [3], G.ones());
    expect(errorOf(() => G.gradients(g, w)).message).toBe("graph: gradients(w [3]): the loss must be a float32 scalar (shape []), got float32 [3]");
    const ids = g.input("ids", "int64", []);
    expect(errorOf(() => G.buildTrainStep(g, { loss: ids, optimizer: G.adamW() })).message).toMatch(/the loss must be a float32 scalar \(shape \[\]\), got int64 \[\]/);
    const loss = G.reduceSum(w);
    expect(() => G.buildTrainStep(g, { loss, optimizer: G.adamW(), clipGradNorm: 0 })).toThrow(/clipGradNorm = 0: must be a positive number/);
    g.output("grad_norm", w);
    expect(() => G.buildTrainStep(g, { loss, optimizer: G.adamW() })).toThrow(/outputs = "grad_norm": is reserved/);

    const h = new Graph();
    const v = h.param("v", [2], G.ones());
    const l2 = G.reduceSum(G.mul(v, v));
    h.output("loss", l2); // the loss itself may be a declared output
    const ts = G.buildTrainStep(h, { loss: l2, optimizer: G.adamW() });
    expect(ts.userOutputs).toEqual([]);
    expect(() => G.buildTrainStep(h, { loss: l2, optimizer: G.adamW() })).toThrow(/already has a training step/);
    expect(() => G.adamW({ beta1: 1 })).toThrow(/beta1 = 1: must be in \[0, 1\)/);
  });

  it("leaves the inference model of the same graph free of backward and optimizer nodes", async () => {
    const { g, loss } = tinyModel();
    const forwardOps = g.nodes.length;
    G.buildTrainStep(g, { loss, optimizer: G.adamW() });
    const params = new Map([["w", new Float32Array([1, 0, 0, 0, 1, 0])], ["b", new Float32Array([0, 1])]]);
    const model = g.toInferenceModel({ outputs: ["y"], params });
    expect(model.graph.inputs.map((i) => i.name)).toEqual(["x"]);
    expect(model.graph.nodes.length).toBeLessThanOrEqual(forwardOps);
    const out = await runModel(model, { x: new Float32Array([3, 4, 5]) });
    expect(Array.from(out.y as Float32Array)).toEqual([3, 5]);
  });

  it("emits no gradient nodes for subgraphs that lead to no parameter", () => {
    const g = new Graph();
    const ids = g.input("ids", "int64", [4]);
    const w = g.param("w", [4], G.ones());
    const mask = G.exp(G.sin(G.cast(ids, "float32"))); // float, but depends on no parameter
    const loss = G.reduceSum(G.mul(G.tanh(w), mask));
    const before = g.nodes.length;
    const grads = G.gradients(g, loss);
    const added = g.nodes.slice(before).map((n) => n.opType);
    expect(grads.has("w")).toBe(true);
    expect(added).not.toContain("Cos"); // sin's backward rule never ran
    expect(added.length).toBeLessThanOrEqual(8);
  });
});
