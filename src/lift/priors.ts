import { CATEGORIES } from "../synth/index.js";
import { LEARNED_FOOTPRINT_PRIORS } from "./priors-data.js";

/**
 * What lifting knows about a category before it sees the frame: the proportions of its footprint
 * (to complete the depth extent the camera cannot see) and the range of metric sizes it can have
 * (to reject implausible fits).
 *
 * Footprint proportions are LEARNED from data by scripts/learn-lift-priors.ts (synth training
 * seeds, disjoint from the evaluation seeds of scripts/lift-accuracy.ts) and stored in
 * priors-data.ts. Plausible sizes come from the synth catalog's real-world extents and, for the
 * COCO-80 names, from a hand-written table of real object sizes below.
 */

/**
 * Footprint proportions of a category, relative to its height: the short and the long horizontal
 * side of an upright object's box divided by its vertical extent (medians over training objects).
 * A category with a square footprint (chair, mug) has shortPerHeight ~ longPerHeight; an elongated
 * one (car, bed, bench) has long >> short, which is what lets the visible width say which side is
 * seen.
 */
export interface FootprintPrior {
  readonly shortPerHeight: number;
  readonly longPerHeight: number;
  /** Training objects behind the medians (0 for a hand-set value). */
  readonly count: number;
}

/** The learned priors file (priors-data.ts), as scripts/learn-lift-priors.ts writes it. */
export interface LearnedFootprintPriors {
  /** Where the numbers came from: the script, its seed and how much data. */
  readonly source: { readonly script: string; readonly seed: number; readonly scenes: number; readonly objects: number };
  /** Category-agnostic medians over all training objects: used for any unknown category. */
  readonly fallback: FootprintPrior;
  /** Per category (catalog names). */
  readonly categories: Readonly<Record<string, FootprintPrior>>;
}

/** Where a prior came from: the category itself, a synonym of it (COCO "couch" -> "sofa"), or the fallback. */
export type PriorSource = "category" | "alias" | "fallback";

/**
 * COCO-80 (and common) names -> the synth catalog's name for the same thing, so COCO annotations
 * use the priors learned on the catalog. Names that are already catalog names are not listed.
 */
export const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  couch: "sofa",
  "dining table": "table",
  "potted plant": "plant",
  cup: "mug",
  "sports ball": "ball",
  tvmonitor: "tv",
  "trash bin": "trash can",
  "garbage can": "trash can",
};

/**
 * A label as the priors look it up: lower case, underscores and hyphens as spaces, single spaces
 * ("Trash_Can" -> "trash can").
 */
export function normalizeLabel(label: string): string {
  return label.trim().toLowerCase().replace(/[_-]+/g, " ").replace(/\s+/g, " ");
}

/** The footprint prior for a label, and where it came from (unknown labels get the fallback). */
export function footprintPriorFor(
  label: string,
  priors: LearnedFootprintPriors = LEARNED_FOOTPRINT_PRIORS,
): { readonly prior: FootprintPrior; readonly source: PriorSource } {
  const name = normalizeLabel(label);
  const own = Object.hasOwn(priors.categories, name) ? priors.categories[name] : undefined;
  if (own) return { prior: own, source: "category" };
  const alias = Object.hasOwn(CATEGORY_ALIASES, name) ? CATEGORY_ALIASES[name]! : undefined;
  const aliased = alias !== undefined && Object.hasOwn(priors.categories, alias) ? priors.categories[alias] : undefined;
  if (aliased) return { prior: aliased, source: "alias" };
  return { prior: priors.fallback, source: "fallback" };
}

/**
 * The expected extent (metres) of an object along the horizontal axis pointing away from the
 * camera, from the extent it shows across the view (`widthM`, the other horizontal axis) and its
 * height (`heightM`).
 *
 * Two hypotheses: the camera sees the long side (the hidden side is the short one) or the short
 * side (the hidden side is the long one). The visible width-to-height ratio picks the hypothesis
 * whose learned ratio it is closer to (in log). The hidden side is then predicted twice, from the
 * width (width * other side / seen side) and from the height (height * other side per height),
 * and the two are combined by their geometric mean, so an occlusion that cuts the width or the
 * height alone moves the result half as much. (Measured with scripts/lift-accuracy.ts-style runs on
 * 100 evaluation scenes, exact depth + masks, median IoU: width alone 0.688, height alone 0.690,
 * geometric mean 0.695; default noise 0.559 / 0.565 / 0.560.)
 * Returns 0 when widthM is 0 (nothing to scale); with no height, the width prediction alone.
 */
export function predictHiddenExtentM(prior: FootprintPrior, widthM: number, heightM: number): number {
  if (!(widthM > 0)) return 0;
  const { shortPerHeight: s, longPerHeight: l } = prior;
  if (!(heightM > 0)) return widthM * Math.sqrt(l / s); // no height: between the hypotheses (geometric mean)
  const r = Math.log(widthM / heightM);
  const seesLong = Math.abs(r - Math.log(l)) < Math.abs(r - Math.log(s));
  const fromWidth = seesLong ? (widthM * s) / l : (widthM * l) / s;
  const fromHeight = heightM * (seesLong ? s : l);
  return Math.sqrt(fromWidth * fromHeight);
}

/** A range of plausible sizes for a category: the largest side of its box, metres. */
export interface SizeRange {
  readonly minM: number;
  readonly maxM: number;
  /** Where the range came from. */
  readonly source: "catalog" | "coco" | "catalog+coco" | "fallback";
}

