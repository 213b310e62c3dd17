/**
 * Ops that move data without arithmetic: Reshape, Transpose, Expand, Concat, Split, Slice and
 * Gather (embedding lookup). All targets are static; index arguments are checked against the
 * operand's shape when the op is added (no silent clamping: an out-of-range slice throws).
 */
import type { GradRule, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import { cast, requireDType, unbroadcast } from "./ops-elementwise.js";
import { broadcastShapes, formatShape, isValidShape, normalizeAxis, sameShape, shapeSize } from "./shape.js";

/**
 * Reshape to a static `shape`; one entry may be -1 (inferred). Returns `x` itself when the shape
 * is unchanged.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.graph.own(x, "Reshape");
  const op = "Reshape";
  const attrs = `to = ${formatShape(shape)}`;
  const unknown = shape.filter((d) => d === -1).length;
  const known = shape.filter((d) => d !== -1);
  if (unknown > 1 || !isValidShape(known)) throw new GraphError(op, [x], "the target must be positive integers with at most one -1", attrs);
  const knownSize = shapeSize(known);
  if (unknown === 1 && x.size % knownSize !== 0) throw new GraphError(op, [x], `${x.size} elements do not divide into ${knownSize}`, attrs);
  const target = shape.map((d) => (d === -1 ? x.size / knownSize : d));
  if (shapeSize(target) !== x.size) throw new GraphError(op, [x], `${x.size} elements cannot take shape ${formatShape(target)} (${shapeSize(target)})`, attrs);
  if (sameShape(target, x.shape)) return x;
  const shapeT = x.graph.constant(target, { dtype: "int64" });
  const grad: GradRule = ({ gradOutputs }) => [reshape(gradOutputs[0]!, x.shape)];
  return x.graph.op({ opType: "Reshape", inputs: [x, shapeT], outputs: [{ shape: target, dtype: x.dtype }], grad })[0]!;
}

/** Permute axes: output axis i is input axis perm[i] (default: reverse). Identity perms add nothing. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  x.graph.own(x, "Transpose");
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const valid = p.length === x.rank && [...p].sort((a, b) => a - b).every((v, i) => v === i);
  if (!valid) throw new GraphError("Transpose", [x], `perm must be a permutation of 0..${x.rank - 1}`, `perm = [${p.join(",")}]`);
  if (p.every((v, i) => v === i)) return x;
  const inverse = new Array<number>(p.length);
  p.forEach((v, i) => (inverse[v] = i));
  const grad: GradRule = ({ gradOutputs }) => [transpose(gradOutputs[0]!, inverse)];
  return x.graph.op({
    opType: "Transpose",
    inputs: [x],
    attrs: { perm: { kind: "ints", value: p } },
    outputs: [{ shape: p.map((a) => x.shape[a]!), dtype: x.dtype }],
    grad,
  })[0]!;
}

/** Broadcast `x` to `shape` (numpy rules; the result has exactly `shape`). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.graph.own(x, "Expand");
  const out = broadcastShapes(x.shape, shape);
  if (out === null || !sameShape(out, shape)) {
    throw new GraphError("Expand", [x], `${formatShape(x.shape)} does not broadcast to ${formatShape(shape)}`, `to = ${formatShape(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  const shapeT = x.graph.constant(shape, { dtype: "int64" });
  const grad: GradRule = ({ gradOutputs }) => [unbroadcast(gradOutputs[0]!, x.shape)];
  return x.graph.op({ opType: "Expand", inputs: [x, shapeT], outputs: [{ shape, dtype: x.dtype }], grad })[0]!;
}

/** Join tensors along `axis`; all other dimensions and the dtypes must match. */
export function concat(tensors: readonly Tensor[], axis: number): Tensor {
  if (tensors.length === 0) throw new GraphError("Concat", [], "needs at least one tensor");
  const first = tensors[0]!;
  for (const t of tensors) first.graph.own(t, "Concat");
  const op = "Concat";
  const attrs = `axis = ${axis}`;
  const ax = normalizeAxis(axis, first.rank);
  if (ax === null) throw new GraphError(op, tensors, `axis ${axis} is out of range for rank ${first.rank}`, attrs);
  for (const t of tensors) {
    if (t.dtype !== first.dtype) throw new GraphError(op, tensors, `dtypes ${tensors.map((x) => x.dtype).join(", ")} differ`, attrs);
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new GraphError(op, tensors, `shapes differ outside axis ${ax}`, attrs);
    }
  }
  if (tensors.length === 1) return first;
  const sizes = tensors.map((t) => t.shape[ax]!);
  const shape = first.shape.map((d, i) => (i === ax ? sizes.reduce((a, b) => a + b, 0) : d));
  const grad: GradRule = ({ gradOutputs }) => split(gradOutputs[0]!, sizes, ax);
  return first.graph.op({
    opType: "Concat",
    inputs: tensors,
    attrs: { axis: { kind: "int", value: ax } },
    outputs: [{ shape, dtype: first.dtype }],
    grad,
  })[0]!;
}

