import { InputError } from "../../errors.js";
import { depthBandOf, type DepthBand } from "./depth-bands.js";
import type { LabelGroup } from "./match.js";
import type { GroundingBox } from "./records.js";

/**
 * AP3D as Omni3D defines it (its omni3d_evaluation.py, a port of pycocotools' COCOeval with 3D IoU
 * and depth ranges in place of 2D IoU and area ranges):
 *
 * 1. Per image and category, detections sorted by descending score (top {@link DEFAULT_MAX_DETECTIONS})
 *    are matched GREEDILY, each to the unmatched truth box of highest 3D IoU >= the threshold
 *    (truth boxes outside the depth band are "ignored": a detection matched to one is neither a
 *    true nor a false positive, and an unmatched detection whose own centre lies outside the band
 *    is ignored too). This is COCO's matching, separate from the Hungarian matching of the mean
 *    metrics (match.ts): AP ranks by score, the means pair boxes to maximize total IoU.
 * 2. Per category, detections of all images are pooled and sorted by descending score (ties keep
 *    image order, images sorted by id, then the order within the image); precision is made
 *    monotone from the right and read at the 101 recall points 0, 0.01, ..., 1 (the first
 *    detection reaching each recall; 0 where the recall is never reached). AP is their mean.
 * 3. AP3D = the mean over IoU thresholds 0.05, 0.10, ..., 0.50, then over the categories that have
 *    truth in the band. Categories with predictions but no truth are left out (COCO's rule): their
 *    false positives lower precision, not AP3D.
 */

/** numpy.linspace(start, stop, num), value for value (so thresholds equal pycocotools' bit for bit). */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/** Omni3D's IoU thresholds: numpy.linspace(0.05, 0.5, 10). */
export const OMNI3D_IOU_THRESHOLDS: readonly number[] = linspace(0.05, 0.5, 10);

/** COCO's 101 recall points: numpy.linspace(0, 1, 101). */
export const COCO_RECALL_POINTS: readonly number[] = linspace(0, 1, 101);

/** Detections kept per image and category, by score (Omni3D and COCO report AP at maxDets = 100). */
export const DEFAULT_MAX_DETECTIONS = 100;

/** Outcome of a detection at one IoU threshold: counted as a false positive. */
export const OUTCOME_FALSE_POSITIVE = 0;
/** Outcome of a detection at one IoU threshold: matched to a truth box in the band. */
export const OUTCOME_TRUE_POSITIVE = 1;
/** Outcome of a detection at one IoU threshold: ignored (matched to ignored truth, or unmatched outside the band). */
export const OUTCOME_IGNORED = 2;

/** One detection of one image and category after greedy matching. */
export interface ScoredOutcome {
  readonly score: number;
  /** [T]: the outcome at each IoU threshold (OUTCOME_* values). */
  readonly outcomes: Uint8Array;
}

/** Inputs of {@link greedyMatchImage}: one image, one category, one depth band. */
export interface GreedyMatchInput {
  /** [D] detection scores. */
  readonly scores: readonly number[];
  /** [D x G] 3D IoU of detection d against truth g. */
  readonly iou: readonly (readonly number[])[];
  /** [G] truth outside the band (ignored). */
  readonly truthIgnored: readonly boolean[];
  /** [D] detection centre outside the band (ignored when it matches nothing). */
  readonly detectionOutside: readonly boolean[];
  /** [T] IoU thresholds in (0, 1]. */
  readonly thresholds: readonly number[];
  readonly maxDetections: number;
}

/**
 * COCOeval.evaluateImg for one image and category: greedy matching by descending score at each
 * threshold. Returns the kept detections with their outcomes, in descending score order, and the
 * number of truth boxes not ignored.
 */
export function greedyMatchImage(input: GreedyMatchInput): { detections: ScoredOutcome[]; numTruth: number } {
  const { scores, iou, truthIgnored, detectionOutside, thresholds } = input;
  const G = truthIgnored.length;
  // Truth not ignored first (stable), so a match to an ignored box is only a fallback.
  const truthOrder = [...Array(G).keys()].sort((a, b) => Number(truthIgnored[a]) - Number(truthIgnored[b]));
  const detOrder = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, input.maxDetections);
  const outcomes = detOrder.map(() => new Uint8Array(thresholds.length));
  thresholds.forEach((t, k) => {
    const truthTaken = new Array<boolean>(G).fill(false);
    detOrder.forEach((d, rank) => {
      let best = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (const g of truthOrder) {
        if (truthTaken[g]) continue;
        if (m > -1 && !truthIgnored[m] && truthIgnored[g]) break;
        const v = iou[d]![g]!;
        if (v < best) continue;
        best = v;
        m = g;
      }
      if (m === -1) {
        outcomes[rank]![k] = detectionOutside[d] ? OUTCOME_IGNORED : OUTCOME_FALSE_POSITIVE;
      } else {
        truthTaken[m] = true;
        outcomes[rank]![k] = truthIgnored[m] ? OUTCOME_IGNORED : OUTCOME_TRUE_POSITIVE;
      }
    });
  });
  return {
    detections: detOrder.map((d, rank) => ({ score: scores[d]!, outcomes: outcomes[rank]! })),
    numTruth: truthIgnored.filter((ig) => !ig).length,
  };
}

/**
 * COCO's 101-point interpolated AP at threshold index k for detections pooled over images (in
 * image order; sorted here by descending score, stably), against `numTruth` truth boxes.
 * Null when numTruth is 0 (AP is undefined there); 0 when there is truth but no detection.
 */
