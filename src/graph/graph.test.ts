// The builder itself: build-time shape/dtype errors, naming, parameter initialisation, and the
// models it emits (inference with baked parameters, parameters as inputs, pruning, output names).
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { errorOf } from "../../test/helpers.js";
import * as G from "./index.js";
import { Graph, GraphError } from "./index.js";
import { runModel } from "./testing/harness.js";

describe("build-time checks", () => {
  it("a matmul inner-dimension mismatch names the op, both operands and both sizes", () => {
    const g = new Graph();
    const q = g.input("attn.q", "float32", [16, 128, 64]);
    const k = g.input("attn.k", "float32", [16, 128, 32]);
    const err = errorOf(() => G.matmul(q, k, { transB: true }));
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("graph: MatMul(attn.q [16,128,64], attn.k [16,128,32], transB): inner dimensions 64 and 32 differ");
  });

  it("broadcast failures name both shapes", () => {
    const g = new Graph();
    const a = g.input("a", "float32", [2, 3]);
    const b = g.input("b", "float32", [4]);
    expect(errorOf(() => G.add(a, b)).message).toBe("graph: Add(a [2,3], b [4]): shapes [2,3] and [4] do not broadcast");
    expect(errorOf(() => G.where(g.input("c", "bool", [5]), a, a)).message).toMatch(/^graph: Where\(c \[5\], a \[2,3\], a \[2,3\]\): shapes/);
  });

  it("an unsupported dtype names the tensor and what the op needs", () => {
    const g = new Graph();
    const ids = g.input("ids", "int64", [2, 3]);
    expect(errorOf(() => G.softmax(ids)).message).toBe("graph: Softmax(ids [2,3]): ids has dtype int64; Softmax needs float32");
    expect(errorOf(() => G.matmul(ids, ids)).message).toMatch(/ids has dtype int64; MatMul needs float32/);
    expect(errorOf(() => G.gather(g.input("table", "float32", [4, 2]), g.input("f", "float32", [3]))).message).toMatch(/f has dtype float32; Gather needs int64 or int32/);
    expect(errorOf(() => G.add(ids, g.input("x", "float32", [2, 3]))).message).toMatch(/dtypes int64 and float32 differ/);
  });

  it("shape ops check their static arguments", () => {
    const g = new Graph();
    const x = g.input("x", "float32", [2, 3, 4]);
    expect(errorOf(() => G.reshape(x, [5, -1])).message).toBe("graph: Reshape(x [2,3,4], to = [5,-1]): 24 elements do not divide into 5");
    expect(errorOf(() => G.reshape(x, [-1, -1])).message).toMatch(/at most one -1/);
    expect(errorOf(() => G.transpose(x, [0, 0, 1])).message).toMatch(/Transpose\(x \[2,3,4\], perm = \[0,0,1\]\): perm must be a permutation/);
    expect(errorOf(() => G.slice(x, { starts: [1], ends: [5], axes: [2] })).message).toMatch(/range 1:5 is empty or outside axis 2 of length 4/);
    expect(errorOf(() => G.slice(x, { starts: [2], ends: [1] })).message).toMatch(/range 2:1 is empty/);
    expect(errorOf(() => G.slice(x, { starts: [3], ends: [0], steps: [-1] })).message).toMatch(/step -1 must be a positive integer/);
    expect(errorOf(() => G.concat([x, g.input("y", "float32", [2, 4, 4])], 2)).message).toMatch(/Concat\(x \[2,3,4\], y \[2,4,4\], axis = 2\): shapes differ outside axis 2/);
    expect(errorOf(() => G.reduceSum(x, [3])).message).toMatch(/axis 3 is out of range for rank 3/);
    expect(errorOf(() => G.expand(x, [3, 3, 4])).message).toMatch(/\[2,3,4\] does not broadcast to \[3,3,4\]/);
    expect(errorOf(() => G.layerNorm(x, g.param("gain", [3], G.ones()), null)).message).toMatch(/gain must have shape \[4\]/);
    expect(errorOf(() => G.crossEntropy(x, g.input("t", "int64", [2]))).message).toMatch(/logits must be \[N, V\] and targets \[N\]/);
  });

  it("constants are checked against their dtype and shape", () => {
    const g = new Graph();
    expect(() => g.constant(Number.NaN)).toThrow("graph.constant: value = NaN: must be finite");
    expect(() => g.constant(1.5, { dtype: "int64" })).toThrow(/value = 1.5: must be an integer for int64/);
    expect(() => g.constant([1, 2, 3], { shape: [2, 2] })).toThrow(/needs 4 values, got 3/);
    expect(g.constant(0.5)).toBe(g.constant(0.5)); // small constants are shared
    expect(g.constant(0.5)).not.toBe(g.constant(0.5, { dtype: "float32", shape: [1] }));
  });

  it("tensors of another graph are refused", () => {
    const a = new Graph().input("a", "float32", [2]);
    const b = new Graph().input("b", "float32", [2]);
    expect(errorOf(() => G.add(a, b)).message).toMatch(/the tensor belongs to another graph/);
  });

  it("names are unique, validated, and scoped for parameters and renamed values", () => {
    const g = new Graph();
    g.input("x", "float32", [2]);
    expect(() => g.input("x", "float32", [2])).toThrow(/name = "x": is already used/);
    expect(() => g.input("bad name", "float32", [2])).toThrow(InputError);
    expect(() => g.input("z", "float32", [0])).toThrow(/must be an array of positive integers/);
    const w = g.scope("h0", () => g.scope("attn", () => g.param("wq", [2, 2], G.xavier())));
    expect(w.name).toBe("h0.attn.wq");
    const y = g.scope("h0", () => G.mul(w, 2).named("scaled"));
    expect(y.name).toBe("h0.scaled");
    expect(() => G.mul(w, 3).named("h0.scaled")).toThrow(/already used/);
    expect(() => w.named("other")).toThrow(/only op results can be renamed/);
  });
});