/** Split along `axis` into pieces of the given sizes (which sum to the axis length). */
export function split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  x.graph.own(x, "Split");
  const op = "Split";
  const attrs = `sizes = [${sizes.join(",")}], axis = ${axis}`;
  const ax = normalizeAxis(axis, x.rank);
  if (ax === null) throw new GraphError(op, [x], `axis ${axis} is out of range for rank ${x.rank}`, attrs);
  if (!isValidShape(sizes) || sizes.reduce((a, b) => a + b, 0) !== x.shape[ax]) {
    throw new GraphError(op, [x], `sizes must be positive and sum to ${x.shape[ax]}`, attrs);
  }
  if (sizes.length === 1) return [x];
  const sizesT = x.graph.constant(sizes, { dtype: "int64" });
  const grad: GradRule = ({ gradOutputs, outputs }) => {
    const parts = gradOutputs.map((gy, i) => gy ?? zerosOf(x.graph, outputs[i]!.shape));
    return [concat(parts, ax)];
  };
  return x.graph.op({
    opType: "Split",
    inputs: [x, sizesT],
    attrs: { axis: { kind: "int", value: ax } },
    outputs: sizes.map((s) => ({ shape: x.shape.map((d, i) => (i === ax ? s : d)), dtype: x.dtype })),
    grad,
  });
}

/** A float32 tensor of zeros with a static shape (ConstantOfShape, so no big initializer). */
export function zerosOf(g: Tensor["graph"], shape: readonly number[]): Tensor {
  const shapeT = g.constant(shape.length === 0 ? [1] : shape, { dtype: "int64" });
  const zero = g.op({
    opType: "ConstantOfShape",
    inputs: [shapeT],
    attrs: { value: { kind: "tensor", value: { dataType: 1, dims: [1], data: new Float32Array([0]) } } },
    outputs: [{ shape: shape.length === 0 ? [1] : shape, dtype: "float32" }],
  })[0]!;
  return shape.length === 0 ? reshape(zero, []) : zero;
}

/** Static slice arguments; `axes` defaults to 0..n-1, `steps` to 1. Negative starts/ends count from the end. */
export interface SliceSpec {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly axes?: readonly number[];
  readonly steps?: readonly number[];
}

/**
 * x[start:end:step] along the given axes (positive steps only). Indices must lie inside the
 * axis after resolving negatives (0 <= start < end <= length): nothing is clamped.
 */
export function slice(x: Tensor, spec: SliceSpec): Tensor {
  x.graph.own(x, "Slice");
  const n = spec.starts.length;
  const axes = spec.axes ?? spec.starts.map((_, i) => i);
  const steps = spec.steps ?? spec.starts.map(() => 1);
  const op = "Slice";
  const attrs = `starts = [${spec.starts.join(",")}], ends = [${spec.ends.join(",")}], axes = [${axes.join(",")}], steps = [${steps.join(",")}]`;
  if (spec.ends.length !== n || axes.length !== n || steps.length !== n || n === 0) {
    throw new GraphError(op, [x], "starts, ends, axes and steps must have the same non-zero length", attrs);
  }
  const shape = [...x.shape];
  const resolved: { axis: number; start: number; step: number; count: number }[] = [];
  for (let i = 0; i < n; i++) {
    const axis = normalizeAxis(axes[i]!, x.rank);
    if (axis === null) throw new GraphError(op, [x], `axis ${axes[i]} is out of range for rank ${x.rank}`, attrs);
    if (resolved.some((r) => r.axis === axis)) throw new GraphError(op, [x], `axis ${axis} repeats`, attrs);
    const len = x.shape[axis]!;
    const start = spec.starts[i]! < 0 ? spec.starts[i]! + len : spec.starts[i]!;
    const end = spec.ends[i]! < 0 ? spec.ends[i]! + len : spec.ends[i]!;
    const step = steps[i]!;
    if (!Number.isInteger(step) || step < 1) throw new GraphError(op, [x], `step ${step} must be a positive integer`, attrs);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > len || start >= end) {
      throw new GraphError(op, [x], `range ${spec.starts[i]}:${spec.ends[i]} is empty or outside axis ${axis} of length ${len}`, attrs);
    }
    const count = Math.ceil((end - start) / step);
    shape[axis] = count;
    resolved.push({ axis, start, step, count });
  }
  const g = x.graph;
  const grad: GradRule = ({ gradOutputs }) => [unslice(gradOutputs[0]!, x.shape, resolved)];
  return g.op({
    opType: "Slice",
    inputs: [
      x,
      g.constant(resolved.map((r) => r.start), { dtype: "int64" }),
      g.constant(resolved.map((r) => r.start + (r.count - 1) * r.step + 1), { dtype: "int64" }),
      g.constant(resolved.map((r) => r.axis), { dtype: "int64" }),
      g.constant(resolved.map((r) => r.step), { dtype: "int64" }),
    ],
    outputs: [{ shape, dtype: x.dtype }],
    grad,
  })[0]!;
}

