// Every differentiable op: forward values against the float64 reference and analytic gradients
// (onnxruntime, float32) against central finite differences of that reference. Tolerances and
// why they are what they are: testing/harness.ts.
import { describe, expect, it } from "vitest";
import type { Graph, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import * as G from "./index.js";
import { awayFromZero, checkGradients, forwardValues, toNumbers, uniformIn, type GradCase, type Sampler } from "./testing/harness.js";
import * as R from "./testing/ref.js";

const positive = uniformIn(0.5, 2);

/** A case with one parameter "x" of `shape`. */
function unaryCase(shape: number[], build: (x: Tensor, g: Graph) => Tensor, ref: (x: R.Nd) => R.Nd, sample = uniformIn(-1, 1)): GradCase {
  return { params: { x: { shape, sample } }, build: (g, p) => build(p.x!, g), ref: (p) => ref(p.x!) };
}

/** A case with parameters "a" and "b". */
function binaryCase(sa: number[], sb: number[], build: (a: Tensor, b: Tensor) => Tensor, ref: (a: R.Nd, b: R.Nd) => R.Nd, sample?: { a?: Sampler; b?: Sampler }): GradCase {
  return {
    params: { a: { shape: sa, ...(sample?.a ? { sample: sample.a } : {}) }, b: { shape: sb, ...(sample?.b ? { sample: sample.b } : {}) } },
    build: (_g, p) => build(p.a!, p.b!),
    ref: (p) => ref(p.a!, p.b!),
  };
}

const cases: Record<string, GradCase> = {
  "add, broadcast [2,3,4] + [3,1]": binaryCase([2, 3, 4], [3, 1], G.add, (a, b) => R.zip((x, y) => x + y, a, b)),
  "sub, broadcast [4] - [2,4]": binaryCase([4], [2, 4], G.sub, (a, b) => R.zip((x, y) => x - y, a, b)),
  "mul, broadcast [2,1,4] * [3,1]": binaryCase([2, 1, 4], [3, 1], G.mul, (a, b) => R.zip((x, y) => x * y, a, b)),
  "div, broadcast [2,3] / [3]": binaryCase([2, 3], [3], G.div, (a, b) => R.zip((x, y) => x / y, a, b), { b: positive }),
  "minimum": binaryCase([3, 4], [4], G.minimum, (a, b) => R.zip(Math.min, a, b)),
  "maximum": binaryCase([3, 4], [3, 4], G.maximum, (a, b) => R.zip(Math.max, a, b)),
  "mul by a number": unaryCase([5], (x) => G.mul(x, -1.5), (x) => R.map(x, (v) => -1.5 * v)),
  "sub from a number": unaryCase([5], (x) => G.sub(2, x), (x) => R.map(x, (v) => 2 - v)),
  "neg": unaryCase([2, 3], G.neg, (x) => R.map(x, (v) => -v)),
  "exp": unaryCase([2, 3], G.exp, (x) => R.map(x, Math.exp)),
  "log": unaryCase([2, 3], G.log, (x) => R.map(x, Math.log), positive),
  "sqrt": unaryCase([2, 3], G.sqrt, (x) => R.map(x, Math.sqrt), positive),
  "pow 2": unaryCase([6], (x) => G.pow(x, 2), (x) => R.map(x, (v) => v * v)),
  "pow 3": unaryCase([6], (x) => G.pow(x, 3), (x) => R.map(x, (v) => v ** 3)),
  "pow 0.5": unaryCase([6], (x) => G.pow(x, 0.5), (x) => R.map(x, Math.sqrt), positive),
  "sin": unaryCase([2, 3], G.sin, (x) => R.map(x, Math.sin)),
  "cos": unaryCase([2, 3], G.cos, (x) => R.map(x, Math.cos)),
  "relu": unaryCase([2, 5], G.relu, (x) => R.map(x, (v) => Math.max(v, 0)), awayFromZero),
  "tanh": unaryCase([2, 3], G.tanh, (x) => R.map(x, Math.tanh)),
  "sigmoid": unaryCase([2, 3], G.sigmoid, (x) => R.map(x, (v) => 1 / (1 + Math.exp(-v)))),
  "identity": unaryCase([3], G.identity, (x) => x),
  "cast float32 -> float32": unaryCase([3], (x) => G.cast(x, "float32"), (x) => x),
  "where, broadcast": binaryCase([2, 3], [3], (a, b) => G.where(G.greater(a.graph.constant([1, 0, 1, 0, 0, 1], { shape: [2, 3] }), 0.5), a, b), (a, b) =>
    R.zip((c, x, y) => (c > 0.5 ? x : y), R.nd([2, 3], [1, 0, 1, 0, 0, 1]), a, b)),
  "addN with fan-out (x + 2x + x*x)": unaryCase([4], (x) => G.addN([x, G.mul(x, 2), G.mul(x, x)]), (x) => R.map(x, (v) => 3 * v + v * v)),
  "reshape with -1": unaryCase([2, 3, 4], (x) => G.reshape(x, [4, -1]), (x) => R.reshape(x, [4, 6])),
  "transpose [2,0,1]": unaryCase([2, 3, 4], (x) => G.transpose(x, [2, 0, 1]), (x) => R.transpose(x, [2, 0, 1])),
  "expand [3,1] -> [2,3,4]": unaryCase([3, 1], (x) => G.expand(x, [2, 3, 4]), (x) => R.zip((v) => v, x, R.nd([2, 3, 4], new Array(24).fill(0)))),
  "concat axis 1": binaryCase([2, 1, 3], [2, 2, 3], (a, b) => G.concat([a, b], 1), (a, b) => R.concat([a, b], 1)),
  "split axis -1 (both pieces used)": unaryCase([2, 5], (x) => {
    const [l, r] = G.split(x, [2, 3], -1) as [Tensor, Tensor];
    return G.concat([G.mul(r, 2), l], 1);
  }, (x) => R.concat([R.map(R.slice(x, [2], [5], [1], [1]), (v) => 2 * v), R.slice(x, [0], [2], [1], [1])], 1)),
  "split, one piece unused": unaryCase([6], (x) => G.split(x, [4, 2], 0)[1]!, (x) => R.slice(x, [4], [6], [0], [1])),
  "slice step 1, negative start": unaryCase([4, 5], (x) => G.slice(x, { starts: [1, -3], ends: [3, 5] }), (x) => R.slice(x, [1, 2], [3, 5], [0, 1], [1, 1])),
  "slice step 2 and 3": unaryCase([5, 7], (x) => G.slice(x, { starts: [0, 1], ends: [5, 7], steps: [2, 3] }), (x) => R.slice(x, [0, 1], [5, 7], [0, 1], [2, 3])),
  "gather rows (repeated ids accumulate)": unaryCase([5, 3], (x, g) => G.gather(x, g.constant([4, 1, 4, 0], { dtype: "int64", shape: [2, 2] })), (x) => R.gather(x, [4, 1, 4, 0], [2, 2])),
  "matmul [2,3,4] @ [4,5] (weight fold)": binaryCase([2, 3, 4], [4, 5], (a, b) => G.matmul(a, b), (a, b) => R.matmul(a, b)),
  "matmul transA": binaryCase([4, 3], [4, 5], (a, b) => G.matmul(a, b, { transA: true }), (a, b) => R.matmul(a, b, true)),
  "matmul transB, batched": binaryCase([2, 3, 4], [2, 5, 4], (a, b) => G.matmul(a, b, { transB: true }), (a, b) => R.matmul(a, b, false, true)),
  "matmul transA + transB": binaryCase([2, 4, 3], [5, 4], (a, b) => G.matmul(a, b, { transA: true, transB: true }), (a, b) => R.matmul(a, b, true, true)),
  "matmul [3,4] @ [2,4,5] (A broadcast)": binaryCase([3, 4], [2, 4, 5], (a, b) => G.matmul(a, b), (a, b) => R.matmul(a, b)),
  "matmul transB weight fold [2,3,4] @ [5,4]^T": binaryCase([2, 3, 4], [5, 4], (a, b) => G.matmul(a, b, { transB: true }), (a, b) => R.matmul(a, b, false, true)),
  "reduceSum axes [0,2]": unaryCase([2, 3, 4], (x) => G.reduceSum(x, [0, 2]), (x) => R.sum(x, [0, 2])),
  "reduceSum all, keepdims": unaryCase([2, 3], (x) => G.reduceSum(x, undefined, true), (x) => R.sum(x, undefined, true)),
  "reduceMean axis -1 keepdims": unaryCase([2, 3, 4], (x) => G.reduceMean(x, [-1], true), (x) => R.mean(x, [-1], true)),
  "reduceSumSquare": unaryCase([3, 4], (x) => G.reduceSumSquare(x, [1]), (x) => R.sum(R.map(x, (v) => v * v), [1])),
  "reduceMax axis 1": unaryCase([3, 4], (x) => G.reduceMax(x, [1]), (x) => R.max(x, [1])),
  "softmax": unaryCase([2, 3, 5], (x) => G.softmax(G.mul(x, 3)), (x) => R.softmax(R.map(x, (v) => 3 * v))),
  "logSoftmax": unaryCase([3, 5], (x) => G.logSoftmax(G.mul(x, 3)), (x) => R.logSoftmax(R.map(x, (v) => 3 * v))),
  "layerNorm with beta": {
    params: { x: { shape: [2, 3, 6] }, g: { shape: [6] }, b: { shape: [6] } },
    build: (_g, p) => G.layerNorm(p.x!, p.g!, p.b!),
    ref: (p) => R.layerNorm(p.x!, p.g!, p.b!),
  },
  "layerNorm without beta, eps 1e-3": {
    params: { x: { shape: [4, 5] }, g: { shape: [5] } },
    build: (_g, p) => G.layerNorm(p.x!, p.g!, null, { eps: 1e-3 }),
    ref: (p) => R.layerNorm(p.x!, p.g!, null, 1e-3),
  },
  "gelu (erf)": unaryCase([3, 7], (x) => G.gelu(G.mul(x, 3)), (x) => R.gelu(R.map(x, (v) => 3 * v))),
  "crossEntropy with ignoreIndex": unaryCase([4, 5], (x, g) => G.crossEntropy(G.mul(x, 2), g.constant([3, -100, 0, 4], { dtype: "int64" }), { ignoreIndex: -100 }),
    (x) => R.nd([], [R.crossEntropy(R.map(x, (v) => 2 * v), [3, -100, 0, 4], -100)])),
  "crossEntropy without ignoreIndex": unaryCase([3, 4], (x, g) => G.crossEntropy(x, g.constant([1, 0, 3], { dtype: "int64" })),
    (x) => R.nd([], [R.crossEntropy(x, [1, 0, 3])])),
  "attention scores + causal mask -> softmax": unaryCase([2, 4, 3], (x, g) => G.softmax(G.add(G.matmul(x, x, { transB: true }), G.causalMask(g, 4))),
    (x) => R.softmax(R.zip((s, m) => s + m, R.matmul(x, x, false, true), causalRef(4)))),
};

function causalRef(t: number): R.Nd {
  return R.nd([t, t], Array.from({ length: t * t }, (_, i) => (i % t <= Math.floor(i / t) ? 0 : G.MASK_NEGATIVE)));
}

describe("op forward values and gradients", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const report = await checkGradients(c, 7);
      expect(report.forward.ratio, `forward ${JSON.stringify(report.forward)}`).toBeLessThanOrEqual(1);
      for (const [p, r] of Object.entries(report.grads)) expect(r.ratio, `grad ${p} ${JSON.stringify(r)}`).toBeLessThanOrEqual(1);
    });
  }

  it("the gradient check catches a wrong backward rule", async () => {
    // exp with the rule d/dx = 1 (forgets the factor e^x): the check must fail.
    const wrongExp = (x: Tensor): Tensor =>
      x.graph.op({ opType: "Exp", inputs: [x], outputs: [{ shape: x.shape, dtype: "float32" }], grad: ({ gradOutputs }) => [gradOutputs[0]] })[0]!;
    const report = await checkGradients(unaryCase([4], wrongExp, (x) => R.map(x, Math.exp)), 3);
    expect(report.forward.ratio).toBeLessThanOrEqual(1);
    expect(report.grads.x!.ratio).toBeGreaterThan(10);
  });

  it("a composite refuses a float tensor it does not declare as an input", () => {
    const g = new G.Graph();
    const a = g.param("a", [2], G.zeros());
    const b = g.param("b", [2], G.zeros());
    expect(() => g.composite("leaky", [a], () => [G.add(a, b)], () => [null])).toThrow(GraphError);
    expect(() => g.composite("leaky", [a], () => [G.add(a, b)], () => [null])).toThrow(/reads float tensor b/);
  });
});

