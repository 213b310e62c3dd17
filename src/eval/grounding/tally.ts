import type { MatchedBoxPair } from "./match.js";

/**
 * Running sums of the Hungarian-matched grounding measures for one group of boxes (all of them, one
 * category, or one depth band), and the metrics they give. Which boxes a metric averages over:
 *
 * - over MATCHED PAIRS (3D IoU > 0; omitted when `matched` is 0): `iou3d_mean`,
 *   `projected_iou_mean`, `center_offset_3d_m`, `center_offset_3d_rel` (pairs whose truth centre
 *   has z > 0), `center_offset_2d_px` and `center_offset_2d_norm` (pairs whose two centres both
 *   have z > 0; the others are counted in `matched_without_2d_center`);
 * - over ALL TRUTH boxes, a miss scoring 0 (omitted when `truth` is 0): `iou3d_mean_over_truth`,
 *   `projected_iou_mean_over_truth`, `acc@t` (share of truth boxes matched with 3D IoU >= t) and
 *   `recall@t` (the same number under its detection name);
 * - over ALL PREDICTIONS (omitted when `predictions` is 0): `precision@t` (share of predictions
 *   matched with 3D IoU >= t);
 * - `f1@t` = 2 TP / (truth + predictions), the harmonic mean of the two (omitted when both are 0).
 */
export class GroundingTally {
  truth = 0;
  predictions = 0;
  matched = 0;
  misses = 0;
  falsePositives = 0;
  matchedWithout2dCenter = 0;
  private iou3dSum = 0;
  private projectedIouSum = 0;
  private offset3dSum = 0;
  private offset3dRelSum = 0;
  private offset3dRelCount = 0;
  private offset2dPxSum = 0;
  private offset2dNormSum = 0;
  private offset2dCount = 0;
  /** [thresholds] matched pairs with IoU >= threshold. */
  private readonly truePositives: number[];

  /** @param thresholds 3D IoU thresholds for acc / precision / recall / F1, each in (0, 1] */
  constructor(readonly thresholds: readonly number[]) {
    this.truePositives = thresholds.map(() => 0);
  }

  /** Add a matched pair; `truthDepthM` is the truth centre's z (metres). */
  addPair(pair: MatchedBoxPair, truthDepthM: number): void {
    const m = pair.metrics;
    this.truth++;
    this.predictions++;
    this.matched++;
    this.iou3dSum += m.iou3d;
    this.projectedIouSum += m.projectedIou;
    this.offset3dSum += m.centerOffset3dM;
    if (truthDepthM > 0) {
      this.offset3dRelSum += m.centerOffset3dM / truthDepthM;
      this.offset3dRelCount++;
    }
    if (m.centerOffset2dPx === null || m.centerOffset2dNorm === null) {
      this.matchedWithout2dCenter++;
    } else {
      this.offset2dPxSum += m.centerOffset2dPx;
      this.offset2dNormSum += m.centerOffset2dNorm;
      this.offset2dCount++;
    }
    this.thresholds.forEach((t, k) => {
      if (m.iou3d >= t) this.truePositives[k]!++;
    });
  }

  /** Add a truth box no prediction matched. */
  addMiss(): void {
    this.truth++;
    this.misses++;
  }

  /** Add a prediction that matched no truth box. */
  addFalsePositive(): void {
    this.predictions++;
    this.falsePositives++;
  }

  /** The metrics of this group, by name (see the class comment); never NaN. */
  metrics(): Record<string, number> {
    const out: Record<string, number> = {
      truth: this.truth,
      predictions: this.predictions,
      matched: this.matched,
      misses: this.misses,
      false_positives: this.falsePositives,
      matched_without_2d_center: this.matchedWithout2dCenter,
    };
    if (this.matched > 0) {
      out["iou3d_mean"] = this.iou3dSum / this.matched;
      out["projected_iou_mean"] = this.projectedIouSum / this.matched;
      out["center_offset_3d_m"] = this.offset3dSum / this.matched;
    }
    if (this.offset3dRelCount > 0) out["center_offset_3d_rel"] = this.offset3dRelSum / this.offset3dRelCount;
    if (this.offset2dCount > 0) {
      out["center_offset_2d_px"] = this.offset2dPxSum / this.offset2dCount;
      out["center_offset_2d_norm"] = this.offset2dNormSum / this.offset2dCount;
    }
    if (this.truth > 0) {
      out["iou3d_mean_over_truth"] = this.iou3dSum / this.truth;
      out["projected_iou_mean_over_truth"] = this.projectedIouSum / this.truth;
    }
    this.thresholds.forEach((t, k) => {
      const tp = this.truePositives[k]!;
      if (this.truth > 0) {
        out[`acc@${t}`] = tp / this.truth;
        out[`recall@${t}`] = tp / this.truth;
      }
      if (this.predictions > 0) out[`precision@${t}`] = tp / this.predictions;
      if (this.truth + this.predictions > 0) out[`f1@${t}`] = (2 * tp) / (this.truth + this.predictions);
    });
    return out;
  }
}