/**
 * Largest side (metres) of real COCO-80 objects, generously: low ends allow a partly hidden or
 * small instance, high ends the big ones (a bus, a long train, a tall plant). Values are real-world
 * sizes (manufacturer ranges, field guides), not fitted to any result.
 */
export const COCO_SIZE_RANGES_M: Readonly<Record<string, readonly [number, number]>> = {
  person: [0.3, 2.5], bicycle: [0.8, 2.5], car: [2.0, 7.0], motorcycle: [1.0, 3.0], airplane: [3, 80],
  bus: [5, 20], train: [3, 400], truck: [3, 25], boat: [1, 100], "traffic light": [0.2, 2.5],
  "fire hydrant": [0.3, 1.5], "stop sign": [0.3, 3.5], "parking meter": [0.3, 2], bench: [0.5, 4], bird: [0.05, 2.5],
  cat: [0.2, 1.2], dog: [0.15, 1.6], horse: [0.8, 3.5], sheep: [0.5, 2], cow: [0.8, 3.5],
  elephant: [1.5, 8], bear: [0.5, 3.5], zebra: [1, 3.5], giraffe: [1.5, 7], backpack: [0.2, 1],
  umbrella: [0.3, 3], handbag: [0.1, 1], tie: [0.2, 1.8], suitcase: [0.3, 1.2], frisbee: [0.15, 0.4],
  skis: [0.8, 2.5], snowboard: [0.8, 2.2], "sports ball": [0.03, 0.8], kite: [0.3, 10], "baseball bat": [0.5, 1.3],
  "baseball glove": [0.15, 0.5], skateboard: [0.4, 1.5], surfboard: [1, 4], "tennis racket": [0.4, 1], bottle: [0.05, 0.8],
  "wine glass": [0.08, 0.4], cup: [0.04, 0.4], fork: [0.1, 0.4], knife: [0.1, 0.6], spoon: [0.08, 0.4],
  bowl: [0.06, 0.6], banana: [0.08, 0.4], apple: [0.04, 0.15], sandwich: [0.05, 0.4], orange: [0.04, 0.15],
  broccoli: [0.04, 0.4], carrot: [0.04, 0.4], "hot dog": [0.08, 0.4], pizza: [0.1, 0.8], donut: [0.04, 0.3],
  cake: [0.05, 0.8], chair: [0.3, 1.8], couch: [0.6, 4], "potted plant": [0.1, 3], bed: [0.8, 3.5],
  "dining table": [0.5, 4.5], toilet: [0.3, 1.2], tv: [0.3, 3], laptop: [0.2, 0.7], mouse: [0.05, 0.2],
  remote: [0.08, 0.4], keyboard: [0.2, 0.8], "cell phone": [0.07, 0.3], microwave: [0.3, 0.9], oven: [0.4, 1.6],
  toaster: [0.15, 0.6], sink: [0.3, 1.5], refrigerator: [0.5, 2.5], book: [0.08, 0.6], clock: [0.1, 1.5],
  vase: [0.06, 1.5], scissors: [0.08, 0.4], "teddy bear": [0.08, 2], "hair drier": [0.12, 0.45], toothbrush: [0.1, 0.3],
};

/** Range for a label that is neither a catalog nor a COCO name: only absurd sizes are rejected. */
export const FALLBACK_SIZE_RANGE: SizeRange = { minM: 0.02, maxM: 100, source: "fallback" };

/**
 * How far the catalog's extents are widened into a plausible range: the low end is this share of
 * the smallest instance's largest side (a partly hidden or cut object shows less of itself), the
 * high end this multiple of the largest instance's diagonal (a yawed box's side can reach the
 * footprint diagonal, and noise adds some).
 */
export const CATALOG_RANGE_LOW_SHARE = 0.35;
export const CATALOG_RANGE_HIGH_FACTOR = 1.5;

const CATALOG_SIZE_RANGES: Readonly<Record<string, SizeRange>> = Object.fromEntries(
  Object.values(CATEGORIES).map((c) => {
    const lo = Math.max(...c.extentsM.min) * CATALOG_RANGE_LOW_SHARE;
    const hi = Math.hypot(...c.extentsM.max) * CATALOG_RANGE_HIGH_FACTOR;
    return [c.name, { minM: lo, maxM: hi, source: "catalog" as const }];
  }),
);

/**
 * The plausible range of the largest side of a label's box: the catalog's range (widened as above)
 * for a catalog name, the COCO table's for a COCO name, the union of both for a name in both, and
 * {@link FALLBACK_SIZE_RANGE} otherwise. Synonyms (COCO "couch") use their own COCO entry.
 */
export function plausibleSizeRange(label: string): SizeRange {
  const name = normalizeLabel(label);
  const catalog = Object.hasOwn(CATALOG_SIZE_RANGES, name) ? CATALOG_SIZE_RANGES[name] : undefined;
  const coco = Object.hasOwn(COCO_SIZE_RANGES_M, name) ? COCO_SIZE_RANGES_M[name] : undefined;
  if (catalog && coco) return { minM: Math.min(catalog.minM, coco[0]), maxM: Math.max(catalog.maxM, coco[1]), source: "catalog+coco" };
  if (catalog) return catalog;
  if (coco) return { minM: coco[0], maxM: coco[1], source: "coco" };
  return FALLBACK_SIZE_RANGE;
}
