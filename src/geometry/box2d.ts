import { InputError } from "../errors.js";
import { validateImageSize } from "./camera.js";
import type { ImageSize, Vec2 } from "./types.js";

/**
 * An axis-aligned 2D box in pixels: (x1, y1) the top-left corner, (x2, y2) the bottom-right, with
 * x1 <= x2 and y1 <= y2. Coordinates are continuous, in the pixel frame of DESIGN.md (u right,
 * v down, pixel centres at integer coordinates), so the box covers [x1, x2] x [y1, y2] and its
 * area is (x2 - x1)(y2 - y1), with no "+1" pixel-count convention. A zero-width or zero-height box
 * is a legitimate degenerate box with area 0.
 */
export interface Box2D {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/**
 * Throw an InputError unless every coordinate is finite and x1 <= x2, y1 <= y2; returns the box
 * unchanged. `field` prefixes the field names in the message (e.g. "a[2].").
 */
export function validateBox2D(box: Box2D, where = "Box2D", field = ""): Box2D {
  for (const k of ["x1", "y1", "x2", "y2"] as const) {
    const v = box[k];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(where, `${field}${k}`, v, "must be a finite number (pixels)");
  }
  if (box.x2 < box.x1) throw new InputError(where, `${field}x2`, box.x2, `must be >= x1 = ${box.x1}`);
  if (box.y2 < box.y1) throw new InputError(where, `${field}y2`, box.y2, `must be >= y1 = ${box.y1}`);
  return box;
}

/** Build a validated Box2D from its corners (pixels). */
export function makeBox2D(x1: number, y1: number, x2: number, y2: number, where = "Box2D"): Box2D {
  return validateBox2D({ x1, y1, x2, y2 }, where);
}

/** Width in pixels (x2 - x1). */
export function box2dWidth(box: Box2D): number {
  return box.x2 - box.x1;
}

/** Height in pixels (y2 - y1). */
export function box2dHeight(box: Box2D): number {
  return box.y2 - box.y1;
}

/** Area in square pixels, (x2 - x1)(y2 - y1). */
export function box2dArea(box: Box2D): number {
  return (box.x2 - box.x1) * (box.y2 - box.y1);
}

/** Centre (u, v) in pixels. */
export function box2dCenter(box: Box2D): Vec2 {
  return [(box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2];
}

/**
 * The smallest box enclosing the points (pixels). Throws an InputError on an empty list or a
 * non-finite coordinate: the enclosure of nothing is not a box.
 */
export function box2dFromPoints(pointsPx: readonly Vec2[], where = "box2dFromPoints"): Box2D {
  if (pointsPx.length === 0) throw new InputError(where, "points", pointsPx, "needs at least one point");
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  pointsPx.forEach(([u, v], i) => {
    if (!Number.isFinite(u) || !Number.isFinite(v)) throw new InputError(where, `points[${i}]`, [u, v], "must be finite (pixels)");
    if (u < x1) x1 = u;
    if (u > x2) x2 = u;
    if (v < y1) y1 = v;
    if (v > y2) y2 = v;
  });
  return { x1, y1, x2, y2 };
}

/**
 * The overlap of two boxes, or null when they share no area (disjoint, or only touching along an
 * edge or at a corner).
 */
export function intersectBox2D(a: Box2D, b: Box2D): Box2D | null {
  const x1 = Math.max(a.x1, b.x1);
  const y1 = Math.max(a.y1, b.y1);
  const x2 = Math.min(a.x2, b.x2);
  const y2 = Math.min(a.y2, b.y2);
  return x2 > x1 && y2 > y1 ? { x1, y1, x2, y2 } : null;
}

/** Area of the overlap of two boxes in square pixels; 0 when they share no area. */
export function intersectionArea2d(a: Box2D, b: Box2D): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Intersection over union of two boxes, in [0, 1]. Two boxes with no area between them (both
 * degenerate) have IoU 0, not NaN. Throws an InputError on an invalid box.
 */
export function iou2d(a: Box2D, b: Box2D): number {
  validateBox2D(a, "iou2d", "a.");
  validateBox2D(b, "iou2d", "b.");
  return iouTrusted(a, b);
}

/**
 * IoU of every box in `a` against every box in `b`: an N x M matrix, `result[i][j] = iou2d(a[i],
 * b[j])`. Empty inputs give [] (N = 0) or N empty rows (M = 0).
 */
export function pairwiseIou2d(a: readonly Box2D[], b: readonly Box2D[]): number[][] {
  a.forEach((box, i) => validateBox2D(box, "pairwiseIou2d", `a[${i}].`));
  b.forEach((box, j) => validateBox2D(box, "pairwiseIou2d", `b[${j}].`));
  return a.map((ai) => b.map((bj) => iouTrusted(ai, bj)));
}

function iouTrusted(a: Box2D, b: Box2D): number {
  const inter = intersectionArea2d(a, b);
  if (inter <= 0) return 0;
  const union = box2dArea(a) + box2dArea(b) - inter;
  return Math.min(1, inter / union);
}

/**
 * The region of an image in pixel coordinates: pixel centres sit at integer coordinates, so pixel
 * (0, 0) covers [-0.5, 0.5]^2 and the image covers [-0.5, W - 0.5] x [-0.5, H - 0.5].
 */
export function imageBox2D(size: ImageSize): Box2D {
  return { x1: -0.5, y1: -0.5, x2: size.width - 0.5, y2: size.height - 0.5 };
}

/**
 * Clip a box to the image region of {@link imageBox2D}, or null when no area of it lies inside
 * the image (it is outside, only touches the border, or is degenerate).
 */
export function clipBox2dToImage(box: Box2D, size: ImageSize): Box2D | null {
  validateBox2D(box, "clipBox2dToImage", "box.");
  validateImageSize(size, "clipBox2dToImage");
  return intersectBox2D(box, imageBox2D(size));
}
