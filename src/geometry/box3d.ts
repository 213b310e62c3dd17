import { InputError } from "../errors.js";
import { backProject, project } from "./camera.js";
import type { Intrinsics, Vec2, Vec3 } from "./types.js";

/**
 * A 3D box in the camera frame (OpenCV: +x right, +y down, +z forward, metres).
 *
 * `center` is the box centre, `size` its full extents (sx, sy, sz) along its own axes, and `yaw`
 * a rotation in radians about the camera +y axis (which points down). With yaw = 0 the box axes
 * are the camera axes. The box's local axis a maps to the camera frame by R_y(yaw):
 *
 *   R_y(t) = [[ cos t, 0, sin t],
 *             [   0,   1,   0  ],
 *             [-sin t, 0, cos t]]
 *
 * so a positive yaw turns the box's +x axis from camera +x towards camera -z (towards the viewer)
 * and its +z axis from camera +z towards camera +x.
 */
export interface Box3D {
  readonly center: Vec3;
  readonly size: Vec3;
  readonly yaw: number;
}

/**
 * The paper's UVZ form: (u, v) the pixel projection of the centre, z the centre's planar depth in
 * metres, plus the same size and yaw as {@link Box3D}.
 */
export interface BoxUVZ {
  readonly uvPx: Vec2;
  readonly depthM: number;
  readonly size: Vec3;
  readonly yaw: number;
}

/** Build a Box3D, checking every number is finite, sizes are >= 0. */
export function makeBox3D(center: Vec3, size: Vec3, yaw = 0, where = "Box3D"): Box3D {
  checkBoxNumbers(center, size, yaw, where, "");
  return { center: [center[0], center[1], center[2]], size: [size[0], size[1], size[2]], yaw };
}

/**
 * Throw an InputError unless every number of the box is finite and its sizes are >= 0; returns
 * the box unchanged. `field` prefixes the field names in the message (e.g. "boxes[3].").
 */
export function validateBox3D(box: Box3D, where = "Box3D", field = ""): Box3D {
  checkBoxNumbers(box.center, box.size, box.yaw, where, field);
  return box;
}

function checkBoxNumbers(center: Vec3, size: Vec3, yaw: number, where: string, prefix: string): void {
  center.forEach((c, i) => {
    if (!Number.isFinite(c)) throw new InputError(where, `${prefix}center[${i}]`, c, "must be a finite number (metres)");
  });
  size.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0) throw new InputError(where, `${prefix}size[${i}]`, s, "must be a finite number >= 0 (metres)");
  });
  if (!Number.isFinite(yaw)) throw new InputError(where, `${prefix}yaw`, yaw, "must be a finite number (radians)");
}

/** UVZ -> camera-frame box: the centre is z * K^-1 [u, v, 1]. */
export function boxFromUVZ(K: Intrinsics, box: BoxUVZ): Box3D {
  return { center: backProject(K, box.uvPx, box.depthM), size: box.size, yaw: box.yaw };
}

/** Camera-frame box -> UVZ. Throws when the centre is not in front of the camera (z <= 0). */
export function boxToUVZ(K: Intrinsics, box: Box3D): BoxUVZ {
  const uv = project(K, box.center);
  if (uv === null) throw new InputError("boxToUVZ", "center.z", box.center[2], "box centre must be in front of the camera (z > 0)");
  return { uvPx: uv, depthM: box.center[2], size: box.size, yaw: box.yaw };
}

/**
 * Corner signs in the box's local frame, in corner order. Local axes are the camera axes when
 * yaw = 0 (x right, y down, z forward), so corners 0-3 are the near face (z -), 4-7 the far face:
 *
 *            4 -------- 5          corner  local (x, y, z) / half size
 *           /|         /|            0     (-, -, -)   near top left
 *          / |        / |            1     (+, -, -)   near top right
 *         0 -------- 1  |            2     (+, +, -)   near bottom right
 *         |  7 ------|- 6            3     (-, +, -)   near bottom left
 *         | /        | /             4-7   the same with z +
 *         |/         |/
 *         3 -------- 2          x right, y down, z into the page
 */
export const CORNER_SIGNS: readonly Vec3[] = [
  [-1, -1, -1],
  [1, -1, -1],
  [1, 1, -1],
  [-1, 1, -1],
  [-1, -1, 1],
  [1, -1, 1],
  [1, 1, 1],
  [-1, 1, 1],
];

/** The 12 edges of a box as pairs of corner indices (near face, far face, then the 4 joining edges). */
export const BOX_EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [1, 2], [2, 3], [3, 0],
  [4, 5], [5, 6], [6, 7], [7, 4],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

/** Rotate a local-frame offset by R_y(yaw) (see {@link Box3D}). */
export function rotateY(v: Vec3, yaw: number): Vec3 {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  return [c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]];
}

/** The 8 corners of a box in the camera frame, in {@link CORNER_SIGNS} order. */
export function boxCorners(box: Box3D): Vec3[] {
  const [hx, hy, hz] = [box.size[0] / 2, box.size[1] / 2, box.size[2] / 2];
  return CORNER_SIGNS.map(([a, b, c]) => {
    const r = rotateY([a * hx, b * hy, c * hz], box.yaw);
    return [box.center[0] + r[0], box.center[1] + r[1], box.center[2] + r[2]] as const;
  });
}

/** Box volume in cubic metres. */
export function boxVolume(box: Box3D): number {
  return box.size[0] * box.size[1] * box.size[2];
}

/**
 * A point in the box's local frame (centre at the origin, axes along the box): inverse of the
 * rotation in {@link boxCorners}.
 */
export function toBoxLocal(box: Box3D, pointM: Vec3): Vec3 {
  const d: Vec3 = [pointM[0] - box.center[0], pointM[1] - box.center[1], pointM[2] - box.center[2]];
  return rotateY(d, -box.yaw);
}

/** True when the point lies inside or on the box. */
export function boxContainsPoint(box: Box3D, pointM: Vec3): boolean {
  const p = toBoxLocal(box, pointM);
  return (
    Math.abs(p[0]) <= box.size[0] / 2 && Math.abs(p[1]) <= box.size[1] / 2 && Math.abs(p[2]) <= box.size[2] / 2
  );
}
