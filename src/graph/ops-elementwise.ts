/**
 * Elementwise ops: arithmetic with numpy broadcasting, unary maths, comparisons and Where.
 * Each op checks dtypes and shapes when added and records its backward rule; gradients of
 * broadcast operands are summed back to the operand's shape ({@link unbroadcast}).
 *
 * Arithmetic operands may be plain numbers: they become constants of the other operand's dtype
 * (`mul(x, 0.5)`, `sub(1, y)`).
 */
import type { DType, Graph, GradRule, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import { reduceSum } from "./ops-reduce.js";
import { reshape } from "./ops-shape.js";
import { broadcastAxes, broadcastShapes, formatShape, sameShape } from "./shape.js";

/** A tensor, or a number taken as a scalar constant of the other operand's dtype. */
export type Operand = Tensor | number;

const NUMERIC: readonly DType[] = ["float32", "int64", "int32"];

/** Throw unless `t` has one of `allowed` dtypes, naming the op and the tensor. */
export function requireDType(op: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) throw new GraphError(op, [t], `${t.name} has dtype ${t.dtype}; ${op} needs ${allowed.join(" or ")}`);
}

/** The graph of the first tensor among `xs` (there must be one). */
function graphOf(op: string, xs: readonly Operand[]): Graph {
  const t = xs.find((x): x is Tensor => typeof x !== "number");
  if (t === undefined) throw new GraphError(op, [], "needs at least one tensor operand (got only numbers)");
  return t.graph;
}

/** Numbers become scalar constants with the dtype of the first tensor operand. */
function lift(op: string, xs: readonly Operand[]): Tensor[] {
  const g = graphOf(op, xs);
  const dtype = xs.find((x): x is Tensor => typeof x !== "number")!.dtype;
  return xs.map((x) => (typeof x === "number" ? g.constant(x, { dtype }) : x));
}

/**
 * Sum `grad` (shaped like a broadcast result) over the axes `shape` was broadcast along, back to
 * `shape`: the gradient of a broadcast operand. Returns `grad` itself when nothing was broadcast.
 */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const axes = broadcastAxes(shape, grad.shape);
  const summed = axes.length > 0 ? reduceSum(grad, axes, true) : grad;
  return sameShape(summed.shape, shape) ? summed : reshape(summed, shape);
}

function broadcastShape(op: string, ts: readonly Tensor[]): number[] {
  const shape = broadcastShapes(...ts.map((t) => t.shape));
  if (shape === null) throw new GraphError(op, ts, `shapes ${ts.map((t) => formatShape(t.shape)).join(" and ")} do not broadcast`);
  return shape;
}

function sameDType(op: string, ts: readonly Tensor[]): DType {
  const d = ts[0]!.dtype;
  for (const t of ts) if (t.dtype !== d) throw new GraphError(op, ts, `dtypes ${ts.map((x) => x.dtype).join(" and ")} differ`);
  return d;
}

type BinaryGrad = (a: Tensor, b: Tensor, y: Tensor, gy: Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null];

function binary(opType: string, x: Operand, z: Operand, grad: BinaryGrad, allowed: readonly DType[] = NUMERIC): Tensor {
  const [a, b] = lift(opType, [x, z]) as [Tensor, Tensor];
  const dtype = sameDType(opType, [a, b]);
  requireDType(opType, a, allowed);
  const shape = broadcastShape(opType, [a, b]);
  const rule: GradRule | undefined =
    dtype === "float32"
      ? ({ outputs, gradOutputs, needs }) => {
          const [ga, gb] = grad(a, b, outputs[0]!, gradOutputs[0]!, needs);
          return [needs[0] && ga ? unbroadcast(ga, a.shape) : null, needs[1] && gb ? unbroadcast(gb, b.shape) : null];
        }
      : undefined;
  return a.graph.op({ opType, inputs: [a, b], outputs: [{ shape, dtype }], ...(rule ? { grad: rule } : {}) })[0]!;
}

/** a + b, broadcast. */
export function add(a: Operand, b: Operand): Tensor {
  return binary("Add", a, b, (_a, _b, _y, gy) => [gy, gy]);
}

/** a - b, broadcast. */
export function sub(a: Operand, b: Operand): Tensor {
  return binary("Sub", a, b, (_a, _b, _y, gy, needs) => [gy, needs[1] ? neg(gy) : null]);
}

/** a * b (elementwise), broadcast. */
export function mul(a: Operand, b: Operand): Tensor {
  return binary("Mul", a, b, (ta, tb, _y, gy, needs) => [needs[0] ? mul(gy, tb) : null, needs[1] ? mul(gy, ta) : null]);
}

