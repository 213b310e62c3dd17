import type { Box3D } from "../geometry/index.js";
import { plausibleSizeRange } from "./priors.js";
import type { LiftRejectReason } from "./types.js";

/**
 * Rule-based filters: reject a lifted object whose evidence is too thin or whose box cannot be
 * right, with the reason and the numbers. They run in a fixed order and the first failure is
 * reported: the 2D evidence first (mask_too_small, box_too_large), then the depth evidence
 * (too_few_pixels), then the fitted box (depth_out_of_range, truncated, implausible_size).
 */

/** Filter thresholds (fields of LiftOptions; defaults and reasons in lift.ts). */
export interface FilterOptions {
  /** Smallest mask area (or box area without a mask), pixels. */
  readonly minMaskAreaPx: number;
  /** Largest share of the image the 2D box may cover, (0, 1]. */
  readonly maxImageShare: number;
  /** Fewest valid depth pixels left after selection and outlier rejection. */
  readonly minValidPixels: number;
  /** Nearest and farthest plausible centre depth, metres. */
  readonly minDepthM: number;
  readonly maxDepthM: number;
  /** Largest share of the object's side the image border may cut (see Selection.borderCutShare), [0, 1]. */
  readonly maxBorderCutShare: number;
  /** Check the box's largest side against the category's plausible range (priors.ts). */
  readonly checkSize: boolean;
}

/** The evidence the filters look at. */
export interface FilterEvidence {
  readonly label: string;
  /** The fitted box, or null when none could be fitted. */
  readonly box: Box3D | null;
  /** Mask pixels inside the box (or box pixels without a mask). */
  readonly areaPx: number;
  /** Area of the 2D box and of the image, square pixels. */
  readonly boxAreaPx: number;
  readonly imageAreaPx: number;
  /** Valid depth pixels left after outlier rejection (full-resolution estimate). */
  readonly validPx: number;
  readonly borderCutShare: number;
}

/** A failed filter: the reason and a one-line detail with the numbers. */
export interface FilterFailure {
  readonly reason: LiftRejectReason;
  readonly detail: string;
}

const pct = (share: number): string => `${(100 * share).toFixed(1)}%`;
const metres = (m: number): string => `${m < 1 ? m.toFixed(3) : m.toFixed(2)} m`;

/** The first failing filter, or null when the object passes all of them. */
export function runFilters(e: FilterEvidence, o: FilterOptions): FilterFailure | null {
  if (e.areaPx < o.minMaskAreaPx) {
    return { reason: "mask_too_small", detail: `area ${e.areaPx} px < ${o.minMaskAreaPx} px` };
  }
  const share = e.boxAreaPx / e.imageAreaPx;
  if (share > o.maxImageShare) {
    return { reason: "box_too_large", detail: `2D box covers ${pct(share)} of the image > ${pct(o.maxImageShare)}` };
  }
  if (e.box === null || e.validPx < o.minValidPixels) {
    return { reason: "too_few_pixels", detail: `${e.validPx} valid depth pixels < ${o.minValidPixels}` };
  }
  const z = e.box.center[2];
  if (z < o.minDepthM) return { reason: "depth_out_of_range", detail: `centre depth ${metres(z)} < ${metres(o.minDepthM)}` };
  if (z > o.maxDepthM) return { reason: "depth_out_of_range", detail: `centre depth ${metres(z)} > ${metres(o.maxDepthM)}` };
  if (e.borderCutShare > o.maxBorderCutShare) {
    return { reason: "truncated", detail: `image border cuts ${pct(e.borderCutShare)} of the object's side > ${pct(o.maxBorderCutShare)}` };
  }
  if (o.checkSize) {
    const largest = Math.max(e.box.size[0], e.box.size[1], e.box.size[2]);
    const range = plausibleSizeRange(e.label);
    if (largest > range.maxM) return { reason: "implausible_size", detail: `size ${metres(largest)} > ${metres(range.maxM)} for ${e.label}` };
    if (largest < range.minM) return { reason: "implausible_size", detail: `size ${metres(largest)} < ${metres(range.minM)} for ${e.label}` };
  }
  return null;
}