describe("initialParams", () => {
  it("is deterministic per seed and per name, and follows each initialiser", () => {
    const make = (extra: boolean): Graph => {
      const g = new Graph();
      if (extra) g.param("aaa", [7], G.normal(1));
      g.param("w", [64, 32], G.xavier());
      g.param("e", [1000], G.normal(0.02));
      g.param("u", [1000], G.uniform(0.1));
      g.param("b", [32], G.zeros());
      g.param("gain", [32], G.ones());
      return g;
    };
    const a = make(false).initialParams(5);
    const b = make(true).initialParams(5);
    const c = make(false).initialParams(6);
    expect([...a.keys()]).toEqual(["b", "e", "gain", "u", "w"]);
    for (const k of a.keys()) expect(Buffer.from(b.get(k)!.buffer)).toEqual(Buffer.from(a.get(k)!.buffer));
    expect(c.get("w")).not.toEqual(a.get("w"));
    const bound = Math.sqrt(6 / (64 + 32));
    const w = a.get("w")!;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    const e = a.get("e")!;
    const std = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / e.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect(Math.max(...a.get("u")!.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(a.get("b")!.every((v) => v === 0)).toBe(true);
    expect(a.get("gain")!.every((v) => v === 1)).toBe(true);
  });

  it("initialisers reject bad settings", () => {
    expect(() => G.normal(0)).toThrow(/std = 0: must be a positive finite number/);
    expect(() => G.uniform(-1)).toThrow(InputError);
  });
});

describe("emitted models", () => {
  /** y = x @ w + b, with a scratch subgraph hanging off x that no output needs. */
  function linear(): { g: Graph; params: Map<string, Float32Array> } {
    const g = new Graph("linear");
    const x = g.input("x", "float32", [2, 3]);
    g.input("unused", "int64", [4]);
    const w = g.param("w", [3, 2], G.xavier());
    const b = g.param("b", [2], G.zeros());
    const y = G.add(G.matmul(x, w), b);
    G.exp(G.sin(x)); // dead code: must not be emitted
    g.output("y", y);
    g.output("y_again", y);
    g.output("x_echo", x);
    const params = new Map([
      ["w", new Float32Array([1, 2, 3, 4, 5, 6])],
      ["b", new Float32Array([0.5, -0.5])],
    ]);
    return { g, params };
  }
  const x = new Float32Array([1, 0, -1, 2, 1, 0]);
  const expected = [1 - 5 + 0.5, 2 - 6 - 0.5, 2 + 3 + 0.5, 4 + 4 - 0.5];

  it("an inference model bakes parameters, keeps only needed nodes and inputs, and runs alone", async () => {
    const { g, params } = linear();
    const model = g.toInferenceModel({ params });
    expect(model.graph.inputs.map((i) => i.name)).toEqual(["x"]);
    expect(model.graph.outputs.map((o) => o.name)).toEqual(["y", "y_again", "x_echo"]);
    expect(model.graph.nodes.map((n) => n.opType)).not.toContain("Sin");
    expect(model.graph.initializers!.map((t) => t.name).sort()).toEqual(["b", "w"]);
    const out = await runModel(model, { x });
    expect(Array.from(out.y as Float32Array)).toEqual(expected);
    expect(Array.from(out.y_again as Float32Array)).toEqual(expected);
    expect(Array.from(out.x_echo as Float32Array)).toEqual(Array.from(x));
  });

  it("parameters as inputs give the same values for the same parameters", async () => {
    const { g, params } = linear();
    const model = g.toModel({ paramsAsInputs: true, outputs: ["y"] });
    expect(model.graph.inputs.map((i) => i.name)).toEqual(["x", "b", "w"]);
    expect(model.graph.initializers!.map((t) => t.name)).not.toContain("w");
    const out = await runModel(model, { x, w: params.get("w")!, b: params.get("b")! });
    expect(Array.from(out.y as Float32Array)).toEqual(expected);
  });

  it("missing or malformed parameter values and unknown outputs are named", () => {
    const { g, params } = linear();
    expect(() => g.toInferenceModel({ params: new Map([["w", params.get("w")!]]) })).toThrow(/params = "b": has no value/);
    expect(() => g.toInferenceModel({ params: new Map([...params, ["w", new Float32Array(5)]]) })).toThrow(/params\[w\] = Float32Array\(5\): must be a Float32Array of 6 values/);
    expect(() => g.toInferenceModel({ params, outputs: ["z"] })).toThrow(/outputs = "z": is not a declared output; choose one of y, y_again, x_echo/);
    expect(() => new Graph().toModel({ paramsAsInputs: true })).toThrow(/declares no outputs/);
  });
});
