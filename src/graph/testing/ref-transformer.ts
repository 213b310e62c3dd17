/**
 * The reference transformer (reference-transformer.ts) written again on the float64 reference
 * ops, for gradient checks of the whole model. Mirrors the graph step by step.
 */
import type { TransformerConfig } from "../reference-transformer.js";
import { MASK_NEGATIVE } from "../ops-nn.js";
import * as R from "./ref.js";

/** Mean cross-entropy of the transformer with parameters `p` on `tokens`/`targets` ([B*T] each). */
export function transformerLoss(cfg: TransformerConfig, p: Readonly<Record<string, R.Nd>>, tokens: readonly number[], targets: readonly number[]): number {
  const { layers, dModel: d, heads: h, seq: t, batch: b } = cfg;
  const n = b * t;
  const dh = d / h;
  const add = (x: R.Nd, y: R.Nd): R.Nd => R.zip((u, v) => u + v, x, y);
  const linear = (x: R.Nd, w: string, bias: string): R.Nd => add(R.matmul(x, p[w]!), p[bias]!);
  const mask = R.nd([t, t], Array.from({ length: t * t }, (_, i) => (i % t <= Math.floor(i / t) ? 0 : MASK_NEGATIVE)));

  let x = R.reshape(add(R.gather(p.wte!, tokens, [b, t]), p.wpe!), [n, d]);
  for (let i = 0; i < layers; i++) {
    const k = (name: string): string => `h${i}.${name}`;
    const ln1 = R.layerNorm(x, p[k("ln1.g")]!, p[k("ln1.b")]!);
    const qkv = linear(ln1, k("attn.wqkv"), k("attn.bqkv"));
    const heads = R.transpose(R.reshape(qkv, [b, t, 3, h, dh]), [2, 0, 3, 1, 4]);
    const part = (j: number): R.Nd => R.reshape(R.slice(heads, [j], [j + 1], [0], [1]), [b, h, t, dh]);
    const scores = add(R.matmul(R.map(part(0), (v) => v / Math.sqrt(dh)), part(1), false, true), mask);
    const attn = R.matmul(R.softmax(scores), part(2));
    const merged = R.reshape(R.transpose(attn, [0, 2, 1, 3]), [n, d]);
    const x1 = add(x, linear(merged, k("attn.wo"), k("attn.bo")));
    const ln2 = R.layerNorm(x1, p[k("ln2.g")]!, p[k("ln2.b")]!);
    const hidden = R.gelu(linear(ln2, k("mlp.w1"), k("mlp.b1")));
    x = add(x1, linear(hidden, k("mlp.w2"), k("mlp.b2")));
  }
  const xf = R.layerNorm(x, p["ln_f.g"]!, p["ln_f.b"]!);
  const logits = (cfg.tiedHead ?? true) ? R.matmul(xf, p.wte!, false, true) : R.matmul(xf, p.lm_head!);
  return R.crossEntropy(logits, targets, cfg.ignoreIndex ?? -100);
}
