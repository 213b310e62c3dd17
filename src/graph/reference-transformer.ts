/**
 * A small decoder-only (GPT-style) transformer language model built from the graph ops: the
 * reference workload for the tensor engine (benchmarks, overfit and gradient tests).
 *
 *   tokens [B, T] -> token embedding + learned position embedding           x [B*T, D]
 *   N x pre-LN block:  x += Wo * attn(LN1(x))   (multi-head causal self-attention)
 *                      x += W2 * gelu(W1 * LN2(x))
 *   LN_f -> LM head (tied to the token embedding, or its own [D, V]) -> logits [B*T, V]
 *   loss = cross-entropy against targets [B, T], ignoring `ignoreIndex`
 *
 * Activations stay 2-D [B*T, D] outside attention, so every projection is one GEMM (and
 * onnxruntime can fuse MatMul + bias); attention runs as batched [B, H, T, *] matmuls.
 */
import { InputError } from "../errors.js";
import type { Graph, Tensor } from "./graph.js";
import { normal, ones, zeros } from "./init.js";
import { add, mul } from "./ops-elementwise.js";
import { matmul } from "./ops-matmul.js";
import { causalMask, crossEntropy, gelu, layerNorm, softmax } from "./ops-nn.js";
import { gather, reshape, split, transpose } from "./ops-shape.js";

/** Size of the reference transformer (a type alias, so it is assignable to JSON-value types). */
export type TransformerConfig = {
  /** Number of blocks. */
  readonly layers: number;
  /** Residual width D (divisible by `heads`). */
  readonly dModel: number;
  /** Attention heads H; head width D / H. */
  readonly heads: number;
  /** MLP hidden width. */
  readonly ffn: number;
  /** Vocabulary size V. */
  readonly vocab: number;
  /** Sequence length T (also the number of learned positions). */
  readonly seq: number;
  /** Batch size B (static: another batch size is another graph). */
  readonly batch: number;
  /** Share the token embedding with the LM head (default true). */
  readonly tiedHead?: boolean;
  /** Target value that is not scored (default -100). */
  readonly ignoreIndex?: number;
};

/** The tensors of a built reference transformer. */
export interface ReferenceTransformer {
  /** Input "tokens", int64 [B, T]. */
  readonly tokens: Tensor;
  /** Input "targets", int64 [B, T] (next tokens; `ignoreIndex` where not scored). */
  readonly targets: Tensor;
  /** float32 [B*T, V]. */
  readonly logits: Tensor;
  /** Mean cross-entropy over scored targets, float32 []. */
  readonly loss: Tensor;
}

const POSITIVE_INT_FIELDS = ["layers", "dModel", "heads", "ffn", "vocab", "seq", "batch"] as const;

function checkConfig(cfg: TransformerConfig, where: string): void {
  for (const k of POSITIVE_INT_FIELDS) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new InputError(where, k, cfg[k], "must be a positive integer");
  }
  if (cfg.dModel % cfg.heads !== 0) throw new InputError(where, "heads", cfg.heads, `must divide dModel = ${cfg.dModel}`);
}

/**
 * Add the reference transformer to `g`: inputs "tokens" and "targets", parameters under "wte",
 * "wpe", "h{i}.*", "ln_f.*" (and "lm_head" when untied). Declares no outputs: the caller picks
 * (`g.output("logits", t.logits)`) and builds the training step from `loss`.
 * Init as GPT-2: N(0, 0.02) weights, residual projections N(0, 0.02 / sqrt(2 * layers)), zero
 * biases, unit LayerNorm gains.
 */
