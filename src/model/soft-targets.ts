import { InputError } from "../errors.js";
import { axisBins, binToken, targetAxes, type BinAxis } from "./box-tokens.js";
import type { ModelConfig } from "./config.js";
import type { Tokenizer } from "./tokenizer.js";

/**
 * Soft targets for bin tokens: a box coordinate one bin off is nearly right, but a plain
 * cross-entropy scores it like a wrong category, so early training gets no signal about which way
 * to move. Here a bin token's target keeps `1 - share` of its mass on the true bin and spreads
 * `share` as a Gaussian over the neighbouring bins of the same axis (truncated at 3 sigma and at
 * the axis ends, renormalized). Sigma is set per axis in the quantity's own terms:
 *
 *   u, v   0.008 of the image          (8 of 1000 bins)
 *   z      1% of the depth             (log bins: ln 1.01 / step)
 *   s      2.5% of the size            (log bins)
 *   yaw    2 degrees
 *   x, y   2 cm                        (XYZ ablation)
 *
 * Every other answer token (labels, markers, <eos>) keeps a one-hot target. The loss is
 * sum over scored rows of -sum_k q_k log p_k, divided by the number of scored rows; with share 0
 * it is exactly the usual cross-entropy.
 */

/** Sigma of each axis's Gaussian in the axis's bin units (value for linear axes, ln value for log axes). */
const SIGMA: Readonly<Record<BinAxis, number>> = {
  u: 0.008,
  v: 0.008,
  z: Math.log(1.01),
  s: Math.log(1.025),
  yaw: (2 * Math.PI) / 180,
  x: 0.02,
  y: 0.02,
};

/** Most neighbours on each side of a bin (caps the support for very fine axes). */
const MAX_HALF_WIDTH = 24;

/** Soft targets of one vocabulary: the (id, weight) support of each token's target. */
export interface SoftTargets {
  /** The vocabulary size (row stride of the flat target indices). */
  readonly vocabSize: number;
  /** Entries per target: 2 * half width + 1 (1 when share is 0). */
  readonly support: number;
  /** The target of token `id`: ids and weights (summing to 1), at most `support` entries. */
  target(id: number): { readonly ids: readonly number[]; readonly weights: readonly number[] };
}

/**
 * The soft targets of `tokenizer`'s bin tokens under `cfg` with `share` of the mass spread over
 * neighbours (0 <= share < 1). Throws when the tokenizer's bin tokens of an axis are not contiguous
 * ids in bin order (createTokenizer lays them out that way).
 */
export function softTargets(tokenizer: Tokenizer, cfg: ModelConfig, share: number): SoftTargets {
  if (!(share >= 0 && share < 1)) throw new InputError("softTargets", "share", share, "must be in [0, 1)");
  const axes = new Map<number, { axis: BinAxis; start: number; count: number; half: number; sigma: number }>();
  let support = 1;
  for (const axis of targetAxes(cfg.target)) {
    const bins = axisBins(cfg, axis);
    const start = tokenizer.id(binToken(axis, bins.first), "softTargets");
    const end = tokenizer.id(binToken(axis, bins.first + bins.count - 1), "softTargets");
    if (end - start !== bins.count - 1) throw new InputError("softTargets", `${axis} bin ids`, [start, end], `must be ${bins.count} contiguous ids in bin order`);
    const sigma = SIGMA[axis] / bins.step; // in bins
    const half = share === 0 ? 0 : Math.min(MAX_HALF_WIDTH, Math.floor(3 * sigma));
    support = Math.max(support, 2 * half + 1);
    for (let id = start; id <= end; id++) axes.set(id, { axis, start, count: bins.count, half, sigma });
  }
  const cache = new Map<number, { ids: number[]; weights: number[] }>();
  return {
    vocabSize: tokenizer.size,
    support,
    target(id) {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      const a = axes.get(id);
      let out: { ids: number[]; weights: number[] };
      if (a === undefined || a.half === 0) {
        out = { ids: [id], weights: [1] };
      } else {
        const ids: number[] = [];
        const gauss: number[] = [];
        for (let j = -a.half; j <= a.half; j++) {
          const k = id - a.start + j;
          if (k < 0 || k >= a.count) continue;
          ids.push(id + j);
          gauss.push(Math.exp(-0.5 * (j / a.sigma) ** 2));
        }
        const total = gauss.reduce((s, g) => s + g, 0);
        out = { ids, weights: ids.map((x, i) => share * (gauss[i]! / total) + (x === id ? 1 - share : 0)) };
      }
      cache.set(id, out);
      return out;
    },
  };
}
