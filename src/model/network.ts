import { InputError } from "../errors.js";
import {
  adamW,
  add,
  addN,
  additiveMask,
  and,
  buildTrainStep,
  cast,
  concat,
  cos,
  crossEntropy,
  div,
  equal,
  gather,
  gelu,
  Graph,
  greater,
  layerNorm,
  less,
  lessOrEqual,
  log,
  logSoftmax,
  matmul,
  maximum,
  minimum,
  mul,
  neg,
  normal,
  not,
  reduceSum,
  ones,
  reshape,
  sin,
  slice,
  softmax,
  split,
  sub,
  transpose,
  where,
  zeros,
  zerosOf,
  type Init,
  type Tensor,
  type TrainStep,
} from "../graph/index.js";
import { patchGrid, type ModelConfig } from "./config.js";
import { boxAxes } from "./box-tokens.js";
import { binPositions, codeFeatures, codeFrequencies, codeLayout, patchCentrePositions, type CodeAxis } from "./coord-code.js";
import type { Batch } from "./stage-data.js";
import type { SoftTargets } from "./soft-targets.js";
import { IGNORE_INDEX } from "./tokenizer.js";

/**
 * The compact N3D-VLM network, written once on src/graph and built into four graphs:
 *
 *   vision:  pixels [B, P, patchDim] -> linear patch embedding
 *            + learned 2D patch position (row[r] + col[c]) + depth-aware PE [B, P, D]   (vision-inputs.ts)
 *            + coordinate codes of the patch's u, v and (depth PE on) mean depth z      (coord-code.ts)
 *   text:    ids [B, T] -> token embedding + learned text position (t = 0 at <bos>); with
 *            coordinate codes a bin token's embedding is code(t_k) @ W_axis, tied with the patches
 *   x = [vision | prompt | answer | padding]                                              [B, L, D], L = P + T
 *   N x pre-LN block:  x += Wo attn(LN1 x) with the prefix mask;  x += W2 gelu(W1 LN2 x)
 *   LN_f -> LM head tied to the token embedding -> logits over the closed vocabulary
 *
 * The prefix mask (stage-data.ts `Batch`): query i attends key j when j < total and (j < prefix or
 * j <= i): vision and prompt see each other both ways, answer tokens see the prefix and the answer
 * so far. It is computed inside the graph from the per-sample prefix and total lengths.
 *
 * Graphs (every one declares the same parameters under the same names, so one set of values
 * serves all of them, and `initialParams(seed)` is the same in each):
 * - training: loss = mean cross-entropy over answer positions only (their rows are gathered before
 *   the head, so prompt, vision and padding rows never pay for the V-wide output layer), against
 *   one-hot or soft targets (soft-targets.ts);
 * - full: logits at every text position, no cache (the reference generation recomputes it per token);
 * - prefill: vision + prompt (prompt padded to maxPromptTokens) -> logits of the first answer token
 *   and every layer's keys and values in a cache of C = P + maxPromptTokens + maxAnswerTokens slots;
 * - step: one token at absolute position `position` (its cache slot; text position position - P)
 *   and the cache -> its logits and its own keys and values (one slot per layer), which the caller
 *   writes into the cache at that slot. Inside, the token attends over the cache with its keys and
 *   values in place and slots > position masked, so prompt-padding slots are invisible until an
 *   answer token overwrites them: answer token k of a prompt of n tokens sits at P + n + k, exactly
 *   where training put it, so cached and full generation see the same positions. Returning one slot
 *   instead of the whole cache keeps the per-token copy out of onnxruntime small (measured: the
 *   whole-cache outputs cost more than the step's arithmetic).
 */

/** Static sizes the graphs are built from. */
export interface NetworkDims {
  /** Vision tokens (patches). */
  readonly P: number;
  /** Values per patch. */
  readonly patchDim: number;
  readonly rows: number;
  readonly cols: number;
  readonly D: number;
  readonly H: number;
  /** Head width D / H. */
  readonly dh: number;
  /** Vocabulary size (the tokenizer's). */
  readonly V: number;
  /** Most text tokens (maxPromptTokens + maxAnswerTokens): rows of the text position table. */
  readonly textMax: number;
  /** Key/value cache slots: P + textMax. */
  readonly cacheLength: number;
}

