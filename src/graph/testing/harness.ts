/**
 * Test harness for the graph engine (tests only): run emitted models in onnxruntime-node, compare
 * forward values with the float64 reference (ref.ts), and check analytic gradients against
 * central finite differences of that reference.
 *
 * Gradient-check tolerance, and why: the graph runs in float32, the reference in float64. The
 * numeric gradient uses central differences with h = 1e-5 on the float64 reference, so its own
 * error is ~h^2 * f''' + 1e-16 / h, about 1e-10: it is effectively exact. The analytic gradient
 * carries float32 rounding (~6e-8 relative per op, accumulated over sums of tens of terms), so
 * for O(1) inputs its error is ~1e-6. An element passes when |analytic - numeric| <= 1e-4 +
 * 1e-3 * |numeric|: two orders of magnitude above float32 noise, while a wrong rule (a missing
 * factor, a wrong sign, a dropped broadcast sum) is off by O(|gradient|) and fails.
 */
import * as ort from "onnxruntime-node";
import type { OnnxModel } from "../../onnx-proto.js";
import { encodeOnnxModel } from "../../onnx-proto.js";
import { createRng, type Rng } from "../../random.js";
import { gradients } from "../autodiff.js";
import { Graph, type Tensor } from "../graph.js";
import { zeros } from "../init.js";
import { mul } from "../ops-elementwise.js";
import { reduceSum } from "../ops-reduce.js";
import { nd, size, type Nd } from "./ref.js";

/** Typed arrays fed to and read from onnxruntime. */
export type HostArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;

const ORT_TYPE = { 1: "float32", 7: "int64", 6: "int32", 9: "bool" } as const;

/** Run `model` once; dims of each feed come from the model's input declarations. */
export async function runModel(model: OnnxModel, feeds: Record<string, HostArray>, threads = 1): Promise<Record<string, HostArray>> {
  const session = await ort.InferenceSession.create(encodeOnnxModel(model), { intraOpNumThreads: threads, graphOptimizationLevel: "all" });
  try {
    const tensors: Record<string, ort.Tensor> = {};
    for (const input of model.graph.inputs) {
      const data = feeds[input.name];
      if (data === undefined) throw new Error(`runModel: no feed for input ${input.name}`);
      const type = ORT_TYPE[input.dataType as keyof typeof ORT_TYPE];
      tensors[input.name] = new ort.Tensor(type, data, input.shape as number[]);
    }
    const out = await session.run(tensors);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as HostArray]));
  } finally {
    await session.release();
  }
}

/** Any host array as plain numbers (int64 values must be safe integers). */
export function toNumbers(x: HostArray): number[] {
  return Array.from(x as ArrayLike<number | bigint>, Number);
}

/** Largest |a - b| / (atol + rtol |b|) over elements (<= 1 passes), and where it happened. */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): { ratio: number; index: number; actual: number; expected: number } {
  if (actual.length !== expected.length) throw new Error(`worstError: ${actual.length} values against ${expected.length}`);
  let worst = { ratio: 0, index: -1, actual: NaN, expected: NaN };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ratio = Number.isFinite(a) ? Math.abs(a - e) / (atol + rtol * Math.abs(e)) : Infinity;
    if (ratio > worst.ratio || worst.index < 0) worst = { ratio, index: i, actual: a, expected: e };
  }
  return worst;
}

/** Random values for a parameter: uniform in [-1, 1] by default. */
export type Sampler = (rng: Rng) => number;

/** Uniform in [lo, hi). */
export const uniformIn = (lo: number, hi: number): Sampler => (rng) => rng.uniform(lo, hi);

/** Uniform magnitude in [0.2, 1.5) with a random sign: keeps away from the kink of relu/max at 0. */
export const awayFromZero: Sampler = (rng) => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.2, 1.5);

/** A differentiable case: float parameters, a graph builder and its float64 reference. */
export interface GradCase {
  readonly params: Readonly<Record<string, { readonly shape: readonly number[]; readonly sample?: Sampler }>>;
  readonly build: (g: Graph, p: Readonly<Record<string, Tensor>>) => Tensor;
  readonly ref: (p: Readonly<Record<string, Nd>>) => Nd;
}

/** What {@link checkGradients} measured: worst forward and gradient errors (<= 1 passes). */
export interface GradReport {
  readonly forward: ReturnType<typeof worstError>;
  readonly grads: Record<string, ReturnType<typeof worstError>>;
  /** max of every ratio. */
  readonly worst: number;
}

/** f32-rounded random values for each parameter. */
function sampleParams(c: GradCase, rng: Rng): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, spec] of Object.entries(c.params).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sample = spec.sample ?? uniformIn(-1, 1);
    out[name] = Float32Array.from({ length: size(spec.shape) }, () => sample(rng));
  }
  return out;
}