export function interpolatedAp(detections: readonly ScoredOutcome[], numTruth: number, k: number): number | null {
  if (numTruth <= 0) return null;
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const d of sorted) {
    const o = d.outcomes[k];
    if (o === OUTCOME_TRUE_POSITIVE) tp++;
    else if (o === OUTCOME_FALSE_POSITIVE) fp++;
    recall.push(tp / numTruth);
    // pycocotools divides by tp + fp + np.spacing(1) to dodge 0 / 0, which leaves a perfect AP at
    // 1 - 1e-16; dividing exactly (0 when nothing counted yet) differs from it by at most an ulp.
    precision.push(tp + fp > 0 ? tp / (tp + fp) : 0);
  }
  for (let i = precision.length - 1; i > 0; i--) precision[i - 1] = Math.max(precision[i - 1]!, precision[i]!);
  let sum = 0;
  let i = 0;
  for (const r of COCO_RECALL_POINTS) {
    while (i < recall.length && recall[i]! < r) i++; // searchsorted(recall, r, side="left")
    if (i === recall.length) break; // this and every higher recall point are never reached: 0
    sum += precision[i]!;
  }
  return sum / COCO_RECALL_POINTS.length;
}

/** "all" (no depth filter) or one depth band. */
export type ApBand = "all" | DepthBand;
/** Every band AP is computed in, "all" first. */
export const AP_BANDS: readonly ApBand[] = ["all", "near", "medium", "far"];

interface ImageEntry {
  readonly imageId: string;
  readonly detections: readonly ScoredOutcome[];
}

interface Pool {
  numTruth: number;
  readonly images: ImageEntry[];
}

/**
 * Collects greedy-matched detections per (depth band, category) over images, and answers AP per
 * category and threshold. Thresholds are given once; ask by index into them.
 */
export class Ap3dAccumulator {
  private readonly pools = new Map<ApBand, Map<string, Pool>>();

  /**
   * @param thresholds IoU thresholds, each in (0, 1]
   * @param maxDetections detections kept per image and category, integer >= 1
   * @param depthBandEdgesM near|medium and medium|far edges, metres
   */
  constructor(
    readonly thresholds: readonly number[],
    readonly maxDetections: number,
    readonly depthBandEdgesM: readonly [number, number],
  ) {
    thresholds.forEach((t, i) => {
      if (!(t > 0 && t <= 1)) throw new InputError("Ap3dAccumulator", `thresholds[${i}]`, t, "must be a number in (0, 1]");
    });
    if (!Number.isInteger(maxDetections) || maxDetections < 1) throw new InputError("Ap3dAccumulator", "maxDetections", maxDetections, "must be an integer >= 1");
    this.reset();
  }

  reset(): void {
    this.pools.clear();
    for (const band of AP_BANDS) this.pools.set(band, new Map());
  }

  /** Add one image's boxes of one label (its {@link LabelGroup}) in every band. */
  addLabelGroup(imageId: string, group: LabelGroup, pred: readonly GroundingBox[], truth: readonly GroundingBox[]): void {
    const scores = group.predIndices.map((i) => pred[i]!.score);
    const predDepth = group.predIndices.map((i) => pred[i]!.box.center[2]);
    const truthDepth = group.truthIndices.map((i) => truth[i]!.box.center[2]);
    for (const band of AP_BANDS) {
      const outside = (z: number) => band !== "all" && depthBandOf(z, this.depthBandEdgesM) !== band;
      const { detections, numTruth } = greedyMatchImage({
        scores,
        iou: group.iou,
        truthIgnored: truthDepth.map(outside),
        detectionOutside: predDepth.map(outside),
        thresholds: this.thresholds,
        maxDetections: this.maxDetections,
      });
      const byCategory = this.pools.get(band)!;
      let pool = byCategory.get(group.label);
      if (pool === undefined) byCategory.set(group.label, (pool = { numTruth: 0, images: [] }));
      pool.numTruth += numTruth;
      if (detections.length > 0) pool.images.push({ imageId, detections });
    }
  }

  /** Categories seen in a band (with truth or detections), in first-seen order. */
  categories(band: ApBand = "all"): string[] {
    return [...this.pools.get(band)!.keys()];
  }

  /** Truth boxes of a category counted in a band (not ignored). */
  numTruth(band: ApBand, category: string): number {
    return this.pools.get(band)!.get(category)?.numTruth ?? 0;
  }

  /**
   * AP of one category in a band at every threshold ([T], in the order given to the constructor);
   * null when the category has no truth there.
   */
  categoryAp(band: ApBand, category: string): number[] | null {
    const pool = this.pools.get(band)!.get(category);
    if (pool === undefined || pool.numTruth === 0) return null;
    const images = [...pool.images].sort((a, b) => compareImageIds(a.imageId, b.imageId));
    // Sorted by score once here; interpolatedAp's own stable sort then finds them in order.
    const detections = images.flatMap((e) => e.detections).sort((a, b) => b.score - a.score);
    return this.thresholds.map((_, k) => interpolatedAp(detections, pool.numTruth, k)!);
  }
}

/** Image ids in a fixed order, whatever order images were processed in: numbers first, numerically. */
export function compareImageIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const aNum = a.trim() !== "" && Number.isFinite(na);
  const bNum = b.trim() !== "" && Number.isFinite(nb);
  if (aNum && bNum) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