/** a / b (elementwise), broadcast. Integer division truncates, as ONNX Div does. */
export function div(a: Operand, b: Operand): Tensor {
  // d(a/b)/db = -a/b^2 = -y/b
  return binary("Div", a, b, (_a, tb, y, gy, needs) => [needs[0] ? div(gy, tb) : null, needs[1] ? neg(div(mul(gy, y), tb)) : null]);
}

/** Elementwise minimum, broadcast; the gradient goes to the smaller operand (to `a` on ties). */
export function minimum(a: Operand, b: Operand): Tensor {
  return binary("Min", a, b, (ta, tb, _y, gy, needs) => {
    const takeA = lessOrEqual(ta, tb);
    return [needs[0] ? where(takeA, gy, 0) : null, needs[1] ? where(takeA, 0, gy) : null];
  });
}

/** Elementwise maximum, broadcast; the gradient goes to the larger operand (to `a` on ties). */
export function maximum(a: Operand, b: Operand): Tensor {
  return binary("Max", a, b, (ta, tb, _y, gy, needs) => {
    const takeA = greaterOrEqual(ta, tb);
    return [needs[0] ? where(takeA, gy, 0) : null, needs[1] ? where(takeA, 0, gy) : null];
  });
}

type UnaryGrad = (x: Tensor, y: Tensor, gy: Tensor) => Tensor;

function unary(opType: string, x: Tensor, grad: UnaryGrad | null, allowed: readonly DType[] = ["float32"], attrs = {}): Tensor {
  x.graph.own(x, opType);
  requireDType(opType, x, allowed);
  const rule: GradRule | undefined =
    grad && x.dtype === "float32" ? ({ outputs, gradOutputs }) => [grad(x, outputs[0]!, gradOutputs[0]!)] : undefined;
  return x.graph.op({ opType, inputs: [x], attrs, outputs: [{ shape: x.shape, dtype: x.dtype }], ...(rule ? { grad: rule } : {}) })[0]!;
}

/** -x. */
export function neg(x: Tensor): Tensor {
  return unary("Neg", x, (_x, _y, gy) => neg(gy), NUMERIC);
}

/** e^x. */
export function exp(x: Tensor): Tensor {
  return unary("Exp", x, (_x, y, gy) => mul(gy, y));
}

/** Natural logarithm (x > 0 for a finite result). */
export function log(x: Tensor): Tensor {
  return unary("Log", x, (tx, _y, gy) => div(gy, tx));
}

/** Square root (x >= 0). */
export function sqrt(x: Tensor): Tensor {
  return unary("Sqrt", x, (_x, y, gy) => div(mul(gy, 0.5), y));
}

/** sin(x), radians. */
export function sin(x: Tensor): Tensor {
  return unary("Sin", x, (tx, _y, gy) => mul(gy, cos(tx)));
}

/** cos(x), radians. */
export function cos(x: Tensor): Tensor {
  return unary("Cos", x, (tx, _y, gy) => neg(mul(gy, sin(tx))));
}

/** max(x, 0); gradient 0 at x = 0. */
export function relu(x: Tensor): Tensor {
  return unary("Relu", x, (tx, _y, gy) => where(greater(tx, 0), gy, 0));
}

/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return unary("Tanh", x, (_x, y, gy) => mul(gy, sub(1, mul(y, y))));
}

/** Logistic sigmoid 1 / (1 + e^-x). */
export function sigmoid(x: Tensor): Tensor {
  return unary("Sigmoid", x, (_x, y, gy) => mul(mul(gy, y), sub(1, y)));
}

/** x (a new value with the same contents). */
export function identity(x: Tensor): Tensor {
  return unary("Identity", x, (_x, _y, gy) => gy, ["float32", "int64", "int32", "bool"]);
}

/**
 * x^p for a constant exponent p (finite). Gradient p * x^(p-1), emitted as 2x for p = 2.
 * Non-integer p needs x >= 0 for a real result.
 */
export function pow(x: Tensor, p: number): Tensor {
  if (!Number.isFinite(p)) throw new GraphError("Pow", [x], "the exponent must be a finite number", `p = ${p}`);
  requireDType("Pow", x, ["float32"]);
  const exponent = x.graph.constant(p);
  const grad: GradRule = ({ gradOutputs }) => {
    const gy = gradOutputs[0]!;
    if (p === 0) return [null];
    if (p === 1) return [gy];
    if (p === 2) return [mul(gy, mul(x, 2))];
    return [mul(gy, mul(pow(x, p - 1), p))];
  };
  return x.graph.op({ opType: "Pow", inputs: [x, exponent], outputs: [{ shape: x.shape, dtype: "float32" }], grad })[0]!;
}

