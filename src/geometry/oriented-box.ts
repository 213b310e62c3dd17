import { InputError } from "../errors.js";
import { CORNER_SIGNS, type Box3D } from "./box3d.js";
import type { Box2D } from "./box2d.js";
import { validateIntrinsics } from "./camera.js";
import { applyPose, mulMat3Vec, rotationY, type Mat3, type Pose } from "./pose.js";
import { projectCornersClipped, resolveNearM, type ProjectBoxOptions } from "./project-box.js";
import type { Intrinsics, Vec2, Vec3 } from "./types.js";

/**
 * A box with any orientation (an oriented bounding box, OBB) in a frame, normally the camera frame
 * (OpenCV: +x right, +y down, +z forward, metres).
 *
 * `rotation` (row-major, see {@link Mat3}) maps the box's local axes to the frame: column k is the
 * direction of the box's local axis k, so a local offset d lands at `center + rotation d`. `size`
 * holds the full extents along those local axes. A {@link Box3D} is the special case
 * rotation = R_y(yaw) (see {@link orientedBoxFromBox3D}); an upright object seen by a pitched or
 * rolled camera is not.
 */
export interface OrientedBox {
  readonly center: Vec3;
  readonly size: Vec3;
  readonly rotation: Mat3;
}

/** How far (absolute, per entry) R^T R may stray from the identity before a rotation is rejected. */
export const ROTATION_TOLERANCE = 1e-6;

/**
 * Throw an InputError unless the box's numbers are finite, its sizes >= 0 and its rotation a proper
 * rotation (orthonormal within {@link ROTATION_TOLERANCE}, determinant +1); returns the box
 * unchanged. `field` prefixes field names in messages (e.g. "obb.").
 */
export function validateOrientedBox(obb: OrientedBox, where = "OrientedBox", field = ""): OrientedBox {
  obb.center.forEach((c, i) => {
    if (!Number.isFinite(c)) throw new InputError(where, `${field}center[${i}]`, c, "must be a finite number (metres)");
  });
  obb.size.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0) throw new InputError(where, `${field}size[${i}]`, s, "must be a finite number >= 0 (metres)");
  });
  checkRotation(obb.rotation, where, `${field}rotation`);
  return obb;
}

function checkRotation(r: Mat3, where: string, field: string): void {
  if (r.length !== 9) throw new InputError(where, field, r, "must be 9 numbers (row-major 3x3)");
  r.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InputError(where, `${field}[${i}]`, v, "must be a finite number");
  });
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const dot = r[a]! * r[b]! + r[3 + a]! * r[3 + b]! + r[6 + a]! * r[6 + b]!; // column a . column b
      if (Math.abs(dot - (a === b ? 1 : 0)) > ROTATION_TOLERANCE) {
        throw new InputError(where, field, r, `must be a rotation matrix (columns orthonormal within ${ROTATION_TOLERANCE})`);
      }
    }
  }
  const det =
    r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
  if (det < 0) throw new InputError(where, field, r, "must be a proper rotation (determinant +1), not a reflection");
}

/**
 * The oriented box of an axis-aligned box [localMin, localMax] given in a child frame, placed by
 * `parentFromChild` (e.g. an object's exact box: cameraFromObject with the object's local bounds
 * gives its OBB in the camera frame). The rotation is the pose's; the size is localMax - localMin.
 * Throws an InputError when a bound is not finite or localMin > localMax on some axis.
 */
