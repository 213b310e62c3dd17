import { boxPairMetrics, pairwiseIou3d, type BoxPairMetrics, type ImageSize, type Intrinsics } from "../../geometry/index.js";
import { maxWeightAssignment } from "./hungarian.js";
import type { GroundingBox } from "./records.js";

/**
 * One-to-one matching of predicted boxes to truth boxes within an image (FORMATS.md §6): boxes are
 * matched only to boxes of the same label (compared exactly, case and spaces included), and within
 * a label by the Hungarian assignment that maximizes the total 3D IoU. A pair the assignment makes
 * with 3D IoU 0 is not a match (the boxes do not touch): its prediction counts as a false positive
 * and its truth as a miss, as do boxes the assignment leaves over when the counts differ.
 *
 * This matching feeds the mean metrics, accuracies and precision/recall/F1. AP3D uses COCO's
 * greedy matching by descending score instead (see ap3d.ts).
 */

/** Boxes of one label in one image, with their IoU matrix. */
export interface LabelGroup {
  readonly label: string;
  /** Indices into the image's predicted boxes, in file order. */
  readonly predIndices: readonly number[];
  /** Indices into the image's truth boxes, in file order. */
  readonly truthIndices: readonly number[];
  /** 3D IoU, P x T: `iou[p][t]` for predIndices[p] against truthIndices[t]. */
  readonly iou: readonly (readonly number[])[];
}

/**
 * Group an image's boxes by label (labels in first-seen order, truth before predictions) and
 * compute each group's P x T 3D IoU matrix. Throws an InputError on an invalid box.
 */
export function groupByLabel(pred: readonly GroundingBox[], truth: readonly GroundingBox[]): LabelGroup[] {
  const indices = new Map<string, { pred: number[]; truth: number[] }>();
  const slot = (label: string) => {
    let s = indices.get(label);
    if (s === undefined) indices.set(label, (s = { pred: [], truth: [] }));
    return s;
  };
  truth.forEach((b, i) => slot(b.label).truth.push(i));
  pred.forEach((b, i) => slot(b.label).pred.push(i));
  return [...indices].map(([label, s]) => ({
    label,
    predIndices: s.pred,
    truthIndices: s.truth,
    iou: pairwiseIou3d(
      s.pred.map((i) => pred[i]!.box),
      s.truth.map((i) => truth[i]!.box),
    ),
  }));
}

/** A matched (prediction, truth) pair with its §6 measures. */
export interface MatchedBoxPair {
  /** Index into the image's predicted boxes. */
  readonly predIndex: number;
  /** Index into the image's truth boxes. */
  readonly truthIndex: number;
  readonly label: string;
  /** Per-pair measures (3D IoU > 0 by construction), projected with the truth image's K. */
  readonly metrics: BoxPairMetrics;
}

/** The matching of one image. */
export interface ImageMatching {
  /** Matched pairs, by label group then truth index. */
  readonly pairs: readonly MatchedBoxPair[];
  /** Indices of predictions left unmatched (false positives), ascending. */
  readonly falsePositives: readonly number[];
  /** Indices of truth boxes left unmatched (misses), ascending. */
  readonly misses: readonly number[];
}

/** The camera that saw the truth: its K (pixels) and image size (pixels). */
export interface GroundingCamera {
  readonly intrinsics: Intrinsics;
  readonly size: ImageSize;
}

/**
 * Match an image's predictions to its truth (label, then Hungarian on 3D IoU; IoU 0 is no match)
 * and measure every matched pair with the truth camera. `groups` may be passed when already
 * computed by {@link groupByLabel} for the same boxes.
 */
export function matchGroundingBoxes(
  pred: readonly GroundingBox[],
  truth: readonly GroundingBox[],
  camera: GroundingCamera,
  groups: readonly LabelGroup[] = groupByLabel(pred, truth),
): ImageMatching {
  const pairs: MatchedBoxPair[] = [];
  const predMatched = new Array<boolean>(pred.length).fill(false);
  const truthMatched = new Array<boolean>(truth.length).fill(false);
  for (const g of groups) {
    const groupPairs = maxWeightAssignment(g.iou)
      .filter(([p, t]) => g.iou[p]![t]! > 0)
      .map(([p, t]) => ({ predIndex: g.predIndices[p]!, truthIndex: g.truthIndices[t]! }))
      .sort((a, b) => a.truthIndex - b.truthIndex);
    for (const { predIndex, truthIndex } of groupPairs) {
      predMatched[predIndex] = true;
      truthMatched[truthIndex] = true;
      const metrics = boxPairMetrics(camera.intrinsics, camera.size, pred[predIndex]!.box, truth[truthIndex]!.box);
      pairs.push({ predIndex, truthIndex, label: g.label, metrics });
    }
  }
  return {
    pairs,
    falsePositives: indicesWhere(predMatched, false),
    misses: indicesWhere(truthMatched, false),
  };
}

function indicesWhere(flags: readonly boolean[], value: boolean): number[] {
  const out: number[] = [];
  flags.forEach((f, i) => {
    if (f === value) out.push(i);
  });
  return out;
}