/** Convert to `dtype`. Gradients pass through float32 -> float32 only (a cast to an integer stops them). */
export function cast(x: Tensor, dtype: DType): Tensor {
  x.graph.own(x, "Cast");
  const to = { float32: 1, int64: 7, int32: 6, bool: 9 }[dtype];
  if (to === undefined) throw new GraphError("Cast", [x], "the target is not a supported dtype", `to = ${String(dtype)}`);
  const grad: GradRule | undefined = x.dtype === "float32" && dtype === "float32" ? ({ gradOutputs }) => [gradOutputs[0]] : undefined;
  return x.graph.op({
    opType: "Cast",
    inputs: [x],
    attrs: { to: { kind: "int", value: to } },
    outputs: [{ shape: x.shape, dtype }],
    ...(grad ? { grad } : {}),
  })[0]!;
}

function compare(opType: string, x: Operand, z: Operand, allowed: readonly DType[] = NUMERIC): Tensor {
  const [a, b] = lift(opType, [x, z]) as [Tensor, Tensor];
  sameDType(opType, [a, b]);
  requireDType(opType, a, allowed);
  return a.graph.op({ opType, inputs: [a, b], outputs: [{ shape: broadcastShape(opType, [a, b]), dtype: "bool" }] })[0]!;
}

/** a == b elementwise (bool), broadcast. Not differentiable. */
export function equal(a: Operand, b: Operand): Tensor {
  return compare("Equal", a, b, ["float32", "int64", "int32", "bool"]);
}

/** a < b elementwise (bool), broadcast. */
export function less(a: Operand, b: Operand): Tensor {
  return compare("Less", a, b);
}

/** a <= b elementwise (bool), broadcast. */
export function lessOrEqual(a: Operand, b: Operand): Tensor {
  return compare("LessOrEqual", a, b);
}

/** a > b elementwise (bool), broadcast. */
export function greater(a: Operand, b: Operand): Tensor {
  return compare("Greater", a, b);
}

/** a >= b elementwise (bool), broadcast. */
export function greaterOrEqual(a: Operand, b: Operand): Tensor {
  return compare("GreaterOrEqual", a, b);
}

/** Logical not of a bool tensor. */
export function not(x: Tensor): Tensor {
  return unary("Not", x, null, ["bool"]);
}

/** Logical and of bool tensors, broadcast. */
export function and(a: Tensor, b: Tensor): Tensor {
  return compare("And", a, b, ["bool"]);
}

/**
 * cond ? a : b elementwise, all three broadcast together; `cond` is bool. Numbers take the dtype
 * of the other value operand. Gradient: to `a` where cond holds, to `b` elsewhere.
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  cond.graph.own(cond, "Where");
  const [ta, tb] = lift("Where", [a, b]) as [Tensor, Tensor];
  requireDType("Where", cond, ["bool"]);
  const dtype = sameDType("Where", [ta, tb]);
  const shape = broadcastShape("Where", [cond, ta, tb]);
  const grad: GradRule | undefined =
    dtype === "float32"
      ? ({ gradOutputs, needs }) => {
          const gy = gradOutputs[0]!;
          return [
            null,
            needs[1] ? unbroadcast(where(cond, gy, 0), ta.shape) : null,
            needs[2] ? unbroadcast(where(cond, 0, gy), tb.shape) : null,
          ];
        }
      : undefined;
  return cond.graph.op({ opType: "Where", inputs: [cond, ta, tb], outputs: [{ shape, dtype }], ...(grad ? { grad } : {}) })[0]!;
}

/** Sum of same-shaped tensors in one node (ONNX Sum); the tensor itself for one. */
export function addN(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) throw new GraphError("Sum", [], "needs at least one tensor");
  const first = tensors[0]!;
  if (tensors.length === 1) return first;
  for (const t of tensors) first.graph.own(t, "Sum");
  const dtype = sameDType("Sum", tensors);
  requireDType("Sum", first, NUMERIC);
  for (const t of tensors) if (!sameShape(t.shape, first.shape)) throw new GraphError("Sum", tensors, "shapes differ");
  const grad: GradRule | undefined = dtype === "float32" ? ({ gradOutputs }) => tensors.map(() => gradOutputs[0]!) : undefined;
  return first.graph.op({ opType: "Sum", inputs: tensors, outputs: [{ shape: first.shape, dtype }], ...(grad ? { grad } : {}) })[0]!;
}
