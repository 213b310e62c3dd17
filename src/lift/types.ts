import type { Box2D, Box3D, ImageSize, Intrinsics, Vec3 } from "../geometry/index.js";

/**
 * The lifting contract (issue 4). `liftObject` (src/lift/lift.ts) turns one 2D annotation of one
 * RGB-D frame into a metric 3D box in the camera frame; the runner (src/lift/runner.ts) applies it
 * to every annotation of a dataset and writes the repository. Both sides use only these types.
 */

/** The depth side of a frame, everything in n3d's conventions (DESIGN.md). */
export interface LiftFrame {
  readonly size: ImageSize;
  /** Planar depth in metres, H * W row-major; 0 or NaN = invalid. */
  readonly depthM: Float32Array;
  readonly intrinsics: Intrinsics;
  /** Point map H x W x 3 (camera frame, metres, NaN invalid) when the depth source was one; used instead of back-projection. */
  readonly pointsM?: Float32Array;
  /** Gravity (unit, camera frame, pointing down) when known: boxes are then fitted with their vertical axis along it. */
  readonly gravity?: Vec3;
  /**
   * The frame's colour, 8-bit RGB interleaved, H * W * 3 (as RGBDFrame.rgb), when the caller has it
   * decoded anyway. Optional: lifting is depth-based; box-only selection uses colour as a second cue
   * (colour.ts): the depth cluster is looked for among the box's pixels of colours its surroundings
   * lack, and depth-selected pixels of the surroundings' colours are dropped. Masks ignore it.
   */
  readonly rgb?: Uint8Array;
}

/** One object to lift. */
export interface LiftTarget {
  /** Category name (as in the dataset's categories). */
  readonly label: string;
  /** The 2D box in pixels (x1,y1,x2,y2; continuous coordinates), already validated by the caller. */
  readonly bbox2d: Box2D;
  /** Instance mask H * W (1 = object), when the annotation has one (polygon or RLE, decoded by the caller). */
  readonly mask?: Uint8Array;
  /** Detector score for detections; absent for human annotations. */
  readonly score?: number;
}

/** Why an object was rejected by the rule-based filters (per object; recorded in the record). */
export type LiftRejectReason =
  | "too_few_pixels" // fewer valid depth pixels than minValidPixels after selection / outlier rejection
  | "mask_too_small" // mask (or box) area below minMaskAreaPx
  | "box_too_large" // 2D box covers more than maxImageShare of the image
  | "implausible_size" // fitted metric size outside the category's plausible range
  | "depth_out_of_range" // fitted centre depth outside [minDepthM, maxDepthM]
  | "truncated"; // 2D box touches the image border on a side and truncation share too high

export const LIFT_REJECT_REASONS: readonly LiftRejectReason[] = [
  "too_few_pixels", "mask_too_small", "box_too_large", "implausible_size", "depth_out_of_range", "truncated",
];

/** Which pixels were used: the mask, or the box with foreground separation. */
export type PixelSource = "mask" | "box";

/** The result of lifting one object. */
export interface LiftOutcome {
  /** The fitted box (camera frame, metres), or null when no box could be fitted at all (too few points). */
  readonly box: Box3D | null;
  /** "kept" when every filter passed; else the first filter that failed. */
  readonly verdict: "kept" | "rejected";
  readonly reason?: LiftRejectReason;
  /** Human-readable detail for a rejection ("size 14.2 m > 3.5 m for chair"). */
  readonly detail?: string;
  readonly pixelSource: PixelSource;
  /** Valid pixels selected before outlier rejection, and points kept after it (the "points used"). */
  readonly pixelsSelected: number;
  readonly pointsUsed: number;
  /** How the hidden (depth-direction) extent was set: "visible" extent only, or a "prior" completion. */
  readonly extentMethod: "visible" | "prior";
}

/** Per-stage timing hooks for the benchmark (milliseconds accumulated by liftObject when given). */
export interface LiftTimings {
  select: number;
  backProject: number;
  fit: number;
  filter: number;
}
