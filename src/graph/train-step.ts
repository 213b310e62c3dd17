/**
 * The training-step graph: forward + backward + gradient clipping + AdamW update in ONE ONNX
 * model, run once per step by onnxruntime (which has no training API in Node).
 *
 * Interface (names from the helpers below, never hard-coded by callers):
 *   inputs:  the graph's data inputs as declared, `lr` (float32 []), `step` (float32 [], 1-based),
 *            then for each parameter P sorted by name: P, P/m, P/v
 *   outputs: `loss` (float32 []), `grad_norm` (float32 [], global L2 norm before clipping),
 *            then for each P: P/new, P/m/new, P/v/new, then the graph's declared outputs
 * A training loop feeds P/new, P/m/new, P/v/new back as P, P/m, P/v of the next step; the first
 * step starts from zero moments.
 */
import { InputError } from "../errors.js";
import { encodeOnnxModel, type OnnxModel } from "../onnx-proto.js";
import { gradients, paramsWithoutGradient } from "./autodiff.js";
import { emitModel } from "./emit.js";
import type { Graph, GraphOutput, InputSpec, Tensor } from "./graph.js";
import { add, addN, div, minimum, sqrt } from "./ops-elementwise.js";
import { reduceSumSquare } from "./ops-reduce.js";
import { adamWScalars, adamWUpdate, type AdamWConfig } from "./optim.js";

/** Name of the learning-rate input (float32 []). */
export const LR_INPUT = "lr";
/** Name of the 1-based step input (float32 []), used for Adam's bias correction. */
export const STEP_INPUT = "step";
/** Name of the loss output (float32 []). */
export const LOSS_OUTPUT = "loss";
/** Name of the gradient-norm output (float32 [], before clipping). */
export const GRAD_NORM_OUTPUT = "grad_norm";

/** Input names of parameter `p`'s state: the value, Adam's first and second moments. */
export function stateInputNames(p: string): [string, string, string] {
  return [p, `${p}/m`, `${p}/v`];
}

/** Output names of parameter `p`'s updated state, in the order of {@link stateInputNames}. */
export function stateOutputNames(p: string): [string, string, string] {
  return [`${p}/new`, `${p}/m/new`, `${p}/v/new`];
}

/** Options for {@link buildTrainStep}. */
export interface TrainStepOptions {
  /** The float32 scalar to minimise. */
  readonly loss: Tensor;
  /** Optimizer settings, from `adamW({...})`. */
  readonly optimizer: AdamWConfig;
  /**
   * Clip the global gradient norm to this value (> 0): gradients are scaled by
   * min(1, clipGradNorm / (norm + 1e-6)). No clipping when absent.
   */
  readonly clipGradNorm?: number;
}

/** A built training step: the ONNX model and the interface a runner needs. */
export interface TrainStep {
  readonly model: OnnxModel;
  /** The model serialised (computed once, on first call). */
  bytes(): Uint8Array;
  /** Parameter names, sorted (the order of the state inputs and outputs). */
  readonly paramNames: string[];
  readonly paramShapes: Map<string, number[]>;
  /** Parameters that get weight decay (by the optimizer's filter), sorted. */
  readonly decayedParams: string[];
  /** The data inputs to feed each step, as declared. */
  readonly dataInputs: InputSpec[];
  /** The graph's own declared outputs, after the state outputs. */
  readonly userOutputs: string[];
  readonly optimizer: AdamWConfig;
  readonly clipGradNorm: number | null;
}

/**
 * Emit backward and optimizer nodes for `loss` into `g` and return the training-step model.
 * Throws, naming them, when some parameters do not reach the loss (they would never train), and
 * when the graph already has a training step (build a fresh graph for another one).
 */
export function buildTrainStep(g: Graph, options: TrainStepOptions): TrainStep {
  const where = "buildTrainStep";
  const { loss, optimizer } = options;
  if (optimizer?.kind !== "adamw") throw new InputError(where, "optimizer", optimizer, "must come from adamW({...})");
  const clip = options.clipGradNorm ?? null;
  if (clip !== null && (!Number.isFinite(clip) || clip <= 0)) throw new InputError(where, "clipGradNorm", clip, "must be a positive number");
  const params = g.params;
  if (params.length === 0) throw new InputError(where, "params", [], "the graph has no parameters to train");
  const unreached = paramsWithoutGradient(g, loss);
  if (unreached.length > 0) {
    throw new InputError(where, "params", unreached, "do not reach the loss, so they would never train (remove or connect them)");
  }
  for (const o of g.outputs) {
    if (o.name === LOSS_OUTPUT && o.tensor !== loss) throw new InputError(where, "outputs", o.name, "is reserved for the training loss");
    if (o.name === GRAD_NORM_OUTPUT) throw new InputError(where, "outputs", o.name, "is reserved for the gradient norm");
  }
  if (!g.claimTrainStep()) throw new InputError(where, "graph", g.name, "already has a training step; build a new graph for another");

  const grads = gradients(g, loss);
  const missing = params.filter((p) => !grads.has(p.name)).map((p) => p.name);
  if (missing.length > 0) throw new InputError(where, "params", missing, "got no gradient from their backward rules");

  const lr = g.stateInput(LR_INPUT, "float32", []);
  const step = g.stateInput(STEP_INPUT, "float32", []);
  const stateInputs: Tensor[] = [];
  const stateOutputs: GraphOutput[] = [];
  const decayed: string[] = [];
  const gradNorm = g.scope("optim", () => {
    const norm = sqrt(addN(params.map((p) => reduceSumSquare(grads.get(p.name)!))));
    const clipScale = clip === null ? null : minimum(g.constant(1), div(clip, add(norm, 1e-6)));
    const scalars = adamWScalars(optimizer, lr, step, clipScale);
    for (const p of params) {
      const [, mName, vName] = stateInputNames(p.name);
      const m = g.stateInput(mName, "float32", p.shape);
      const v = g.stateInput(vName, "float32", p.shape);
      const decay = optimizer.decayFilter(p.name, p.shape);
      if (decay && optimizer.weightDecay > 0) decayed.push(p.name);
      const next = g.scope(p.name, () => adamWUpdate(optimizer, scalars, p, grads.get(p.name)!, m, v, decay));
      const [pOut, mOut, vOut] = stateOutputNames(p.name);
      stateInputs.push(p, m, v);
      stateOutputs.push({ name: pOut, tensor: next.param }, { name: mOut, tensor: next.m }, { name: vOut, tensor: next.v });
    }
    return norm;
  });

  const userOutputs = g.outputs.filter((o) => o.name !== LOSS_OUTPUT);
  const model = emitModel(g, {
    where,
    inputs: [...g.inputs, lr, step, ...stateInputs],
    outputs: [{ name: LOSS_OUTPUT, tensor: loss }, { name: GRAD_NORM_OUTPUT, tensor: gradNorm }, ...stateOutputs, ...userOutputs],
    metadata: {
      "n3d.kind": "train-step",
      "n3d.optimizer": JSON.stringify({ ...optimizer, decayFilter: undefined, decayed }),
      "n3d.clipGradNorm": String(clip ?? "none"),
    },
  });
  let bytes: Uint8Array | null = null;
  return {
    model,
    bytes: () => (bytes ??= encodeOnnxModel(model)),
    paramNames: params.map((p) => p.name),
    paramShapes: new Map(params.map((p) => [p.name, [...p.shape]])),
    decayedParams: decayed,
    dataInputs: g.inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape] })),
    userOutputs: userOutputs.map((o) => o.name),
    optimizer,
    clipGradNorm: clip,
  };
}