/** The {@link NetworkDims} of a config with a vocabulary of `vocabSize` tokens. */
export function networkDims(cfg: ModelConfig, vocabSize: number): NetworkDims {
  if (!Number.isInteger(vocabSize) || vocabSize < 2) throw new InputError("networkDims", "vocabSize", vocabSize, "must be an integer >= 2");
  const grid = patchGrid(cfg);
  const textMax = cfg.maxPromptTokens + cfg.maxAnswerTokens;
  return {
    P: grid.count,
    patchDim: grid.patchDim,
    rows: grid.rows,
    cols: grid.cols,
    D: cfg.dModel,
    H: cfg.heads,
    dh: cfg.dModel / cfg.heads,
    V: vocabSize,
    textMax,
    cacheLength: grid.count + textMax,
  };
}

/** Graph input and output names (fixed: a model folder's ONNX files use them). */
export const NET = {
  pixels: "pixels",
  depthPE: "depth_pe",
  patchDepth: "patch_depth",
  patchLabels: "patch_labels",
  patchBoxes: "patch_boxes",
  inputIds: "input_ids",
  prefixLength: "prefix_length",
  totalLength: "total_length",
  answerRows: "answer_rows",
  targetIndex: "target_index",
  targetWeight: "target_weight",
  promptIds: "prompt_ids",
  promptLength: "prompt_length",
  token: "token",
  position: "position",
  logits: "logits",
} as const;

/** Input name of layer `i`'s cached keys (step graph), [1, H, C, dh]. */
export const pastKeyName = (i: number): string => `past_key_${i}`;
/** Input name of layer `i`'s cached values (step graph), [1, H, C, dh]. */
export const pastValueName = (i: number): string => `past_value_${i}`;
/** Output name of layer `i`'s whole cache of keys after the prefill, [1, H, C, dh]. */
export const presentKeyName = (i: number): string => `present_key_${i}`;
/** Output name of layer `i`'s whole cache of values after the prefill, [1, H, C, dh]. */
export const presentValueName = (i: number): string => `present_value_${i}`;
/** Output name of layer `i`'s keys of the step's token, [1, H, 1, dh]: the cache slot at `position`. */
export const tokenKeyName = (i: number): string => `key_${i}`;
/** Output name of layer `i`'s values of the step's token, [1, H, 1, dh]. */
export const tokenValueName = (i: number): string => `value_${i}`;

/** Keys and values a block attends over, [B, H, Lk, dh] each. */
interface KeyValues {
  readonly k: Tensor;
  readonly v: Tensor;
}

/** Builds one network's pieces into a graph; parameters are declared on first use. */
class NetworkBuilder {
  readonly d: NetworkDims;
  #wte: Tensor | null = null;
  constructor(
    readonly g: Graph,
    readonly cfg: ModelConfig,
    vocabSize: number,
  ) {
    this.d = networkDims(cfg, vocabSize);
  }

  /** The parameter `name`, declared once per graph. */
  param(name: string, shape: readonly number[], init: Init): Tensor {
    return this.g.getParam(name) ?? this.g.param(name, shape, init);
  }

  /** The coordinate-code projection W of a bin axis, [2J + 1, D] (coord-code.ts). */
  codeWeight(axis: CodeAxis): Tensor {
    return this.param(`code.${axis.axis}.w`, [codeFeatures(this.cfg), this.d.D], normal(0.02 / Math.sqrt(this.cfg.coordFrequencies + 1)));
  }

  /** code(t) of positions t [N, 1] on `axis` -> [N, 2J + 1]: the sine/cosine pairs and a constant 1. */
  code(axis: CodeAxis, t: Tensor, n: number): Tensor {
    const w = this.g.constant(Float32Array.from(codeFrequencies(axis.bins.count, this.cfg.coordFrequencies)), { shape: [1, this.cfg.coordFrequencies] });
    const angle = mul(t, w); // [N, J]
    return concat([sin(angle), cos(angle), this.g.constant(new Float32Array(n).fill(1), { shape: [n, 1] })], 1);
  }

  /** [N] constant positions on `axis` -> their embeddings [N, D]. */
  codeEmbedding(axis: CodeAxis, positions: Float64Array): Tensor {
    const t = this.g.constant(Float32Array.from(positions), { shape: [positions.length, 1] });
    return matmul(this.code(axis, t, positions.length), this.codeWeight(axis));
  }

  /** The coordinate-code axes of the vocabulary (empty without coordinate codes). */
  codeAxes(): readonly CodeAxis[] {
    return this.cfg.coordCode ? codeLayout(this.cfg, this.d.V).axes : [];
  }