describe("forward values of ops without gradients", () => {
  const a = new Float32Array([-1.5, 0, 2, 2, 3.25, -4]);
  const b = new Float32Array([2, 0, 2]);
  /** Run `build` on inputs a [2,3] and b [3] (float32). */
  const run = (build: (x: Tensor, y: Tensor) => Tensor) =>
    forwardValues((g) => build(g.input("a", "float32", [2, 3]), g.input("b", "float32", [3])), { a, b });
  const expectBools = async (build: (x: Tensor, y: Tensor) => Tensor, f: (x: number, y: number) => boolean) => {
    const expected = Array.from(a, (x, i) => (f(x, b[i % 3]!) ? 1 : 0));
    expect(toNumbers(await run(build))).toEqual(expected);
  };

  it("comparisons broadcast and give bools", async () => {
    await expectBools(G.equal, (x, y) => x === y);
    await expectBools(G.less, (x, y) => x < y);
    await expectBools(G.lessOrEqual, (x, y) => x <= y);
    await expectBools(G.greater, (x, y) => x > y);
    await expectBools(G.greaterOrEqual, (x, y) => x >= y);
    await expectBools((x, y) => G.not(G.equal(x, y)), (x, y) => x !== y);
    await expectBools((x, y) => G.and(G.greater(x, 0), G.greater(y, 0)), (x, y) => x > 0 && y > 0);
  });

  it("casts to integers truncate toward zero and integer arithmetic stays integer", async () => {
    expect(toNumbers(await run((x) => G.cast(x, "int64")))).toEqual(Array.from(a, Math.trunc));
    expect(toNumbers(await run((x) => G.cast(x, "int32")))).toEqual(Array.from(a, Math.trunc));
    const sums = await run((x) => G.reduceSum(G.mul(G.cast(x, "int64"), 3), [1]));
    expect(toNumbers(sums)).toEqual([3 * (-1 + 0 + 2), 3 * (2 + 3 - 4)]);
  });

  it("Where and Gather work on integer data", async () => {
    const picked = await run((x, y) => G.where(G.greater(x, y), G.cast(x, "int64"), -7));
    expect(toNumbers(picked)).toEqual(Array.from(a, (x, i) => (x > b[i % 3]! ? Math.trunc(x) : -7)));
    const rows = await forwardValues((g) => G.gather(g.constant([10, 11, 20, 21, 30, 31], { dtype: "int64", shape: [3, 2] }), g.input("i", "int32", [2])), { i: new Int32Array([2, 0]) });
    expect(toNumbers(rows)).toEqual([30, 31, 10, 11]);
  });

  it("Gather along axis 1 (forward only; its gradient is refused by name)", async () => {
    const cols = await run((x, _y) => G.gather(x, x.graph.constant([2, 0], { dtype: "int64" }), 1));
    expect(toNumbers(cols)).toEqual([2, -1.5, -4, 2]);
    const g = new G.Graph();
    const w = g.param("w", [2, 3], G.ones());
    const loss = G.reduceSum(G.gather(w, g.constant([1], { dtype: "int64" }), 1));
    expect(() => G.gradients(g, loss)).toThrow(/Gather\(w \[2,3\], const#\d+ \[1\], axis = 1\): has a gradient only for axis 0/);
  });

  it("masks: causal, prefix-LM, and additive from a bool", async () => {
    const prefix = await forwardValues((g) => G.identity(G.prefixCausalMask(g, 4, 2)));
    const allowed = (i: number, j: number) => j <= i || (i < 2 && j < 2);
    expect(toNumbers(prefix)).toEqual(Array.from({ length: 16 }, (_, k) => (allowed(Math.floor(k / 4), k % 4) ? 0 : G.MASK_NEGATIVE)));
    const causal = await forwardValues((g) => G.identity(G.causalMask(g, 3)));
    expect(toNumbers(causal)).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0].map((m) => (m ? G.MASK_NEGATIVE : 0)));
    const additive = await run((x) => G.additiveMask(G.greater(x, 0)));
    expect(toNumbers(additive)).toEqual(Array.from(a, (x) => (x > 0 ? 0 : G.MASK_NEGATIVE)));
  });

  it("zerosOf and reduceMax on integers", async () => {
    expect(toNumbers(await forwardValues((g) => G.zerosOf(g, [2, 2])))).toEqual([0, 0, 0, 0]);
    const m = await run((x) => G.reduceMax(G.cast(x, "int64"), [0], true));
    expect(toNumbers(m)).toEqual([2, 3, 2]);
  });
});
