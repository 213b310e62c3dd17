import { boxVolume, rotateY, validateBox3D, type Box3D } from "./box3d.js";
import { clipConvexPolygon, polygonArea } from "./polygon.js";
import type { Vec2 } from "./types.js";

/**
 * Exact 3D IoU for boxes that may each be yawed about the camera y axis (DESIGN.md frame, metres).
 *
 * Because both boxes rotate only about y, each is a prism: a rectangle in the x-z plane (its
 * footprint) extruded along y. The intersection of two such prisms is the intersection of the
 * footprints (a convex polygon) extruded along the overlap of their y intervals, so
 *
 *   intersection volume = area(footprint A ∩ footprint B) * overlap along y.
 *
 * This is exact, not sampled. (Boxes with roll or pitch would need general polyhedron clipping,
 * as in pytorch3d's iou_box3d; n3d's boxes carry only yaw.)
 */

/**
 * The box's footprint: its rectangle in the camera x-z plane, as (x, z) vertices in metres,
 * counter-clockwise with x as the horizontal and z as the vertical axis.
 */
export function footprintXZ(box: Box3D): Vec2[] {
  const hx = box.size[0] / 2;
  const hz = box.size[2] / 2;
  const local: readonly Vec2[] = [[-hx, -hz], [hx, -hz], [hx, hz], [-hx, hz]];
  return local.map(([x, z]) => {
    const r = rotateY([x, 0, z], box.yaw); // a rotation: keeps the counter-clockwise order
    return [box.center[0] + r[0], box.center[2] + r[2]] as const;
  });
}

/**
 * Volume shared by two boxes, in cubic metres (>= 0; 0 when they are disjoint, only touch, or one
 * has zero size). Throws an InputError on non-finite numbers or negative sizes.
 */
export function intersectionVolume(a: Box3D, b: Box3D): number {
  validateBox3D(a, "intersectionVolume", "a.");
  validateBox3D(b, "intersectionVolume", "b.");
  return intersectionTrusted(a, b);
}

/**
 * 3D intersection over union in [0, 1]: intersection / (volume A + volume B - intersection).
 * Degenerate cases give 0, never NaN: zero-size boxes, boxes touching on a face, disjoint boxes.
 * Throws an InputError on non-finite numbers or negative sizes.
 */
export function iou3d(a: Box3D, b: Box3D): number {
  validateBox3D(a, "iou3d", "a.");
  validateBox3D(b, "iou3d", "b.");
  return iouTrusted(a, b);
}

/**
 * 3D IoU of every box in `a` against every box in `b`: an N x M matrix,
 * `result[i][j] = iou3d(a[i], b[j])`. Empty inputs give [] (N = 0) or N empty rows (M = 0).
 */
export function pairwiseIou3d(a: readonly Box3D[], b: readonly Box3D[]): number[][] {
  a.forEach((box, i) => validateBox3D(box, "pairwiseIou3d", `a[${i}].`));
  b.forEach((box, j) => validateBox3D(box, "pairwiseIou3d", `b[${j}].`));
  // Footprints once per box, not once per pair (they dominated the yawed case in `npm run bench`).
  const fa = a.map(footprintXZ);
  const fb = b.map(footprintXZ);
  return a.map((ai, i) => b.map((bj, j) => iouTrusted(ai, bj, fa[i], fb[j])));
}

function iouTrusted(a: Box3D, b: Box3D, footprintA?: Vec2[], footprintB?: Vec2[]): number {
  const inter = intersectionTrusted(a, b, footprintA, footprintB);
  if (inter <= 0) return 0;
  return inter / (boxVolume(a) + boxVolume(b) - inter);
}

function intersectionTrusted(a: Box3D, b: Box3D, footprintA?: Vec2[], footprintB?: Vec2[]): number {
  const dy = overlap(a.center[1], a.size[1], b.center[1], b.size[1]);
  if (dy <= 0) return 0;
  let area: number;
  if (a.yaw === 0 && b.yaw === 0) {
    // Fast path for the common axis-aligned case (the paper's boxes all have angle 0).
    area = overlap(a.center[0], a.size[0], b.center[0], b.size[0]) * overlap(a.center[2], a.size[2], b.center[2], b.size[2]);
  } else {
    area = polygonArea(clipConvexPolygon(footprintA ?? footprintXZ(a), footprintB ?? footprintXZ(b)));
  }
  // Rounding in the clipping can leave the area a hair above a footprint's own area; the shared
  // volume can never exceed either box's, so bound it there (this is what keeps IoU(a, a) <= 1).
  return Math.min(Math.max(0, area) * dy, boxVolume(a), boxVolume(b));
}

/** Length of the overlap of intervals [c1 - s1/2, c1 + s1/2] and [c2 - s2/2, c2 + s2/2]; >= 0. */
function overlap(c1: number, s1: number, c2: number, s2: number): number {
  return Math.max(0, Math.min(c1 + s1 / 2, c2 + s2 / 2) - Math.max(c1 - s1 / 2, c2 - s2 / 2));
}