/**
 * Build `c` into a graph with loss = sum(y * R) for a fixed random R (so every output element
 * matters with a different weight), take the analytic gradients from onnxruntime, and compare them
 * with central differences of the float64 reference. Forward values are compared too
 * (|a - e| <= 1e-5 + 1e-5 |e|).
 */
export async function checkGradients(c: GradCase, seed = 1): Promise<GradReport> {
  const rng = createRng(seed);
  const values = sampleParams(c, rng);
  const g = new Graph("gradcheck");
  const p: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(c.params)) p[name] = g.param(name, spec.shape, zeros());
  const y = c.build(g, p);
  const weights = Float32Array.from({ length: y.size }, () => rng.uniform(-1, 1));
  const loss = reduceSum(mul(y, g.constant(weights, { shape: y.shape })));
  const grads = gradients(g, loss);
  g.output("y", y);
  for (const name of Object.keys(c.params)) {
    const gt = grads.get(name);
    if (!gt) throw new Error(`checkGradients: parameter ${name} got no gradient`);
    g.output(`grad.${name}`, gt);
  }
  const out = await runModel(g.toModel({ paramsAsInputs: true }), values);

  const refParams = (): Record<string, Nd> =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, nd(c.params[k]!.shape, v)]));
  const objective = (ps: Record<string, Nd>): number => {
    const r = c.ref(ps);
    let s = 0;
    for (let i = 0; i < r.data.length; i++) s += r.data[i]! * weights[i]!;
    return s;
  };
  const base = refParams();
  const forward = worstError(out.y as Float32Array, c.ref(base).data, 1e-5, 1e-5);
  const numeric = numericGradients(values, c.params, objective);
  const report: Record<string, ReturnType<typeof worstError>> = {};
  for (const name of Object.keys(c.params)) report[name] = worstError(out[`grad.${name}`] as Float32Array, numeric[name]!, 1e-4, 1e-3);
  const worst = Math.max(forward.ratio, ...Object.values(report).map((r) => r.ratio));
  return { forward, grads: report, worst };
}

/** Central differences (h = 1e-5) of a float64 `objective` with respect to every parameter value. */
export function numericGradients(
  values: Readonly<Record<string, Float32Array>>,
  shapes: Readonly<Record<string, { readonly shape: readonly number[] }>>,
  objective: (ps: Record<string, Nd>) => number,
): Record<string, Float64Array> {
  const h = 1e-5;
  const ps: Record<string, Nd> = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, nd(shapes[k]!.shape, v)]));
  const out: Record<string, Float64Array> = {};
  for (const name of Object.keys(values)) {
    const data = ps[name]!.data;
    const grad = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      data[i] = v + h;
      const up = objective(ps);
      data[i] = v - h;
      const down = objective(ps);
      data[i] = v;
      grad[i] = (up - down) / (2 * h);
    }
    out[name] = grad;
  }
  return out;
}

/**
 * Gradient check of a whole graph: d loss / d param from onnxruntime for every parameter of `g`
 * (with parameter `values` and data `feeds`) against central differences of `objective`, the
 * float64 reference of the same loss. Returns the worst error per parameter (<= 1 passes).
 */
export async function checkLossGradients(
  g: Graph,
  loss: Tensor,
  values: Readonly<Record<string, Float32Array>>,
  feeds: Record<string, HostArray>,
  objective: (ps: Record<string, Nd>) => number,
): Promise<{ loss: number; refLoss: number; grads: Record<string, ReturnType<typeof worstError>> }> {
  const grads = gradients(g, loss);
  g.output("loss", loss);
  for (const p of g.params) g.output(`grad.${p.name}`, grads.get(p.name)!);
  const out = await runModel(g.toModel({ paramsAsInputs: true }), { ...feeds, ...values });
  const shapes = Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape }]));
  const numeric = numericGradients(values, shapes, objective);
  const report: Record<string, ReturnType<typeof worstError>> = {};
  for (const p of g.params) report[p.name] = worstError(out[`grad.${p.name}`] as Float32Array, numeric[p.name]!, 1e-4, 1e-3);
  const refLoss = objective(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, nd(shapes[k]!.shape, v)])));
  return { loss: (out.loss as Float32Array)[0]!, refLoss, grads: report };
}

/** Run the output of `build` (a graph without parameters) on `feeds` and return its values. */
export async function forwardValues(build: (g: Graph) => Tensor, feeds: Record<string, HostArray> = {}): Promise<HostArray> {
  const g = new Graph("forward");
  g.output("y", build(g));
  const out = await runModel(g.toInferenceModel({ params: new Map() }), feeds);
  return out.y!;
}
