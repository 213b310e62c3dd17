/**
 * Reductions over static axes (opset 18+ form: axes as an int64 input). `axes` omitted means all
 * axes; `keepdims` keeps reduced axes as size 1. Gradients broadcast the output gradient back
 * over the reduced axes with Expand.
 */
import type { GradRule, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import { cast, div, equal, mul, requireDType } from "./ops-elementwise.js";
import { expand, reshape } from "./ops-shape.js";
import { normalizeAxis, shapeSize } from "./shape.js";

/** Sorted, normalised axes; throws on duplicates or out-of-range axes. */
function reduceAxes(op: string, x: Tensor, axes: readonly number[] | undefined): number[] {
  if (axes === undefined) return x.shape.map((_, i) => i);
  const out = axes.map((a) => {
    const n = normalizeAxis(a, x.rank);
    if (n === null) throw new GraphError(op, [x], `axis ${a} is out of range for rank ${x.rank}`, `axes = [${axes.join(",")}]`);
    return n;
  });
  if (new Set(out).size !== out.length) throw new GraphError(op, [x], "axes repeat", `axes = [${axes.join(",")}]`);
  return out.sort((a, b) => a - b);
}

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduce(opType: string, x: Tensor, axes: readonly number[] | undefined, keepdims: boolean, grad: ((ax: number[], y: Tensor, gy: Tensor) => Tensor) | null): Tensor {
  x.graph.own(x, opType);
  requireDType(opType, x, ["float32", "int64", "int32"]);
  const ax = reduceAxes(opType, x, axes);
  if (ax.length === 0) return x;
  const kept = keptShape(x.shape, ax);
  const shape = keepdims ? kept : x.shape.filter((_, i) => !ax.includes(i));
  const rule: GradRule | undefined =
    grad && x.dtype === "float32" ? ({ outputs, gradOutputs }) => [grad(ax, outputs[0]!, gradOutputs[0]!)] : undefined;
  const axesT = x.graph.constant(ax, { dtype: "int64" });
  return x.graph.op({
    opType,
    inputs: [x, axesT],
    attrs: { keepdims: { kind: "int", value: keepdims ? 1 : 0 } },
    outputs: [{ shape, dtype: x.dtype }],
    ...(rule ? { grad: rule } : {}),
  })[0]!;
}

/** `gy` (reduced over `axes`) reshaped to keep those axes as 1, then broadcast to `shape`. */
function spread(gy: Tensor, axes: readonly number[], shape: readonly number[]): Tensor {
  return expand(reshape(gy, keptShape(shape, axes)), shape);
}

/** Sum over `axes` (all when omitted). */
export function reduceSum(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  return reduce("ReduceSum", x, axes, keepdims, (ax, _y, gy) => spread(gy, ax, x.shape));
}

/** Mean over `axes` (all when omitted). */
export function reduceMean(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  return reduce("ReduceMean", x, axes, keepdims, (ax, _y, gy) => {
    const n = shapeSize(ax.map((a) => x.shape[a]!));
    // Scale the small (reduced) gradient before spreading it over the big one.
    return spread(div(gy, n), ax, x.shape);
  });
}

/** Sum of squares over `axes` (all when omitted): the squared L2 norm. */
export function reduceSumSquare(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  return reduce("ReduceSumSquare", x, axes, keepdims, (ax, _y, gy) => mul(spread(mul(gy, 2), ax, x.shape), x));
}

/**
 * Maximum over `axes` (all when omitted). Gradient: to every element equal to the maximum (ties
 * each receive the full gradient, a valid subgradient only without ties).
 */
export function reduceMax(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  return reduce("ReduceMax", x, axes, keepdims, (ax, y, gy) => {
    const hit = cast(equal(x, spread(y, ax, x.shape)), "float32");
    return mul(hit, spread(gy, ax, x.shape));
  });
}
