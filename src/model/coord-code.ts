import { InputError } from "../errors.js";
import { axisBins, targetAxes, type AxisBins, type BinAxis } from "./box-tokens.js";
import type { ModelConfig } from "./config.js";

/**
 * Coordinate codes: how the compact model embeds bin tokens and ties them to the patches.
 *
 * Every bin axis a of the box target (u, v, z, s, yaw; or x, y, z, s, yaw) maps its bins onto
 * t in [0, 1]: bin k (k = first ... first + count - 1) sits at t_k = (k - first) / (count - 1).
 * The code of a position t is J sine/cosine pairs and a constant,
 *
 *   code(t) = [sin(w_0 t), cos(w_0 t), ..., sin(w_{J-1} t), cos(w_{J-1} t), 1],
 *   w_j = pi * ((count - 1) / 2)^(j / (J - 1))     (geometric; J = cfg.coordFrequencies)
 *
 * so the slowest pair turns half a cycle over the axis and the fastest has a wavelength of 4 bins.
 * A bin token's embedding is code(t_k) @ W_a, W_a a learned [2J + 1, dModel] matrix per axis,
 * and the LM head is tied to the embedding, so the logits of axis a are code(t_k) . (W_a^T h):
 * because code(t) . code(t') = 1 + sum_j cos(w_j (t - t')) peaks at t = t', a hidden state can
 * raise one bin and its neighbours together, and what is learned at one bin carries to all.
 *
 * The patches carry the same codes: a patch adds code(t_u of its centre column) @ W_u and
 * code(t_v of its centre row) @ W_v, and (with the depth encoding on) code(t_z of its mean planar
 * depth) @ W_z, zero where the patch has no valid depth. A patch at (u, v, z) therefore already
 * holds the embeddings of its own u, v and z tokens, and writing a box is, to first order,
 * attending to the object's patches.
 */

/** One bin axis of the vocabulary: its bins and the id of its first token. */
export interface CodeAxis {
  readonly axis: BinAxis;
  readonly bins: AxisBins;
  /** Token id of bin `bins.first`; the axis's tokens are ids firstId ... firstId + count - 1. */
  readonly firstId: number;
}

/** The vocabulary's layout under coordinate codes: word tokens first, then every bin axis. */
export interface CodeLayout {
  /** Tokens before the first bin token (specials, markers, words, labels): free embedding rows. */
  readonly wordTokens: number;
  /** Bin axes in vocabulary order. */
  readonly axes: readonly CodeAxis[];
}

/**
 * The layout of a vocabulary of `vocabSize` tokens under `cfg`: the bin tokens of cfg.target's
 * axes are the vocabulary's last tokens, in targetAxes order (tokenizer.ts builds it so).
 */
export function codeLayout(cfg: ModelConfig, vocabSize: number): CodeLayout {
  const bins = targetAxes(cfg.target).map((axis) => axisBins(cfg, axis));
  const binTokens = bins.reduce((n, b) => n + b.count, 0);
  const wordTokens = vocabSize - binTokens;
  if (wordTokens < 1) throw new InputError("codeLayout", "vocabSize", vocabSize, `must exceed the ${binTokens} bin tokens of target ${cfg.target}`);
  let id = wordTokens;
  const axes = bins.map((b) => {
    const axis = { axis: b.axis, bins: b, firstId: id };
    id += b.count;
    return axis;
  });
  return { wordTokens, axes };
}

/** Features of one code: 2 J + 1. */
export function codeFeatures(cfg: ModelConfig): number {
  return 2 * cfg.coordFrequencies + 1;
}

/** The J angular frequencies of an axis of `count` bins (radians per unit t). */
export function codeFrequencies(count: number, frequencies: number): Float64Array {
  if (!Number.isInteger(frequencies) || frequencies < 1) throw new InputError("codeFrequencies", "frequencies", frequencies, "must be an integer >= 1");
  const top = Math.max(1, (count - 1) / 2);
  return Float64Array.from({ length: frequencies }, (_, j) => Math.PI * top ** (frequencies === 1 ? 0 : j / (frequencies - 1)));
}

/** t of every bin of an axis, in token order: (k - first) / (count - 1). */
export function binPositions(bins: AxisBins): Float64Array {
  const span = Math.max(1, bins.count - 1);
  return Float64Array.from({ length: bins.count }, (_, i) => i / span);
}

/**
 * t of a value on an axis's bin scale (linear, or ln for log axes), not rounded to a bin and
 * clamped to [0, 1]. Values at or below 0 on a log axis map to 0.
 */
export function valuePosition(bins: AxisBins, value: number): number {
  const scaled = bins.scale === "log" ? Math.log(Math.max(value, Number.MIN_VALUE)) : value;
  const k = (scaled - bins.origin) / bins.step;
  const t = (k - bins.first) / Math.max(1, bins.count - 1);
  return Math.min(1, Math.max(0, t));
}

/**
 * t of the patch centres along u (columns) or v (rows): centre of column c is the normalized
 * image coordinate (c + 0.5) / cols.
 */
export function patchCentrePositions(bins: AxisBins, cells: number): Float64Array {
  return Float64Array.from({ length: cells }, (_, c) => valuePosition(bins, (c + 0.5) / cells));
}
