/**
 * AdamW (Loshchilov & Hutter: Adam with decoupled weight decay) as graph nodes, one update per
 * parameter, in PyTorch's formulation:
 *
 *   p <- p * (1 - lr * weightDecay)                  (only for parameters the decay filter keeps)
 *   m <- beta1 * m + (1 - beta1) * g
 *   v <- beta2 * v + (1 - beta2) * g^2
 *   p <- p - lr * (m / (1 - beta1^step)) / (sqrt(v / (1 - beta2^step)) + eps)
 *
 * `step` is 1-based. Everything that is the same for every parameter (bias corrections, lr / bc1,
 * the clip scale folded into (1 - beta1) and (1 - beta2)) is a scalar computed once, so each
 * parameter costs 14 elementwise nodes.
 */
import { InputError } from "../errors.js";
import type { Tensor } from "./graph.js";
import { add, div, mul, sqrt, sub } from "./ops-elementwise.js";

/** Which parameters get weight decay: `(name, shape) => boolean`. */
export type DecayFilter = (name: string, shape: readonly number[]) => boolean;

/**
 * Default decay rule: decay parameters of rank >= 2 (weight matrices and embeddings); skip rank
 * 0 and 1 (biases, LayerNorm gains and offsets), as GPT-2/nanoGPT do.
 */
export const decayMatricesOnly: DecayFilter = (_name, shape) => shape.length >= 2;

/** AdamW settings (resolved: every field set). */
export interface AdamWConfig {
  readonly kind: "adamw";
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decayFilter: DecayFilter;
}

/**
 * AdamW settings. Defaults (PyTorch's): beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.01,
 * decay on rank >= 2 parameters only ({@link decayMatricesOnly}).
 */
export function adamW(options: Partial<Omit<AdamWConfig, "kind">> = {}): AdamWConfig {
  const cfg: AdamWConfig = {
    kind: "adamw",
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? 0.01,
    decayFilter: options.decayFilter ?? decayMatricesOnly,
  };
  for (const k of ["beta1", "beta2"] as const) {
    if (!Number.isFinite(cfg[k]) || cfg[k] < 0 || cfg[k] >= 1) throw new InputError("adamW", k, cfg[k], "must be in [0, 1)");
  }
  if (!Number.isFinite(cfg.eps) || cfg.eps <= 0) throw new InputError("adamW", "eps", cfg.eps, "must be a positive number");
  if (!Number.isFinite(cfg.weightDecay) || cfg.weightDecay < 0) throw new InputError("adamW", "weightDecay", cfg.weightDecay, "must be >= 0");
  if (typeof cfg.decayFilter !== "function") throw new InputError("adamW", "decayFilter", cfg.decayFilter, "must be a function (name, shape) => boolean");
  return cfg;
}

/** Scalars shared by every parameter's update in one step. */
export interface AdamWScalars {
  /** (1 - beta1) * clipScale: multiplies g in the first moment. */
  readonly gradScaleM: Tensor;
  /** (1 - beta2) * clipScale^2: multiplies g^2 in the second moment. */
  readonly gradScaleV: Tensor;
  /** lr / (1 - beta1^step). */
  readonly stepSize: Tensor;
  /** 1 / sqrt(1 - beta2^step). */
  readonly invSqrtBc2: Tensor;
  /** 1 - lr * weightDecay. */
  readonly decayFactor: Tensor;
}

/** The per-step scalars from `lr`, the 1-based `step` and the gradient clip scale (all float32 []). */
export function adamWScalars(cfg: AdamWConfig, lr: Tensor, step: Tensor, clipScale: Tensor | null): AdamWScalars {
  const g = lr.graph;
  const bc1 = sub(1, powScalar(cfg.beta1, step));
  const bc2 = sub(1, powScalar(cfg.beta2, step));
  return {
    gradScaleM: clipScale ? mul(clipScale, 1 - cfg.beta1) : g.constant(1 - cfg.beta1),
    gradScaleV: clipScale ? mul(mul(clipScale, clipScale), 1 - cfg.beta2) : g.constant(1 - cfg.beta2),
    stepSize: div(lr, bc1),
    invSqrtBc2: div(1, sqrt(bc2)),
    decayFactor: sub(1, mul(lr, cfg.weightDecay)),
  };
}

/** base^exponent for a constant base and a tensor exponent (ONNX Pow with broadcasting). */
function powScalar(base: number, exponent: Tensor): Tensor {
  const g = exponent.graph;
  return g.op({ opType: "Pow", inputs: [g.constant(base), exponent], outputs: [{ shape: exponent.shape, dtype: "float32" }] })[0]!;
}

/** The updated parameter and moments of one parameter. */
export interface AdamWUpdate {
  readonly param: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
}

/** One parameter's AdamW update from its (unclipped) gradient; `decay` applies weight decay. */
export function adamWUpdate(cfg: AdamWConfig, s: AdamWScalars, p: Tensor, grad: Tensor, m: Tensor, v: Tensor, decay: boolean): AdamWUpdate {
  const m2 = add(mul(m, cfg.beta1), mul(grad, s.gradScaleM));
  const v2 = add(mul(v, cfg.beta2), mul(mul(grad, grad), s.gradScaleV));
  const denom = add(mul(sqrt(v2), s.invSqrtBc2), cfg.eps);
  const update = mul(div(m2, denom), s.stepSize);
  const decayed = decay && cfg.weightDecay > 0 ? mul(p, s.decayFactor) : p;
  return { param: sub(decayed, update), m: m2, v: v2 };
}