export function buildReferenceTransformer(g: Graph, cfg: TransformerConfig): ReferenceTransformer {
  checkConfig(cfg, "buildReferenceTransformer");
  const { layers, dModel: d, heads: h, ffn, vocab, seq: t, batch: b } = cfg;
  const n = b * t;
  const dh = d / h;
  const residualStd = 0.02 / Math.sqrt(2 * layers);

  const tokens = g.input("tokens", "int64", [b, t]);
  const targets = g.input("targets", "int64", [b, t]);
  const wte = g.param("wte", [vocab, d], normal(0.02));
  const wpe = g.param("wpe", [t, d], normal(0.02));
  const mask = causalMask(g, t); // [T, T]

  let x = reshape(add(gather(wte, tokens), wpe), [n, d]); // [B, T, D] + [T, D] -> [N, D]
  for (let i = 0; i < layers; i++) {
    x = g.scope(`h${i}`, () => {
      const ln1 = layerNorm(x, g.param("ln1.g", [d], ones()), g.param("ln1.b", [d], zeros()));
      const qkv = add(matmul(ln1, g.param("attn.wqkv", [d, 3 * d], normal(0.02))), g.param("attn.bqkv", [3 * d], zeros())); // [N, 3D]
      const heads = transpose(reshape(qkv, [b, t, 3, h, dh]), [2, 0, 3, 1, 4]); // [3, B, H, T, dh]
      const [q, k, v] = split(heads, [1, 1, 1], 0).map((z) => reshape(z, [b, h, t, dh])) as [Tensor, Tensor, Tensor];
      const scores = add(matmul(mul(q, 1 / Math.sqrt(dh)), k, { transB: true }), mask); // [B, H, T, T]
      const attn = matmul(softmax(scores), v); // [B, H, T, dh]
      const merged = reshape(transpose(attn, [0, 2, 1, 3]), [n, d]); // [N, D]
      const proj = add(matmul(merged, g.param("attn.wo", [d, d], normal(residualStd))), g.param("attn.bo", [d], zeros()));
      const x1 = add(x, proj);
      const ln2 = layerNorm(x1, g.param("ln2.g", [d], ones()), g.param("ln2.b", [d], zeros()));
      const hidden = gelu(add(matmul(ln2, g.param("mlp.w1", [d, ffn], normal(0.02))), g.param("mlp.b1", [ffn], zeros()))); // [N, F]
      const out = add(matmul(hidden, g.param("mlp.w2", [ffn, d], normal(residualStd))), g.param("mlp.b2", [d], zeros()));
      return add(x1, out);
    });
  }
  const xf = layerNorm(x, g.param("ln_f.g", [d], ones()), g.param("ln_f.b", [d], zeros()));
  const tied = cfg.tiedHead ?? true;
  const logits = tied ? matmul(xf, wte, { transB: true }) : matmul(xf, g.param("lm_head", [d, vocab], normal(0.02))); // [N, V]
  const loss = crossEntropy(logits, reshape(targets, [n]), { ignoreIndex: cfg.ignoreIndex ?? -100 });
  return { tokens, targets, logits, loss };
}

/**
 * Matmul FLOPs of one forward pass (2 per multiply-add), counting what the graph computes:
 * per layer 2N*D*3D (QKV) + 2*2*B*H*T*T*dh (scores and attention-weighted values, full T x T:
 * the causal mask does not skip work) + 2N*D*D (output projection) + 2*2N*D*F (MLP); plus the LM
 * head 2N*D*V. N = B*T. Embedding lookups, norms and elementwise ops are not counted.
 */
export function transformerForwardFlops(cfg: TransformerConfig): number {
  checkConfig(cfg, "transformerForwardFlops");
  const { layers, dModel: d, heads: h, ffn, vocab, seq: t, batch: b } = cfg;
  const n = b * t;
  const dh = d / h;
  const perLayer = 2 * n * d * 3 * d + 2 * 2 * b * h * t * t * dh + 2 * n * d * d + 2 * 2 * n * d * ffn;
  return layers * perLayer + 2 * n * d * vocab;
}

/**
 * Matmul FLOPs of one training step: 3x the forward ({@link transformerForwardFlops}), since the
 * backward pass of every matmul is two matmuls of the same size (dX and dW). Divide by the step
 * time for achieved FLOP/s.
 */
export function transformerTrainFlops(cfg: TransformerConfig): number {
  return 3 * transformerForwardFlops(cfg);
}