export function orientedBoxFromPose(parentFromChild: Pose, localMin: Vec3, localMax: Vec3): OrientedBox {
  const where = "orientedBoxFromPose";
  for (let i = 0; i < 3; i++) {
    const lo = localMin[i]!;
    const hi = localMax[i]!;
    if (!Number.isFinite(lo)) throw new InputError(where, `localMin[${i}]`, lo, "must be a finite number (metres)");
    if (!Number.isFinite(hi)) throw new InputError(where, `localMax[${i}]`, hi, "must be a finite number (metres)");
    if (hi < lo) throw new InputError(where, `localMax[${i}]`, hi, `must be >= localMin[${i}] = ${lo}`);
  }
  checkRotation(parentFromChild.rotation, where, "pose.rotation");
  const mid: Vec3 = [(localMin[0] + localMax[0]) / 2, (localMin[1] + localMax[1]) / 2, (localMin[2] + localMax[2]) / 2];
  return {
    center: applyPose(parentFromChild, mid),
    size: [localMax[0] - localMin[0], localMax[1] - localMin[1], localMax[2] - localMin[2]],
    rotation: parentFromChild.rotation,
  };
}

/** A {@link Box3D} as an oriented box: the same solid, rotation R_y(yaw). */
export function orientedBoxFromBox3D(box: Box3D): OrientedBox {
  return { center: box.center, size: box.size, rotation: rotationY(box.yaw) };
}

/**
 * The 8 corners in the frame, in {@link CORNER_SIGNS} order (signs along the box's LOCAL axes), so
 * {@link BOX_EDGES} are the box's edges and an {@link orientedBoxFromBox3D} box has exactly the
 * corners of {@link boxCorners}.
 */
export function orientedBoxCorners(obb: OrientedBox): Vec3[] {
  const [hx, hy, hz] = [obb.size[0] / 2, obb.size[1] / 2, obb.size[2] / 2];
  return CORNER_SIGNS.map(([a, b, c]) => {
    const r = mulMat3Vec(obb.rotation, [a * hx, b * hy, c * hz]);
    return [obb.center[0] + r[0], obb.center[1] + r[1], obb.center[2] + r[2]] as const;
  });
}

/**
 * The 2D box (pixels) enclosing the projection of an oriented box, or null when it lies entirely
 * behind the near plane. The near-plane clipping is exactly {@link projectBox3D}'s (one shared
 * implementation), so for a pure-yaw box the two agree; the result is not clipped to the image.
 * Throws an InputError on invalid intrinsics, box or nearM.
 */
export function projectOrientedBox(K: Intrinsics, obb: OrientedBox, options: ProjectBoxOptions = {}): Box2D | null {
  validateIntrinsics(K, "projectOrientedBox");
  validateOrientedBox(obb, "projectOrientedBox", "obb.");
  const nearM = resolveNearM("projectOrientedBox", options);
  return projectCornersClipped(K, orientedBoxCorners(obb), nearM);
}

/**
 * The tightest {@link Box3D} (axes = the camera axes turned by a yaw about camera +y) that contains
 * the oriented box: what the paper's box representation can say about an object whose exact box is
 * tilted relative to the camera (a pitched or rolled camera looking at an upright object).
 *
 * - Its y extent is exact: the min and max of the corners' y.
 * - For a yaw t the x-z footprint must be the bounding rectangle, along the turned axes, of the
 *   corners' (x, z); volume = footprint area * height, so the tightest box is the yaw whose bounding
 *   rectangle of the footprint hull has the least area. That minimum is attained with one side of
 *   the rectangle along an edge of the convex hull (Freeman and Shapira 1975, the basis of rotating
 *   calipers), so the hull's edge directions are the only candidates: the minimum is found exactly,
 *   with no search tolerance, in O(8 log 8).
 * - The yaw is reported canonically in [-pi/4, pi/4): a yawed box's solid fixes its yaw only modulo
 *   pi/2 (turning by pi/2 swaps sx and sz), and this representative keeps sx the extent closest to
 *   the camera's x axis. The box is therefore a function of the solid alone, not of how the OBB's
 *   axes are labelled (its heading is kept in the OBB itself).
 *
 * A pure-yaw OBB (rotation R_y(t)) gives back the same solid (3D IoU 1), with the same numbers when
 * t is already in [-pi/4, pi/4). Ties between equal-area candidates go to the first in hull order.
 * Throws an InputError on an invalid box.
 */
