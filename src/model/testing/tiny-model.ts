// Test fixtures for model/: the tiny preset, small synth frames, graphs built in memory and a
// fixed-batch overfit. Not part of the build.
import { encodeOnnxModel } from "../../onnx-proto.js";
import { createRng } from "../../random.js";
import { Trainer } from "../../graph/runtime/trainer.js";
import { resolveModelConfig, type ModelConfig } from "../config.js";
import { CachedLogits, FullRecomputeLogits } from "../generate.js";
import { buildFullGraph, buildNetworkTrainStep, buildPrefillGraph, buildStepGraph, initialNetworkParams, trainingFeeds } from "../network.js";
import type { TrainingSample } from "../samples.js";
import { softTargets } from "../soft-targets.js";
import { collate, synthSource, type SceneSource } from "../stage-data.js";
import { createTokenizer, type Tokenizer } from "../tokenizer.js";

/** The tiny preset: 32x24 input, 12 patches, width 48, 1 layer. */
export const TINY: ModelConfig = resolveModelConfig("tiny");

/** Frames the tests render: 64x48. */
export const FRAME_SIZE = { width: 64, height: 48 } as const;

/** Small synth scenes (3-5 objects, 64x48). */
export function tinySource(seed = 3, count?: number): SceneSource {
  return synthSource({ seed, size: FRAME_SIZE, minObjects: 3, maxObjects: 5, ...(count === undefined ? {} : { count }) });
}

/** The tokenizer of `cfg` over the synth catalog. */
export function tinyTokenizer(cfg: ModelConfig = TINY): Tokenizer {
  return createTokenizer(cfg);
}

/**
 * Initial weights with every matrix scaled up by `gain`, so that an untrained model's greedy
 * answers are long and varied instead of <eos> at once (for generation tests).
 */
export function loudParams(cfg: ModelConfig, vocabSize: number, seed: number, gain = 6): Map<string, Float32Array> {
  const params = initialNetworkParams(cfg, vocabSize, seed);
  const rng = createRng(seed + 1);
  for (const [name, values] of params) {
    if (name.endsWith(".g")) continue; // LayerNorm gains stay 1
    const bias = /\.b[a-z0-9]*$/.test(name);
    for (let i = 0; i < values.length; i++) values[i] = bias ? rng.uniform(-0.2, 0.2) : values[i]! * gain;
  }
  return params;
}

/** The cached (prefill + step) logits source of `params`, built in memory. */
export async function cachedSource(cfg: ModelConfig, vocabSize: number, params: ReadonlyMap<string, Float32Array>): Promise<CachedLogits> {
  const prefill = encodeOnnxModel(buildPrefillGraph(cfg, vocabSize).toInferenceModel({ params }));
  const step = encodeOnnxModel(buildStepGraph(cfg, vocabSize).toInferenceModel({ params }));
  return CachedLogits.create(cfg, vocabSize, prefill, step, { threads: 1 });
}

/** The full-recompute logits source of `params`, built in memory. */
export async function fullSource(cfg: ModelConfig, vocabSize: number, params: ReadonlyMap<string, Float32Array>): Promise<FullRecomputeLogits> {
  const graph = buildFullGraph(cfg, vocabSize, { batch: 1, textLength: cfg.maxPromptTokens + cfg.maxAnswerTokens });
  return FullRecomputeLogits.create(cfg, vocabSize, encodeOnnxModel(graph.toInferenceModel({ params })), { threads: 1 });
}

/**
 * Train on one fixed batch for `steps` steps (AdamW, constant lr, `binSmoothing` of soft-targets.ts);
 * returns the weights and the losses.
 */
export async function overfit(cfg: ModelConfig, tokenizer: Tokenizer, samples: readonly TrainingSample[], steps: number, lr = 3e-3, binSmoothing = 0): Promise<{ params: Map<string, Float32Array>; losses: number[] }> {
  const textLength = Math.max(...samples.map((s) => s.promptIds.length + s.answerIds.length));
  const targets = softTargets(tokenizer, cfg, binSmoothing);
  const { trainStep } = buildNetworkTrainStep(cfg, tokenizer.size, { batch: samples.length, textLength }, { weightDecay: 0, clipGradNorm: 1, beta2: 0.99 }, targets.support);
  const trainer = await Trainer.create(trainStep, initialNetworkParams(cfg, tokenizer.size, 1), { session: { threads: 1 } });
  const feeds = trainingFeeds(collate(samples, cfg, { padTo: textLength }), cfg, targets);
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) losses.push((await trainer.step(feeds, lr)).loss);
    return { params: trainer.paramValues(), losses };
  } finally {
    await trainer.release();
  }
}
