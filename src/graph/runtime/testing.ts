/**
 * Fixtures for the runtime's tests and the benchmark: a reference transformer of any size with
 * its training step, and random next-token batches that are a pure function of (seed, step), so a
 * resumed run sees exactly the batches a straight run would.
 */
import { createRng, deriveSeed } from "../../random.js";
import { Graph } from "../graph.js";
import { adamW } from "../optim.js";
import { buildReferenceTransformer, type ReferenceTransformer, type TransformerConfig } from "../reference-transformer.js";
import { buildTrainStep, type TrainStep } from "../train-step.js";
import type { Batch } from "./trainer.js";

/** The tiny transformer the tests train: 1 layer, width 16, 2 heads, vocabulary 32, 8 tokens, batch 2. */
export const TINY_TRANSFORMER: TransformerConfig = { layers: 1, dModel: 16, heads: 2, ffn: 32, vocab: 32, seq: 8, batch: 2 };

/** A built reference transformer: its graph, tensors and training step (AdamW, clip 1.0). */
export interface TransformerFixture {
  readonly graph: Graph;
  readonly model: ReferenceTransformer;
  readonly trainStep: TrainStep;
}

/**
 * Build the reference transformer of `cfg` with "logits" declared as an output and its training
 * step (AdamW with PyTorch's defaults, global-norm clipping at 1).
 */
export function transformerFixture(cfg: TransformerConfig = TINY_TRANSFORMER): TransformerFixture {
  const graph = new Graph("reference_transformer");
  const model = buildReferenceTransformer(graph, cfg);
  graph.output("logits", model.logits);
  const trainStep = buildTrainStep(graph, { loss: model.loss, optimizer: adamW(), clipGradNorm: 1 });
  return { graph, model, trainStep };
}

/**
 * The batch of 1-based step `step`: `tokens` uniform over the vocabulary and `targets` = tokens
 * shifted by one within each row (the last target is the first token: a learnable rotation), both
 * int64 [batch, seq]. A pure function of (seed, step).
 */
export function tokenBatch(cfg: TransformerConfig, seed: number, step: number): Batch {
  const rng = createRng(deriveSeed(seed, step));
  const tokens = new BigInt64Array(cfg.batch * cfg.seq);
  for (let i = 0; i < tokens.length; i++) tokens[i] = BigInt(rng.int(cfg.vocab));
  const targets = new BigInt64Array(tokens.length);
  for (let b = 0; b < cfg.batch; b++) {
    for (let t = 0; t < cfg.seq; t++) targets[b * cfg.seq + t] = tokens[b * cfg.seq + ((t + 1) % cfg.seq)]!;
  }
  return { tokens, targets };
}