/** Zero-pad along one axis (Pad, opset 18 form with an axes input). */
function padAxis(x: Tensor, axis: number, before: number, after: number): Tensor {
  if (before === 0 && after === 0) return x;
  const g = x.graph;
  const shape = x.shape.map((d, i) => (i === axis ? d + before + after : d));
  const grad: GradRule = ({ gradOutputs }) => [slice(gradOutputs[0]!, { starts: [before], ends: [before + x.shape[axis]!], axes: [axis] })];
  return g.op({
    opType: "Pad",
    inputs: [x, g.constant([before, after], { dtype: "int64" }), g.constant(0), g.constant([axis], { dtype: "int64" })],
    outputs: [{ shape, dtype: x.dtype }],
    grad,
  })[0]!;
}

/**
 * The gradient of a slice: `gy` placed back at the sliced positions of a zero tensor of `shape`.
 * Step 1 is one Pad; step k spreads the n picked rows to n*k by padding a new inner axis of
 * length k, then pads (or trims) to the full axis.
 */
function unslice(gy: Tensor, shape: readonly number[], parts: readonly { axis: number; start: number; step: number; count: number }[]): Tensor {
  let t = gy;
  for (const { axis, start, step, count } of parts) {
    const len = shape[axis]!;
    if (step === 1) {
      t = padAxis(t, axis, start, len - start - count);
      continue;
    }
    const withInner = [...t.shape.slice(0, axis + 1), 1, ...t.shape.slice(axis + 1)];
    let spread = padAxis(reshape(t, withInner), axis + 1, 0, step - 1);
    spread = reshape(spread, t.shape.map((d, i) => (i === axis ? d * step : d)));
    const after = len - start - count * step;
    t = after >= 0 ? padAxis(spread, axis, start, after) : slice(padAxis(spread, axis, start, 0), { starts: [0], ends: [len], axes: [axis] });
  }
  return t;
}

/**
 * Gather rows: out = data[indices] along `axis` (default 0), shape data[:axis] + indices +
 * data[axis+1:]. Indices are int64 or int32 and must be in range at run time. The gradient (for
 * axis 0, the embedding case) scatter-adds the output gradient into zeros, so repeated indices
 * accumulate.
 */
export function gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
  data.graph.own(data, "Gather");
  data.graph.own(indices, "Gather");
  requireDType("Gather", indices, ["int64", "int32"]);
  const op = "Gather";
  const attrs = `axis = ${axis}`;
  const ax = normalizeAxis(axis, data.rank);
  if (ax === null) throw new GraphError(op, [data, indices], `axis ${axis} is out of range for rank ${data.rank}`, attrs);
  const shape = [...data.shape.slice(0, ax), ...indices.shape, ...data.shape.slice(ax + 1)];
  const grad: GradRule = ({ gradOutputs }) => {
    if (ax !== 0) throw new GraphError(op, [data, indices], "has a gradient only for axis 0", attrs);
    const idx = indices.dtype === "int64" ? indices : cast(indices, "int64");
    const g = data.graph;
    const scattered = g.op({
      opType: "ScatterND",
      inputs: [zerosOf(g, data.shape), reshape(idx, [...indices.shape, 1]), gradOutputs[0]!],
      attrs: { reduction: { kind: "string", value: "add" } },
      outputs: [{ shape: data.shape, dtype: "float32" }],
    })[0]!;
    return [scattered, null];
  };
  return data.graph.op({
    opType: "Gather",
    inputs: [data, indices],
    attrs: { axis: { kind: "int", value: ax } },
    outputs: [{ shape, dtype: data.dtype }],
    ...(data.dtype === "float32" ? { grad } : {}),
  })[0]!;
}