  /**
   * [B, P] mean planar depth per patch (metres, 0 = no valid depth) -> [B, P, D]: the z code of
   * each patch, zero where it has no depth.
   */
  depthCode(patchDepth: Tensor, batch: number): Tensor {
    const { P, D } = this.d;
    const z = this.codeAxes().find((a) => a.axis === "z")!;
    const { bins } = z;
    const flat = reshape(patchDepth, [batch * P, 1]);
    const valid = cast(greater(flat, 0), "float32"); // [BP, 1]
    const k = div(sub(log(maximum(flat, 1e-6)), bins.origin), bins.step);
    const t = minimum(maximum(div(sub(k, bins.first), Math.max(1, bins.count - 1)), 0), 1);
    const code = mul(this.code(z, t, batch * P), valid);
    return reshape(matmul(code, this.codeWeight(z)), [batch, P, D]);
  }

  /** [B, P, patchDim] pixels (+ [B, P, D] depth PE, + [B, P] patch depth) -> [B, P, D] vision tokens. */
  vision(pixels: Tensor, depthPE: Tensor | null, batch: number, patchDepth: Tensor | null = null): Tensor {
    const { P, patchDim, D, rows, cols } = this.d;
    const w = this.param("vision.patch.w", [patchDim, D], normal(0.02));
    const b = this.param("vision.patch.b", [D], zeros());
    let x = reshape(add(matmul(reshape(pixels, [batch * P, patchDim]), w), b), [batch, P, D]);
    const rowIds = this.g.constant(Array.from({ length: P }, (_, p) => Math.floor(p / cols)), { dtype: "int64" });
    const colIds = this.g.constant(Array.from({ length: P }, (_, p) => p % cols), { dtype: "int64" });
    const pos2d = add(gather(this.param("vision.row", [rows, D], normal(0.02)), rowIds), gather(this.param("vision.col", [cols, D], normal(0.02)), colIds)); // [P, D]
    x = add(x, pos2d);
    for (const axis of this.codeAxes()) {
      if (axis.axis !== "u" && axis.axis !== "v") continue;
      const along = axis.axis === "u" ? cols : rows;
      const cells = this.codeEmbedding(axis, patchCentrePositions(axis.bins, along)); // [cols or rows, D]
      const ids = this.g.constant(Array.from({ length: P }, (_, p) => (axis.axis === "u" ? p % cols : Math.floor(p / cols))), { dtype: "int64" });
      x = add(x, gather(cells, ids));
    }
    if (patchDepth !== null) x = add(x, this.depthCode(patchDepth, batch));
    return depthPE === null ? x : add(x, depthPE);
  }

  /** Token embedding of ids (any shape [...]) -> [..., D]. */
  tokens(ids: Tensor): Tensor {
    return gather(this.wte(), ids);
  }

