import { validateBox3D, type Box3D } from "./box3d.js";
import { clipBox2dToImage, iou2d, type Box2D } from "./box2d.js";
import { validateImageSize, validateIntrinsics } from "./camera.js";
import { iou3d } from "./iou3d.js";
import { projectBox3D, projectedCenter, type ProjectBoxOptions } from "./project-box.js";
import type { ImageSize, Intrinsics } from "./types.js";

/**
 * Per-pair grounding measures of FORMATS.md §6 (N3D-VLM paper): projected IoU, 2D centre offset
 * (pixels, and normalized by the image diagonal), 3D IoU and 3D centre offset (metres). Matching
 * predictions to truth and averaging over a data set belong to eval/, not here.
 */

/** Euclidean distance between the two box centres in the camera frame, in metres. */
export function centerOffset3d(a: Box3D, b: Box3D): number {
  validateBox3D(a, "centerOffset3d", "a.");
  validateBox3D(b, "centerOffset3d", "b.");
  return Math.hypot(a.center[0] - b.center[0], a.center[1] - b.center[1], a.center[2] - b.center[2]);
}

/**
 * Distance in pixels between the projections of the two box centres, or null when either centre
 * is not in front of the camera (z <= 0) and so has no pixel.
 */
export function centerOffset2d(K: Intrinsics, a: Box3D, b: Box3D): number | null {
  const pa = projectedCenter(K, a);
  const pb = projectedCenter(K, b);
  if (pa === null || pb === null) return null;
  return Math.hypot(pa[0] - pb[0], pa[1] - pb[1]);
}

/** Length of the image diagonal in pixels, sqrt(W^2 + H^2). */
export function imageDiagonal(size: ImageSize): number {
  validateImageSize(size, "imageDiagonal");
  return Math.hypot(size.width, size.height);
}

/**
 * {@link centerOffset2d} divided by the {@link imageDiagonal} of the image: a unitless offset,
 * comparable across image sizes. Null when either centre has no pixel.
 */
export function normalizedCenterOffset2d(K: Intrinsics, a: Box3D, b: Box3D, size: ImageSize): number | null {
  const diagonal = imageDiagonal(size);
  const offset = centerOffset2d(K, a, b);
  return offset === null ? null : offset / diagonal;
}

/** Options for {@link projectedIou}. */
export interface ProjectedIouOptions extends ProjectBoxOptions {
  /**
   * When given, both projected boxes are clipped to this image before the IoU. The paper's rule
   * (FORMATS.md §6) does not clip, so the default is not to.
   */
  readonly clipTo?: ImageSize;
}

/**
 * Projected IoU (FORMATS.md §6): project each 3D box with K to its enclosing 2D box
 * ({@link projectBox3D}, which handles boxes crossing the near plane) and take the 2D IoU.
 * A box with nothing in front of the near plane (or, with `clipTo`, nothing inside the image)
 * covers no pixels, so its IoU with anything is 0.
 */
export function projectedIou(K: Intrinsics, a: Box3D, b: Box3D, options: ProjectedIouOptions = {}): number {
  validateIntrinsics(K, "projectedIou");
  const pa = projectedBox(K, a, options);
  const pb = projectedBox(K, b, options);
  return pa === null || pb === null ? 0 : iou2d(pa, pb);
}

function projectedBox(K: Intrinsics, box: Box3D, options: ProjectedIouOptions): Box2D | null {
  const projected = projectBox3D(K, box, options);
  if (projected === null || options.clipTo === undefined) return projected;
  return clipBox2dToImage(projected, options.clipTo);
}

/** All §6 measures for one (prediction, truth) pair; see the functions of the same names. */
export interface BoxPairMetrics {
  /** 3D IoU in the camera frame, [0, 1]. */
  readonly iou3d: number;
  /** IoU of the projected 2D boxes, [0, 1] (not clipped to the image). */
  readonly projectedIou: number;
  /** Distance between the centres, metres. */
  readonly centerOffset3dM: number;
  /** Distance between the projected centres, pixels; null when a centre has z <= 0. */
  readonly centerOffset2dPx: number | null;
  /** centerOffset2dPx / image diagonal, unitless; null when a centre has z <= 0. */
  readonly centerOffset2dNorm: number | null;
}

/** Every per-pair measure of FORMATS.md §6 for a prediction against its matched truth. */
export function boxPairMetrics(K: Intrinsics, size: ImageSize, predicted: Box3D, truth: Box3D): BoxPairMetrics {
  const offset2d = centerOffset2d(K, predicted, truth);
  return {
    iou3d: iou3d(predicted, truth),
    projectedIou: projectedIou(K, predicted, truth),
    centerOffset3dM: centerOffset3d(predicted, truth),
    centerOffset2dPx: offset2d,
    centerOffset2dNorm: offset2d === null ? null : offset2d / imageDiagonal(size),
  };
}
