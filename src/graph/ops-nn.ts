/**
 * Neural-network ops with hand-written backward rules: Softmax, LogSoftmax, LayerNormalization,
 * GELU, cross-entropy, and the additive attention masks.
 *
 * Choices, made for onnxruntime's CPU kernels and for short backward passes:
 * - LayerNormalization is the opset-17 op (one fused kernel forward); it also returns the row mean
 *   and inverse std, which the backward rule reuses instead of recomputing the statistics.
 * - GELU is the exact (erf) form, the opset-20 Gelu op. Its derivative Phi(x) + x phi(x) takes
 *   fewer elementwise nodes than the tanh approximation's (about 10 against 15), and elementwise
 *   nodes over [tokens, ffn] activations are what the MLP backward pays for.
 * - Cross-entropy is SoftmaxCrossEntropyLoss (one stable log-softmax kernel) with the mean taken
 *   over non-ignored targets here; its gradient is the textbook (softmax - onehot) / count,
 *   applied as one scatter-add rather than through the chain rule of its parts.
 */
import type { Graph, GradRule, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import { add, cast, div, equal, exp, maximum, mul, neg, not, requireDType, sub, where } from "./ops-elementwise.js";
import { reduceMean, reduceSum } from "./ops-reduce.js";
import { expand, reshape } from "./ops-shape.js";
import { sameShape } from "./shape.js";

/** The additive mask value for "may not attend": large and finite, so a fully masked row stays finite. */
export const MASK_NEGATIVE = -1e9;

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  x.graph.own(x, "Softmax");
  requireDType("Softmax", x, ["float32"]);
  const grad: GradRule = ({ outputs, gradOutputs }) => {
    const y = outputs[0]!;
    const gy = gradOutputs[0]!;
    // dx = y * (gy - sum(gy * y))
    return [mul(y, sub(gy, reduceSum(mul(gy, y), [-1], true)))];
  };
  return x.graph.op({ opType: "Softmax", inputs: [x], attrs: { axis: { kind: "int", value: -1 } }, outputs: [{ shape: x.shape, dtype: "float32" }], grad })[0]!;
}

/** log(softmax(x)) over the last axis, computed stably. */
export function logSoftmax(x: Tensor): Tensor {
  x.graph.own(x, "LogSoftmax");
  requireDType("LogSoftmax", x, ["float32"]);
  const grad: GradRule = ({ outputs, gradOutputs }) => {
    const gy = gradOutputs[0]!;
    // dx = gy - softmax * sum(gy)
    return [sub(gy, mul(exp(outputs[0]!), reduceSum(gy, [-1], true)))];
  };
  return x.graph.op({ opType: "LogSoftmax", inputs: [x], attrs: { axis: { kind: "int", value: -1 } }, outputs: [{ shape: x.shape, dtype: "float32" }], grad })[0]!;
}

/** Options for {@link layerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  readonly eps?: number;
}

/**
 * LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta, with gamma and beta
 * of shape [D] (D = last dimension of x); beta may be null (no offset).
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor | null, options: LayerNormOptions = {}): Tensor {
  const eps = options.eps ?? 1e-5;
  const g = x.graph;
  const operands = beta ? [x, gamma, beta] : [x, gamma];
  for (const t of operands) g.own(t, "LayerNormalization");
  for (const t of operands) requireDType("LayerNormalization", t, ["float32"]);
  if (x.rank < 1) throw new GraphError("LayerNormalization", operands, "x needs rank >= 1");
  if (!Number.isFinite(eps) || eps <= 0) throw new GraphError("LayerNormalization", operands, "eps must be a positive number", `eps = ${eps}`);
  const d = x.shape[x.rank - 1]!;
  for (const p of beta ? [gamma, beta] : [gamma]) {
    if (!sameShape(p.shape, [d])) throw new GraphError("LayerNormalization", operands, `${p.name} must have shape [${d}] (the last axis of x)`);
  }
  const statShape = [...x.shape.slice(0, -1), 1];
  const leading = x.shape.slice(0, -1).map((_, i) => i);
  const grad: GradRule = ({ outputs, gradOutputs, needs }) => {
    const gy = gradOutputs[0];
    if (!gy) return [null, null, null];
    const [, mean, rstd] = outputs as [Tensor, Tensor, Tensor];
    const xhat = mul(sub(x, mean), rstd); // [..., D]
    const dGamma = needs[1] ? reduceSum(mul(gy, xhat), leading) : null;
    const dBeta = beta && needs[2] ? reduceSum(gy, leading) : null;
    let dx: Tensor | null = null;
    if (needs[0]) {
      const dxhat = mul(gy, gamma);
      // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
      const centred = sub(dxhat, reduceMean(dxhat, [-1], true));
      dx = mul(sub(centred, mul(xhat, reduceMean(mul(dxhat, xhat), [-1], true))), rstd);
    }
    return [dx, dGamma, dBeta];
  };
  return g.op({
    opType: "LayerNormalization",
    inputs: beta ? [x, gamma, beta] : [x, gamma],
    attrs: { axis: { kind: "int", value: -1 }, epsilon: { kind: "float", value: eps } },
    outputs: [
      { shape: x.shape, dtype: "float32" },
      { shape: statShape, dtype: "float32" },
      { shape: statShape, dtype: "float32" },
    ],
    grad,
  })[0]!;
}

/**
 * GELU, exact form: x * Phi(x) with Phi the standard normal CDF (0.5 * (1 + erf(x / sqrt 2))).
 * Gradient Phi(x) + x * phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
 */
