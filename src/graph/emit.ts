/**
 * From graph to ONNX model: keep the nodes the requested outputs need (in creation order, which is
 * topological), name the values, bake constants and (optionally) parameters as initializers.
 *
 * Output naming without copies: the tensor behind an output is emitted under the output's name
 * directly; only a tensor that is an input, a parameter, a constant, or already another output
 * gets an Identity node.
 */
import { InputError } from "../errors.js";
import type { OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from "../onnx-proto.js";
import { ONNX_DTYPE, type Graph, type GraphOutput, type OpNode, type Tensor } from "./graph.js";
import { formatShape, shapeSize } from "./shape.js";

/** The ai.onnx opset every n3d graph is emitted for (20: Gelu with approximate="tanh"). */
export const OPSET = 20;

/** ONNX IR version matching {@link OPSET}. */
export const IR_VERSION = 9;

/** What to emit. */
export interface EmitSpec {
  /** Graph inputs in order: data/state inputs and parameters to be fed. */
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly GraphOutput[];
  /** Values of parameters not listed in `inputs` (baked as initializers). */
  readonly paramValues?: ReadonlyMap<string, Float32Array>;
  /** The public function emitting, for error messages. */
  readonly where: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The nodes (creation order) and leaves (id order) that `tensors` depend on. */
export function dependencies(g: Graph, tensors: readonly Tensor[]): { nodes: OpNode[]; leaves: Tensor[] } {
  const nodeIds = new Set<number>();
  const leaves = new Map<number, Tensor>();
  const stack = [...tensors];
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (t.producer === null) {
      leaves.set(t.id, t);
      continue;
    }
    if (nodeIds.has(t.producer.id)) continue;
    nodeIds.add(t.producer.id);
    for (const i of t.producer.inputs) if (i !== null) stack.push(i);
  }
  return {
    nodes: g.nodes.filter((n) => nodeIds.has(n.id)),
    leaves: [...leaves.values()].sort((a, b) => a.id - b.id),
  };
}

/** Inputs and parameters the given tensors read, in creation order. */
export function modelInputsFor(g: Graph, tensors: readonly Tensor[]): Tensor[] {
  return dependencies(g, tensors).leaves.filter((t) => t.kind === "input" || t.kind === "param");
}

function valueInfo(name: string, t: Tensor): OnnxValueInfo {
  return { name, dataType: ONNX_DTYPE[t.dtype], shape: [...t.shape] };
}

/** Emit the ONNX model described by `spec`. */
export function emitModel(g: Graph, spec: EmitSpec): OnnxModel {
  const { where } = spec;
  const fed = new Set(spec.inputs);
  const { nodes, leaves } = dependencies(g, spec.outputs.map((o) => o.tensor));

  const outputNames = new Set<string>();
  for (const o of spec.outputs) {
    if (outputNames.has(o.name)) throw new InputError(where, "outputs", o.name, "is listed twice");
    outputNames.add(o.name);
  }
  const inputNames = new Set(spec.inputs.map((t) => t.name));

  // An op result emitted under the first output that names it; everything else keeps its name,
  // unless that name is taken by an input or output of this model.
  const alias = new Map<Tensor, string>();
  const extraNodes: OnnxNode[] = [];
  for (const o of spec.outputs) {
    if (o.tensor.kind === "value" && !alias.has(o.tensor)) alias.set(o.tensor, o.name);
  }
  const nameOf = (t: Tensor): string => {
    const a = alias.get(t);
    if (a !== undefined) return a;
    if (fed.has(t)) return t.name;
    if (inputNames.has(t.name) || outputNames.has(t.name)) return `${t.name}#${t.id}`;
    return t.name;
  };
  for (const o of spec.outputs) {
    if (alias.get(o.tensor) !== o.name) extraNodes.push({ opType: "Identity", inputs: [nameOf(o.tensor)], outputs: [o.name] });
  }

  const initializers: (OnnxTensor & { name: string })[] = [];
  for (const leaf of leaves) {
    if (fed.has(leaf)) continue;
    if (leaf.kind === "constant") {
      initializers.push({ ...g.constantValue(leaf)!, name: nameOf(leaf) });
    } else if (leaf.kind === "param") {
      const value = spec.paramValues?.get(leaf.name);
      if (value === undefined) throw new InputError(where, "params", leaf.name, "has no value (every parameter the outputs read needs one)");
      if (!(value instanceof Float32Array) || value.length !== shapeSize(leaf.shape)) {
        throw new InputError(where, `params[${leaf.name}]`, value, `must be a Float32Array of ${shapeSize(leaf.shape)} values (shape ${formatShape(leaf.shape)})`);
      }
      initializers.push({ name: leaf.name, dataType: ONNX_DTYPE.float32, dims: [...leaf.shape], data: value });
    } else {
      throw new InputError(where, "outputs", spec.outputs.map((o) => o.name), `need input ${leaf.name}, which is not an input of this model`);
    }
  }

  // Node names follow their first output (scoped: "h0/matmul#12", "grad/...", "optim..."), so
  // onnxruntime profiles attribute time to the part of the model that spent it.
  const onnxNodes: OnnxNode[] = nodes.map((n) => ({
    name: nameOf(n.outputs[0]!),
    opType: n.opType,
    ...(n.domain !== "" ? { domain: n.domain } : {}),
    inputs: n.inputs.map((t) => (t === null ? "" : nameOf(t))),
    outputs: n.outputs.map(nameOf),
    ...(Object.keys(n.attrs).length > 0 ? { attributes: n.attrs } : {}),
  }));
  const domains = new Set(nodes.map((n) => n.domain).filter((d) => d !== ""));

  return {
    opset: OPSET,
    irVersion: IR_VERSION,
    ...(domains.size > 0 ? { extraOpsets: Object.fromEntries([...domains].map((d) => [d, 1])) } : {}),
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
    graph: {
      name: g.name,
      nodes: [...onnxNodes, ...extraNodes],
      inputs: spec.inputs.map((t) => valueInfo(t.name, t)),
      outputs: spec.outputs.map((o) => valueInfo(o.name, o.tensor)),
      initializers,
    },
  };
}
