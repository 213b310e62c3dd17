import { InputError } from "../errors.js";
import { BOX_EDGES, boxCorners, validateBox3D, type Box3D } from "./box3d.js";
import { box2dFromPoints, type Box2D } from "./box2d.js";
import { project, validateIntrinsics } from "./camera.js";
import type { Intrinsics, Vec2, Vec3 } from "./types.js";

/** Options for projecting boxes that may reach behind the camera. */
export interface ProjectBoxOptions {
  /**
   * The near plane z = nearM (metres, > 0): the part of a box with z < nearM is cut away before
   * projecting. Default 0.01 m.
   */
  readonly nearM?: number;
}

/** The near plane used when {@link ProjectBoxOptions.nearM} is not given (metres). */
export const DEFAULT_NEAR_M = 0.01;

/** A 3D segment between two camera-frame points (metres). */
export type Segment3 = readonly [Vec3, Vec3];

/** A 2D segment between two pixel positions. */
export type Segment2 = readonly [Vec2, Vec2];

/**
 * The 2D box (pixels) enclosing the projection of a 3D box, or null when the box lies entirely
 * behind the near plane.
 *
 * When all 8 corners have z >= nearM this is exactly the min/max of the 8 projected corners (a
 * convex solid in front of the camera projects inside the hull of its projected corners).
 *
 * When the box crosses the plane z = nearM, projecting its corners is meaningless (a corner behind
 * the camera has no pixel, and one just in front of it has a huge one). Instead the box, a convex
 * solid, is clipped by the half-space z >= nearM: each of the 12 edges is cut at z = nearM, and
 * the clipped solid is the convex hull of the corners with z >= nearM plus the points where edges
 * cross the plane. The result encloses the projection of that clipped solid, i.e. of everything of
 * the box at depth >= nearM. Because nearM is small (1 cm by default), a box that reaches near or
 * past the camera projects very wide: the result may extend far beyond the image (thousands of
 * pixels) and is not clipped to it; callers that want the visible part clip it with
 * {@link clipBox2dToImage}.
 *
 * Throws an InputError on invalid intrinsics, box numbers or nearM.
 */
export function projectBox3D(K: Intrinsics, box: Box3D, options: ProjectBoxOptions = {}): Box2D | null {
  const nearM = checkInputs("projectBox3D", K, box, options);
  return projectCornersClipped(K, boxCorners(box), nearM);
}

/**
 * The 2D box (pixels) enclosing the projection of any box-shaped solid (a parallelepiped: an
 * axis-aligned, yawed or fully rotated box) given by its 8 camera-frame corners in
 * {@link CORNER_SIGNS} order, so that {@link BOX_EDGES} are its edges; null when it lies entirely
 * behind the near plane z = nearM. The near-plane clipping is the one {@link projectBox3D}
 * documents; this is its single implementation, shared with the oriented-box projection.
 *
 * Trusts its inputs: K valid, corners finite, nearM > 0 (check them with
 * {@link validateIntrinsics} and {@link resolveNearM} at the public entry).
 */
export function projectCornersClipped(K: Intrinsics, corners: readonly Vec3[], nearM: number): Box2D | null {
  const points: Vec2[] = [];
  for (const edge of clipEdgesToNear(corners, nearM)) {
    if (edge !== null) points.push(projectFront(K, edge[0]), projectFront(K, edge[1]));
  }
  return points.length === 0 ? null : box2dFromPoints(points, "projectCornersClipped");
}

/**
 * The near plane of {@link ProjectBoxOptions} (metres), defaulting to {@link DEFAULT_NEAR_M}.
 * Throws an InputError naming `where` unless it is a finite number > 0.
 */
export function resolveNearM(where: string, options: ProjectBoxOptions): number {
  const nearM = options.nearM ?? DEFAULT_NEAR_M;
  if (!Number.isFinite(nearM) || nearM <= 0) throw new InputError(where, "nearM", nearM, "must be a finite number > 0 (metres)");
  return nearM;
}

/**
 * The pixel projection of the box centre, or null when the centre is not in front of the camera
 * (z <= 0); see {@link project}.
 */
export function projectedCenter(K: Intrinsics, box: Box3D): Vec2 | null {
  validateIntrinsics(K, "projectedCenter");
  validateBox3D(box, "projectedCenter", "box.");
  return project(K, box.center);
}

/**
 * The 8 corners projected to pixels, in {@link CORNER_SIGNS} order (for drawing), with null for a
 * corner nearer than the near plane (z < nearM, default 0.01 m), which has no usable pixel.
 * To draw a box that crosses the near plane, use {@link projectBoxEdges}.
 */
export function projectBoxCorners(K: Intrinsics, box: Box3D, options: ProjectBoxOptions = {}): (Vec2 | null)[] {
  const nearM = checkInputs("projectBoxCorners", K, box, options);
  return boxCorners(box).map((c) => (c[2] >= nearM ? projectFront(K, c) : null));
}

/**
 * The box's 12 edges, clipped to z >= nearM and projected to pixels, for drawing: always 12
 * entries in {@link BOX_EDGES} order, null for an edge entirely nearer than nearM. Like
 * {@link projectBox3D}, endpoints may lie far outside the image.
 */
export function projectBoxEdges(K: Intrinsics, box: Box3D, options: ProjectBoxOptions = {}): (Segment2 | null)[] {
  const nearM = checkInputs("projectBoxEdges", K, box, options);
  return clipEdgesToNear(boxCorners(box), nearM).map((edge) =>
    edge === null ? null : ([projectFront(K, edge[0]), projectFront(K, edge[1])] as const),
  );
}

/**
 * The 12 box edges (corners in {@link CORNER_SIGNS} order) clipped to the half-space z >= nearM,
 * in {@link BOX_EDGES} order, dropping edges that lie wholly at z < nearM. A crossing point is
 * placed exactly on the plane.
 */
function clipEdgesToNear(corners: readonly Vec3[], nearM: number): (Segment3 | null)[] {
  return BOX_EDGES.map(([i, j]) => {
    const a = corners[i]!;
    const b = corners[j]!;
    const aIn = a[2] >= nearM;
    const bIn = b[2] >= nearM;
    if (aIn && bIn) return [a, b] as const;
    if (aIn) return [a, onNearPlane(a, b, nearM)] as const;
    if (bIn) return [onNearPlane(b, a, nearM), b] as const;
    return null;
  });
}

/** The point where segment a-b meets z = nearM, given a[2] >= nearM > b[2]. */
function onNearPlane(a: Vec3, b: Vec3, nearM: number): Vec3 {
  const t = (a[2] - nearM) / (a[2] - b[2]); // in [0, 1); the denominator is > 0
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), nearM];
}

/** Project a point known to have z >= nearM > 0, where {@link project} always returns a pixel. */
function projectFront(K: Intrinsics, p: Vec3): Vec2 {
  return project(K, p)!;
}

function checkInputs(where: string, K: Intrinsics, box: Box3D, options: ProjectBoxOptions): number {
  validateIntrinsics(K, where);
  validateBox3D(box, where, "box.");
  return resolveNearM(where, options);
}
