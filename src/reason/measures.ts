import type { Vec3 } from "../geometry/index.js";
import { dot, norm } from "./frame-vectors.js";
import type { PrintedBox, PrintedScene } from "./printed-scene.js";

/**
 * Quantities of printed boxes (see printed-scene.ts: all arithmetic is on the boxes as printed,
 * in the print frame). Each is a short closed formula so a reader can redo it:
 *
 *   box axes (yaw t = yawDeg * pi / 180, R_y(t) columns):
 *     a0 = [cos t, 0, -sin t],  a1 = [0, 1, 0],  a2 = [sin t, 0, cos t]
 *   extent along a unit direction n  = sx |a0 . n| + sy |a1 . n| + sz |a2 . n|
 *     (the length of the box's shadow on n; for yaw 0 and gravity unknown: width = sx,
 *      height = sy, depth = sz)
 *   centre position along n          = c . n
 *   nearest point along n            = c . n - extent(n) / 2   (the minimum over the 8 corners)
 *   volume                           = sx sy sz
 *   distance to the camera           = |c|
 *   offset from A to B               = c_B - c_A, in ground coordinates [right, forward, up]
 */

/** Yaw of a printed box in radians. */
export function yawRad(box: PrintedBox): number {
  return (box.yawDeg * Math.PI) / 180;
}

/** |a_k . n| for the box's three axes a0, a1, a2 (see the file comment). */
function axisCosines(box: PrintedBox, n: Vec3): Vec3 {
  const t = yawRad(box);
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [Math.abs(c * n[0] - s * n[2]), Math.abs(n[1]), Math.abs(s * n[0] + c * n[2])];
}

/** Extent of the box along the unit direction `n`, metres: sx |a0.n| + sy |a1.n| + sz |a2.n|. */
export function extentAlong(box: PrintedBox, n: Vec3): number {
  const k = axisCosines(box, n);
  return box.size[0] * k[0] + box.size[1] * k[1] + box.size[2] * k[2];
}

/** Position of the box centre along the unit direction `n`, metres (c . n). */
export function centreAlong(box: PrintedBox, n: Vec3): number {
  return dot(box.center, n);
}

/** Smallest position of any point of the box along `n`, metres (c . n - extent(n) / 2). */
export function nearestAlong(box: PrintedBox, n: Vec3): number {
  return dot(box.center, n) - extentAlong(box, n) / 2;
}

/** Volume in cubic metres (sx sy sz). */
export function volume(box: PrintedBox): number {
  return box.size[0] * box.size[1] * box.size[2];
}

/** Euclidean distance from the camera (the frame origin) to the box centre, metres. */
export function cameraDistance(box: PrintedBox): number {
  return norm(box.center);
}

/** Centre of `b` minus centre of `a`, print frame, metres. */
export function centreOffset(a: PrintedBox, b: PrintedBox): Vec3 {
  return [b.center[0] - a.center[0], b.center[1] - a.center[1], b.center[2] - a.center[2]];
}

/** Distance between the two centres, metres. */
export function centreDistance(a: PrintedBox, b: PrintedBox): number {
  return norm(centreOffset(a, b));
}

/** Offset from the centre of `a` to the centre of `b` in ground coordinates [right, forward, up], metres. */
export function groundOffset(scene: PrintedScene, a: PrintedBox, b: PrintedBox): Vec3 {
  const d = centreOffset(a, b);
  const g = scene.ground;
  return [dot(d, g.right), dot(d, g.forward), dot(d, g.up)];
}