export function gelu(x: Tensor): Tensor {
  x.graph.own(x, "Gelu");
  requireDType("Gelu", x, ["float32"]);
  const g = x.graph;
  const grad: GradRule = ({ gradOutputs }) => {
    const gy = gradOutputs[0]!;
    const erfZ = g.op({ opType: "Erf", inputs: [mul(x, Math.SQRT1_2)], outputs: [{ shape: x.shape, dtype: "float32" }] })[0]!;
    const gauss = exp(mul(mul(x, x), -0.5)); // exp(-x^2/2)
    // 2 * dGelu/dx = 1 + erf(x/sqrt2) + x * exp(-x^2/2) * sqrt(2/pi)
    const twice = add(add(erfZ, mul(mul(x, gauss), Math.sqrt(2 / Math.PI))), 1);
    return [mul(mul(gy, 0.5), twice)];
  };
  return g.op({ opType: "Gelu", inputs: [x], outputs: [{ shape: x.shape, dtype: "float32" }], grad })[0]!;
}

/** Options for {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Targets equal to this value contribute nothing (e.g. -100 for padding and prompt tokens). */
  readonly ignoreIndex?: number;
}

/**
 * Mean cross-entropy of `logits` [N, V] against int64 class indices `targets` [N], over the
 * targets not equal to `ignoreIndex`: a float32 scalar. With every target ignored the loss is 0
 * (the mean divides by max(count, 1)), never NaN. Targets must be in [0, V) or the ignore index.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const g = logits.graph;
  g.own(logits, "crossEntropy");
  g.own(targets, "crossEntropy");
  requireDType("crossEntropy", logits, ["float32"]);
  requireDType("crossEntropy", targets, ["int64"]);
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new GraphError("crossEntropy", [logits, targets], "logits must be [N, V] and targets [N]");
  }
  const ignore = options.ignoreIndex;
  if (ignore !== undefined && !Number.isSafeInteger(ignore)) throw new GraphError("crossEntropy", [logits, targets], "ignoreIndex must be an integer", `ignoreIndex = ${ignore}`);
  const n = logits.shape[0]!;
  let logProb!: Tensor;
  let rowWeight!: Tensor; // [N]: 1 for counted targets, 0 for ignored ones
  let denom!: Tensor; // []: number of counted targets, at least 1
  let safeTargets!: Tensor; // [N]: ignored targets replaced by 0, so they index a real column
  const grad: GradRule = ({ gradOutputs }) => {
    const scale = div(gradOutputs[0]!, denom); // []
    const rowScale = reshape(mul(rowWeight, scale), [n, 1]); // [N, 1]
    const probTimes = mul(exp(logProb), rowScale); // [N, V]
    // Subtract rowScale at each row's target column: (softmax - onehot) * rowScale.
    const dLogits = g.op({
      opType: "ScatterElements",
      inputs: [probTimes, reshape(safeTargets, [n, 1]), neg(rowScale)],
      attrs: { axis: { kind: "int", value: 1 }, reduction: { kind: "string", value: "add" } },
      outputs: [{ shape: logits.shape, dtype: "float32" }],
    })[0]!;
    return [dLogits];
  };
  return g.composite("crossEntropy", [logits], () => {
    const [perRow, lp] = g.op({
      opType: "SoftmaxCrossEntropyLoss",
      inputs: [logits, targets],
      attrs: {
        reduction: { kind: "string", value: "none" },
        ...(ignore !== undefined ? { ignore_index: { kind: "int", value: ignore } } : {}),
      },
      outputs: [
        { shape: [n], dtype: "float32" },
        { shape: logits.shape, dtype: "float32" },
      ],
    }) as [Tensor, Tensor];
    logProb = lp;
    if (ignore === undefined) {
      rowWeight = expand(g.constant(1), [n]);
      denom = g.constant(n);
      safeTargets = targets;
      return [reduceMean(perRow)];
    }
    const counted = not(equal(targets, g.constant(ignore, { dtype: "int64" })));
    rowWeight = cast(counted, "float32");
    denom = maximum(reduceSum(rowWeight), 1);
    safeTargets = where(counted, targets, 0);
    return [div(reduceSum(perRow), denom)];
  }, grad)[0]!;
}

/**
 * Additive causal mask [T, T]: 0 where key j <= query i, {@link MASK_NEGATIVE} above the diagonal.
 * Add it to attention scores [..., T, T] before the softmax.
 */
export function causalMask(g: Graph, t: number): Tensor {
  return prefixCausalMask(g, t, 0);
}

/**
 * Additive prefix-LM mask [T, T]: the first `prefix` positions attend to each other freely (e.g.
 * the vision tokens), every later position attends causally to all earlier positions.
 */
export function prefixCausalMask(g: Graph, t: number, prefix: number): Tensor {
  if (!Number.isInteger(t) || t < 1) throw new GraphError("causalMask", [], "T must be a positive integer", `T = ${t}`);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > t) throw new GraphError("prefixCausalMask", [], "prefix must be in [0, T]", `T = ${t}, prefix = ${prefix}`);
  const values = new Float32Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) values[i * t + j] = j <= i || (i < prefix && j < prefix) ? 0 : MASK_NEGATIVE;
  }
  return g.constant(values, { shape: [t, t] });
}

/** 0 where `allowed` (bool) holds, {@link MASK_NEGATIVE} elsewhere: a float32 additive mask. */
export function additiveMask(allowed: Tensor): Tensor {
  requireDType("additiveMask", allowed, ["bool"]);
  return where(allowed, allowed.graph.constant(0), MASK_NEGATIVE);
}