export function enclosingYawBox(obb: OrientedBox): Box3D {
  validateOrientedBox(obb, "enclosingYawBox", "obb.");
  const corners = orientedBoxCorners(obb);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const c of corners) {
    if (c[1] < yMin) yMin = c[1];
    if (c[1] > yMax) yMax = c[1];
  }
  const footprint: Vec2[] = corners.map((c) => [c[0], c[2]] as const);
  const hull = convexHull(footprint);
  let best = rectangleAtYaw(footprint, 0);
  if (hull.length >= 2) {
    best = rectangleAtYaw(footprint, canonicalYaw(edgeYaw(hull[0]!, hull[1 % hull.length]!)));
    for (let i = 1; i < hull.length; i++) {
      const candidate = rectangleAtYaw(footprint, canonicalYaw(edgeYaw(hull[i]!, hull[(i + 1) % hull.length]!)));
      if (candidate.width * candidate.depth < best.width * best.depth) best = candidate;
    }
  }
  const { yaw, aMid, bMid } = best;
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  return {
    // Local (a, b) = (x, z) along the turned axes back to the camera frame: R_y(yaw) [a, 0, b].
    center: [c * aMid + s * bMid, (yMin + yMax) / 2, -s * aMid + c * bMid],
    size: [best.width, yMax - yMin, best.depth],
    yaw,
  };
}

/** The bounding rectangle of (x, z) points along the axes of a Box3D with this yaw. */
interface YawRectangle {
  readonly yaw: number;
  /** Extent along the box's local x (metres). */
  readonly width: number;
  /** Extent along the box's local z (metres). */
  readonly depth: number;
  /** Rectangle centre in local (x, z) coordinates. */
  readonly aMid: number;
  readonly bMid: number;
}

function rectangleAtYaw(pointsXZ: readonly Vec2[], yaw: number): YawRectangle {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  let aLo = Infinity;
  let aHi = -Infinity;
  let bLo = Infinity;
  let bHi = -Infinity;
  for (const [x, z] of pointsXZ) {
    // R_y(yaw)^T [x, 0, z]: coordinates along the box's local x and z axes.
    const a = c * x - s * z;
    const b = s * x + c * z;
    if (a < aLo) aLo = a;
    if (a > aHi) aHi = a;
    if (b < bLo) bLo = b;
    if (b > bHi) bHi = b;
  }
  return { yaw, width: aHi - aLo, depth: bHi - bLo, aMid: (aLo + aHi) / 2, bMid: (bLo + bHi) / 2 };
}

/**
 * The yaw that turns a box's local x axis onto the direction p -> q of the x-z plane. R_y(t) takes
 * local x to (cos t, -sin t) in (x, z), so t = -atan2(dz, dx).
 */
function edgeYaw(p: Vec2, q: Vec2): number {
  return -Math.atan2(q[1] - p[1], q[0] - p[0]);
}

/** The representative of yaw modulo pi/2 in [-pi/4, pi/4). */
function canonicalYaw(yaw: number): number {
  const quarter = Math.PI / 2;
  const t = yaw - quarter * Math.round(yaw / quarter);
  return t >= Math.PI / 4 ? t - quarter : t;
}

/**
 * Convex hull of 2D points (Andrew's monotone chain), counter-clockwise, without repeated or
 * collinear points; a single point or a segment for degenerate input.
 */
function convexHull(points: readonly Vec2[]): Vec2[] {
  const sorted = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const cross = (o: Vec2, a: Vec2, b: Vec2) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (pts: readonly Vec2[]): Vec2[] => {
    const out: Vec2[] = [];
    for (const p of pts) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    return out;
  };
  const lower = half(sorted);
  const upper = half([...sorted].reverse());
  const hull = [...lower.slice(0, -1), ...upper.slice(0, -1)];
  // All points equal: both chains hold one point and the hull above is empty.
  return hull.length === 0 ? sorted.slice(0, 1) : hull;
}