  /**
   * The token embedding [V, D] (tied to the head): a free row per token, or with coordinate codes
   * free rows for the word tokens and code(t_k) @ W_axis for every bin token.
   */
  wte(): Tensor {
    if (this.#wte !== null) return this.#wte;
    const axes = this.codeAxes();
    if (axes.length === 0) return (this.#wte = this.param("text.wte", [this.d.V, this.d.D], normal(0.02)));
    const words = this.param("text.wte", [codeLayout(this.cfg, this.d.V).wordTokens, this.d.D], normal(0.02));
    return (this.#wte = concat([words, ...axes.map((a) => this.codeEmbedding(a, binPositions(a.bins)))], 0));
  }

  /** Text position rows for int64 indices (any shape) -> [..., D]. */
  textPositions(indices: Tensor): Tensor {
    return gather(this.param("text.wpe", [this.d.textMax, this.d.D], normal(0.01)), indices);
  }

  /**
   * Block `i` over x [B*Lq, D]. `mask` is additive, broadcastable to [B, H, Lq, Lk]; `attendOver`
   * turns this block's fresh keys and values [B, H, Lq, dh] into the ones attended over (itself,
   * or a cache with them written in). Returns the new x and what was attended over.
   */
  block(i: number, x: Tensor, batch: number, lq: number, mask: Tensor, attendOver: (kv: KeyValues) => KeyValues): { x: Tensor; kv: KeyValues } {
    const { D, H, dh } = this.d;
    const { cfg } = this;
    const residualStd = 0.02 / Math.sqrt(2 * cfg.layers);
    const p = (name: string, shape: readonly number[], init: Init): Tensor => this.param(`h${i}.${name}`, shape, init);
    const ln1 = layerNorm(x, p("ln1.g", [D], ones()), p("ln1.b", [D], zeros()));
    const qkv = add(matmul(ln1, p("attn.wqkv", [D, 3 * D], normal(0.02))), p("attn.bqkv", [3 * D], zeros())); // [N, 3D]
    const heads = transpose(reshape(qkv, [batch, lq, 3, H, dh]), [2, 0, 3, 1, 4]); // [3, B, H, Lq, dh]
    const [q, k, v] = split(heads, [1, 1, 1], 0).map((t) => reshape(t, [batch, H, lq, dh])) as [Tensor, Tensor, Tensor];
    const kv = attendOver({ k, v });
    const scores = add(matmul(mul(q, 1 / Math.sqrt(dh)), kv.k, { transB: true }), mask); // [B, H, Lq, Lk]
    const attn = matmul(softmax(scores), kv.v); // [B, H, Lq, dh]
    const merged = reshape(transpose(attn, [0, 2, 1, 3]), [batch * lq, D]);
    const x1 = add(x, add(matmul(merged, p("attn.wo", [D, D], normal(residualStd))), p("attn.bo", [D], zeros())));
    const ln2 = layerNorm(x1, p("ln2.g", [D], ones()), p("ln2.b", [D], zeros()));
    const hidden = gelu(add(matmul(ln2, p("mlp.w1", [D, cfg.ffn], normal(0.02))), p("mlp.b1", [cfg.ffn], zeros()))); // [N, F]
    const out = add(matmul(hidden, p("mlp.w2", [cfg.ffn, D], normal(residualStd))), p("mlp.b2", [D], zeros()));
    return { x: add(x1, out), kv };
  }

  /** The final LayerNorm: [N, D] -> [N, D]. */
  finalNorm(x: Tensor): Tensor {
    const { D } = this.d;
    return layerNorm(x, this.param("ln_f.g", [D], ones()), this.param("ln_f.b", [D], zeros()));
  }

  /** Final LayerNorm and the tied head: [N, D] -> [N, V]. */
  head(x: Tensor): Tensor {
    return matmul(this.finalNorm(x), this.wte(), { transB: true });
  }

  /**
   * The whole sequence [vision | text] for B samples with text length T and the prefix mask from
   * per-sample lengths: hidden states [B*L, D].
   */
  sequence(batch: number, textLength: number, inputs: { pixels: Tensor; depthPE: Tensor | null; patchDepth: Tensor | null; ids: Tensor; prefixLength: Tensor; totalLength: Tensor }): Tensor {
    const { P, D } = this.d;
    const { g } = this;
    const L = P + textLength;
    const vision = this.vision(inputs.pixels, inputs.depthPE, batch, inputs.patchDepth); // [B, P, D]
    const textIdx = g.constant(Array.from({ length: textLength }, (_, t) => t), { dtype: "int64" });
    const text = add(this.tokens(inputs.ids), this.textPositions(textIdx)); // [B, T, D]
    let x = reshape(concat([vision, text], 1), [batch * L, D]);
    const j = g.constant(Array.from({ length: L }, (_, t) => t), { dtype: "int64", shape: [1, 1, L] });
    const i = g.constant(Array.from({ length: L }, (_, t) => t), { dtype: "int64", shape: [1, L, 1] });
    const prefix = reshape(inputs.prefixLength, [batch, 1, 1]);
    const total = reshape(inputs.totalLength, [batch, 1, 1]);
    const inPrefixOrPast = not(and(not(less(j, prefix)), not(lessOrEqual(j, i)))); // [B, L, L]
    const mask = reshape(additiveMask(and(less(j, total), inPrefixOrPast)), [batch, 1, L, L]);
    for (let l = 0; l < this.cfg.layers; l++) x = this.block(l, x, batch, L, mask, (kv) => kv).x;
    return x;
  }
}

/** Shape of a training or full-sequence graph. */
export interface SequenceShape {
  /** B: samples per run. */
  readonly batch: number;
  /** T: text positions (prompt + answer + padding); at most maxPromptTokens + maxAnswerTokens. */
  readonly textLength: number;
}

function checkShape(cfg: ModelConfig, shape: SequenceShape, where: string): void {
  if (!Number.isInteger(shape.batch) || shape.batch < 1) throw new InputError(where, "batch", shape.batch, "must be an integer >= 1");
  const textMax = cfg.maxPromptTokens + cfg.maxAnswerTokens;
  if (!Number.isInteger(shape.textLength) || shape.textLength < 3 || shape.textLength > textMax) {
    throw new InputError(where, "textLength", shape.textLength, `must be an integer in [3, ${textMax}] (maxPromptTokens + maxAnswerTokens)`);
  }
}

/** Answer rows gathered per sample in the training graph: min(maxAnswerTokens, T). */
export function answerRowsPerSample(cfg: ModelConfig, textLength: number): number {
  return Math.min(cfg.maxAnswerTokens, textLength);
}

/** Whether the graphs take `patch_depth` [B, P] (mean planar depth per patch): coordinate codes with the depth encoding on. */
export function usesPatchDepth(cfg: ModelConfig): boolean {
  return cfg.coordCode && cfg.depthPE;
}

/** The sequence graph's data inputs. */
function sequenceInputs(g: Graph, cfg: ModelConfig, d: NetworkDims, shape: SequenceShape) {
  const { batch: B, textLength: T } = shape;
  return {
    pixels: g.input(NET.pixels, "float32", [B, d.P, d.patchDim]),
    depthPE: cfg.depthPE ? g.input(NET.depthPE, "float32", [B, d.P, d.D]) : null,
    patchDepth: usesPatchDepth(cfg) ? g.input(NET.patchDepth, "float32", [B, d.P]) : null,
    ids: g.input(NET.inputIds, "int64", [B, T]),
    prefixLength: g.input(NET.prefixLength, "int64", [B]),
    totalLength: g.input(NET.totalLength, "int64", [B]),
  };
}

/** A built training graph: the graph, its loss and its static shape. */
export interface TrainingGraph {
  readonly graph: Graph;
  readonly loss: Tensor;
  readonly shape: SequenceShape;
}

/**
 * The training graph: inputs `pixels` [B, P, patchDim], `depth_pe` [B, P, D] (only when
 * cfg.depthPE), `input_ids` [B, T], `prefix_length` [B], `total_length` [B], `answer_rows`
 * [R = B * A] (flat row b * L + p of each answer position, A = {@link answerRowsPerSample}), and
 * the (soft) targets of those rows: `target_index` [R * K] (flat index r * V + token into the rows'
 * log-probabilities) with `target_weight` [R * K] (each scored row's weights sum to 1, unused
 * entries and unscored rows weigh 0; soft-targets.ts). Loss: -sum(weight * log p[index]) / number
 * of scored rows, i.e. the mean cross-entropy over answer tokens (exactly it with one-hot targets,
 * K = 1). {@link trainingFeeds} makes the feeds from a collated batch.
 */
export function buildTrainingGraph(cfg: ModelConfig, vocabSize: number, shape: SequenceShape, support = 1, patchAux: PatchLabelAux | null = null): TrainingGraph {
  checkShape(cfg, shape, "buildTrainingGraph");
  if (!Number.isInteger(support) || support < 1) throw new InputError("buildTrainingGraph", "support", support, "must be an integer >= 1");
  const g = new Graph("n3d_train");
  const net = new NetworkBuilder(g, cfg, vocabSize);
  const inputs = sequenceInputs(g, cfg, net.d, shape);
  const rows = shape.batch * answerRowsPerSample(cfg, shape.textLength);
  const answerRows = g.input(NET.answerRows, "int64", [rows]);
  const targetIndex = g.input(NET.targetIndex, "int64", [rows * support]);
  const targetWeight = g.input(NET.targetWeight, "float32", [rows * support]);
  const x = net.sequence(shape.batch, shape.textLength, inputs); // [B*L, D]
  const logp = reshape(logSoftmax(net.head(gather(x, answerRows))), [rows * vocabSize]); // [R*V]
  const scored = maximum(reduceSum(targetWeight), 1); // []: rows with a target (weights sum to 1 per row)
  const answerLoss = neg(div(reduceSum(mul(gather(logp, targetIndex), targetWeight)), scored));
  if (patchAux === null || patchAux.weight === 0) return { graph: g, loss: answerLoss, shape };
  if (!(patchAux.weight > 0) || patchAux.labelTokenIds.length === 0) throw new InputError("buildTrainingGraph", "patchAux", patchAux.weight, "needs a weight > 0 and at least one label token");
  // Patch labels: every vision row's final state, through the tied head restricted to the label tokens.
  const { P } = net.d;
  const L = P + shape.textLength;
  const labels = g.input(NET.patchLabels, "int64", [shape.batch * P]);
  const visionRows = g.constant(Array.from({ length: shape.batch * P }, (_, i) => Math.floor(i / P) * L + (i % P)), { dtype: "int64" });
  const labelRows = gather(net.wte(), g.constant(Array.from(patchAux.labelTokenIds), { dtype: "int64" })); // [NL, D]
  const hv = net.finalNorm(gather(x, visionRows)); // [B*P, D]
  const logits = matmul(hv, labelRows, { transB: true }); // [B*P, NL]
  let aux = crossEntropy(logits, labels, { ignoreIndex: IGNORE_INDEX });
  const slots = patchAux.boxSlots ?? [];
  if (slots.length > 0) {
    // Box tokens of the patch's object: slot k scored over its axis's tokens only (rows of the tied embedding).
    const n = shape.batch * P;
    const targets = split(g.input(NET.patchBoxes, "int64", [slots.length, n]), slots.map(() => 1), 0).map((t) => reshape(t, [n]));
    const axisLogits = new Map<number, Tensor>();
    const terms = slots.map((slot, k) => {
      let l = axisLogits.get(slot.firstId);
      if (l === undefined) {
        const rows = slice(net.wte(), { starts: [slot.firstId], ends: [slot.firstId + slot.count], axes: [0] });
        axisLogits.set(slot.firstId, (l = matmul(hv, rows, { transB: true })));
      }
      return crossEntropy(l, targets[k]!, { ignoreIndex: IGNORE_INDEX });
    });
    aux = add(aux, mul(addN(terms), 1 / slots.length));
  }
  const loss = add(answerLoss, mul(aux, patchAux.weight));
  return { graph: g, loss, shape };
}

/**
 * The auxiliary patch-label loss of training: each vision token's final state, through the tied
 * head restricted to the category label tokens, is trained to name the category of the object
 * covering its patch (patches covered by none are not scored). Dense supervision of what the
 * patches show, which answers only give a few times per image.
 */
export interface PatchLabelAux {
  /** Token ids of the label classes, in class order (class c is labelTokenIds[c]). */
  readonly labelTokenIds: readonly number[];
  /**
   * Also the box of the patch's object, token by token (`patch_boxes` [slots, B*P], each the index
   * of the token within its slot's range, or -100): slot k's tokens are ids firstId ... firstId +
   * count - 1. The box terms are averaged and added to the label term.
   */
  readonly boxSlots?: readonly { readonly firstId: number; readonly count: number }[];
  /** Weight of the patch-label cross-entropy added to the answer loss. */
  readonly weight: number;
}

/** Optimizer settings of {@link buildNetworkTrainStep}. */
export interface OptimizerSettings {
  readonly weightDecay: number;
  readonly clipGradNorm: number;
  readonly beta2: number;
}

/** The training step (forward, backward, clipping, AdamW) of the network at `shape` with `support` target entries per row. */
export function buildNetworkTrainStep(
  cfg: ModelConfig,
  vocabSize: number,
  shape: SequenceShape,
  optimizer: OptimizerSettings,
  support = 1,
  patchAux: PatchLabelAux | null = null,
): { readonly graph: Graph; readonly trainStep: TrainStep } {
  const { graph, loss } = buildTrainingGraph(cfg, vocabSize, shape, support, patchAux);
  const trainStep = buildTrainStep(graph, {
    loss,
    optimizer: adamW({ weightDecay: optimizer.weightDecay, beta2: optimizer.beta2 }),
    clipGradNorm: optimizer.clipGradNorm,
  });
  return { graph, trainStep };
}

/**
 * Initial parameter values of the network (GPT-2 init: N(0, 0.02) weights, residual projections
 * N(0, 0.02 / sqrt(2 layers)), zero biases, unit gains), by name: the same in every graph.
 */
export function initialNetworkParams(cfg: ModelConfig, vocabSize: number, seed: number): Map<string, Float32Array> {
  return buildFullGraph(cfg, vocabSize, { batch: 1, textLength: 3 }).initialParams(seed);
}

/**
 * The full-sequence inference graph: the training graph's inputs but `answer_rows` /
 * `answer_targets`; output `logits` [B, T, V] at every text position (logits at text position t
 * predict token t + 1). No cache: the reference generation runs it once per token.
 */
export function buildFullGraph(cfg: ModelConfig, vocabSize: number, shape: SequenceShape): Graph {
  checkShape(cfg, shape, "buildFullGraph");
  const g = new Graph("n3d_full");
  const net = new NetworkBuilder(g, cfg, vocabSize);
  const { P, D, V } = net.d;
  const { batch: B, textLength: T } = shape;
  const x = net.sequence(B, T, sequenceInputs(g, cfg, net.d, shape));
  const text = reshape(slice(reshape(x, [B, P + T, D]), { starts: [P], ends: [P + T], axes: [1] }), [B * T, D]);
  g.output(NET.logits, reshape(net.head(text), [B, T, V]));
  return g;
}

/**
 * The prefill graph (batch 1): `pixels` [1, P, patchDim], `depth_pe` [1, P, D] (with depth PE),
 * `patch_depth` [1, P] (mean planar depth per patch in metres, 0 = none; with depth PE and coordinate codes),
 * `prompt_ids` [1, maxPromptTokens] (<bos> ... <sep> then any padding), `prompt_length` [1] (n,
 * <bos> and <sep> included) -> `logits` [1, V] for the first answer token, and
 * `present_key_i` / `present_value_i` [1, H, C, dh] for every layer: slots 0 ... P + maxPrompt - 1
 * computed, the rest zero.
 */
export function buildPrefillGraph(cfg: ModelConfig, vocabSize: number): Graph {
  const g = new Graph("n3d_prefill");
  const net = new NetworkBuilder(g, cfg, vocabSize);
  const { P, D, H, dh, patchDim, cacheLength: C } = net.d;
  const Tp = cfg.maxPromptTokens;
  const L0 = P + Tp;
  const pixels = g.input(NET.pixels, "float32", [1, P, patchDim]);
  const depthPE = cfg.depthPE ? g.input(NET.depthPE, "float32", [1, P, D]) : null;
  const patchDepth = usesPatchDepth(cfg) ? g.input(NET.patchDepth, "float32", [1, P]) : null;
  const ids = g.input(NET.promptIds, "int64", [1, Tp]);
  const promptLength = g.input(NET.promptLength, "int64", [1]);
  const vision = net.vision(pixels, depthPE, 1, patchDepth);
  const text = add(net.tokens(ids), net.textPositions(g.constant(Array.from({ length: Tp }, (_, t) => t), { dtype: "int64" })));
  let x = reshape(concat([vision, text], 1), [L0, D]);
  const slots = g.constant(Array.from({ length: L0 }, (_, t) => t), { dtype: "int64" });
  const prefixEnd = add(promptLength, P); // [1]
  const mask = additiveMask(less(slots, prefixEnd)); // [L0]: keys of the prefix, for every query
  const pad = zerosOf(g, [1, H, C - L0, dh]);
  for (let l = 0; l < cfg.layers; l++) {
    const r = net.block(l, x, 1, L0, mask, (kv) => kv);
    x = r.x;
    g.output(presentKeyName(l), concat([r.kv.k, pad], 2));
    g.output(presentValueName(l), concat([r.kv.v, pad], 2));
  }
  const last = gather(x, sub(prefixEnd, 1)); // [1, D]: the <sep> row predicts the first answer token
  g.output(NET.logits, net.head(last));
  return g;
}

/**
 * The step graph (batch 1): `token` [1, 1], `position` [1] (its cache slot = P + text position),
 * `past_key_i` / `past_value_i` [1, H, C, dh] -> `logits` [1, V] for the next token and
 * `key_i` / `value_i` [1, H, 1, dh]: this token's keys and values, to be written into the cache
 * at slot `position` by the caller. Keys at slots above `position` are masked.
 */
export function buildStepGraph(cfg: ModelConfig, vocabSize: number): Graph {
  const g = new Graph("n3d_step");
  const net = new NetworkBuilder(g, cfg, vocabSize);
  const { P, D, H, dh, cacheLength: C } = net.d;
  const token = g.input(NET.token, "int64", [1, 1]);
  const position = g.input(NET.position, "int64", [1]);
  const past = Array.from({ length: cfg.layers }, (_, l) => ({
    k: g.input(pastKeyName(l), "float32", [1, H, C, dh]),
    v: g.input(pastValueName(l), "float32", [1, H, C, dh]),
  }));
  let x = add(reshape(net.tokens(token), [1, D]), net.textPositions(sub(position, P))); // [1, D]
  const slots = g.constant(Array.from({ length: C }, (_, t) => t), { dtype: "int64" });
  const mask = additiveMask(lessOrEqual(slots, position)); // [C]
  const here = reshape(equal(slots, position), [1, 1, C, 1]);
  for (let l = 0; l < cfg.layers; l++) {
    const r = net.block(l, x, 1, 1, mask, ({ k, v }) => {
      g.output(tokenKeyName(l), k);
      g.output(tokenValueName(l), v);
      return { k: where(here, k, past[l]!.k), v: where(here, v, past[l]!.v) };
    });
    x = r.x;
  }
  g.output(NET.logits, net.head(x));
  return g;
}

/** Feeds of the full or training graph, typed for onnxruntime. */
export type NetworkFeeds = Record<string, Float32Array | BigInt64Array>;

/** The sequence inputs of a collated batch (`collate(..., { padTo: T })`). */
export function sequenceFeeds(batch: Batch, cfg: ModelConfig): NetworkFeeds {
  const feeds: NetworkFeeds = {
    [NET.pixels]: batch.pixels,
    [NET.inputIds]: BigInt64Array.from(batch.inputIds, BigInt),
    [NET.prefixLength]: BigInt64Array.from(batch.prefixLength, BigInt),
    [NET.totalLength]: BigInt64Array.from(batch.totalLength, BigInt),
  };
  if (cfg.depthPE) feeds[NET.depthPE] = batch.depthPE;
  if (usesPatchDepth(cfg)) feeds[NET.patchDepth] = batch.patchDepth;
  return feeds;
}

/**
 * Feeds of the training graph from a collated batch: the sequence inputs, the answer rows, and
 * each row's target (collate's next token) spread by `targets` (soft-targets.ts; its support must
 * be the graph's). Throws when a sample has more scored positions than the graph gathers (cannot
 * happen with padTo <= maxPromptTokens + maxAnswerTokens and answers <= maxAnswerTokens).
 */
export function trainingFeeds(batch: Batch, cfg: ModelConfig, targets: SoftTargets, labelClasses: ReadonlyMap<string, number> | null = null, boxTargets: PatchBoxTargets | null = null): NetworkFeeds {
  const { size: B, textLength: T, visionTokens: P } = batch;
  const A = answerRowsPerSample(cfg, T);
  const L = P + T;
  const K = targets.support;
  const V = targets.vocabSize;
  const rows = new BigInt64Array(B * A);
  const index = new BigInt64Array(B * A * K);
  const weight = new Float32Array(B * A * K);
  for (let b = 0; b < B; b++) {
    let k = 0;
    for (let t = 0; t < T; t++) {
      const target = batch.targets[b * T + t]!;
      if (target === IGNORE_INDEX) continue;
      if (k === A) throw new InputError("trainingFeeds", `sample ${b} answer`, k + 1, `has more scored positions than the ${A} rows the graph gathers`);
      const r = b * A + k;
      rows[r] = BigInt(b * L + P + t);
      const soft = targets.target(target);
      soft.ids.forEach((id, j) => {
        index[r * K + j] = BigInt(r * V + id);
        weight[r * K + j] = soft.weights[j]!;
      });
      k++;
    }
    for (; k < A; k++) rows[b * A + k] = BigInt(b * L); // any valid row; its targets weigh 0
  }
  const feeds: NetworkFeeds = { ...sequenceFeeds(batch, cfg), [NET.answerRows]: rows, [NET.targetIndex]: index, [NET.targetWeight]: weight };
  if (labelClasses !== null) {
    feeds[NET.patchLabels] = BigInt64Array.from(batch.patchLabels, (label) => BigInt(label === null ? IGNORE_INDEX : (labelClasses.get(label) ?? IGNORE_INDEX)));
  }
  if (boxTargets !== null) {
    const n = batch.patchBoxes.length;
    const out = new BigInt64Array(boxTargets.slots.length * n).fill(BigInt(IGNORE_INDEX));
    batch.patchBoxes.forEach((tokens, i) => {
      if (tokens === null) return;
      boxTargets.slots.forEach((slot, k) => {
        const id = boxTargets.id(tokens[k]!);
        if (id >= slot.firstId && id < slot.firstId + slot.count) out[k * n + i] = BigInt(id - slot.firstId);
      });
    });
    feeds[NET.patchBoxes] = out;
  }
  return feeds;
}

/**
 * The token ranges of a box's seven tokens (cfg.target's box axes, sizes three times) in a
 * vocabulary of `vocabSize` tokens: {@link PatchLabelAux.boxSlots}, read off the vocabulary's
 * layout (coord-code.ts codeLayout).
 */
export function boxTokenSlots(cfg: ModelConfig, vocabSize: number): { readonly firstId: number; readonly count: number }[] {
  const axes = codeLayout(cfg, vocabSize).axes;
  return boxAxes(cfg.target).map((axis) => {
    const a = axes.find((x) => x.axis === axis)!;
    return { firstId: a.firstId, count: a.bins.count };
  });
}

/** How {@link trainingFeeds} turns patch box tokens into `patch_boxes` class indices. */
export interface PatchBoxTargets {
  readonly slots: readonly { readonly firstId: number; readonly count: number }[];
  /** Token id of a token string. */
  readonly id: (token: string) => number;
}
