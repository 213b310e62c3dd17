import { InputError } from "../errors.js";
import type { Box3D, Vec3 } from "../geometry/index.js";

/**
 * The one boundary between the official N3D-VLM camera frame and ours.
 *
 *   official (N3D-VLM release, MoGe x/y negated):  +x left,  +y up,   +z forward
 *   ours     (OpenCV, DESIGN.md):                   +x right, +y down, +z forward
 *
 * The two frames differ by S = diag(-1, -1, 1): p_ours = S p_official and, since S S = I,
 * p_official = S p_ours. Every function here is therefore its own inverse; both directions are
 * named anyway so call sites read as what they mean.
 *
 * Rotation about the vertical axis. The release draws a box with rotation R_y(a) about ITS y axis
 * (up): corner = c_off + R_y(a) l_off, l_off the corner offset in the box's own (official-style)
 * axes. Map to our frame with S and take our box-local offset as l = S l_off (the box's own axes
 * flip the same way as the camera's, so its extents are unchanged):
 *
 *   corner_ours = S c_off + S R_y(a) l_off = c_ours + (S R_y(a) S) l
 *
 *   R_y(a)     = [[ cos a, 0, sin a], [0, 1, 0], [-sin a, 0, cos a]]
 *   S R_y(a) S = [[ cos a, 0,-sin a], [0, 1, 0], [ sin a, 0, cos a]] = R_y(-a)
 *
 * (conjugating by S flips the sign of every entry with exactly one index in {x, y}: here the two
 * sin terms). Our {@link Box3D} rotates its local axes by R_y(yaw) about our +y (down), so
 *
 *   yaw = -angle,   angle = -yaw.
 *
 * Intuitively: the same physical turn is counter-clockwise seen from above in one frame and
 * clockwise in the other, because the y axes point opposite ways.
 */

/** Negate without producing -0, so converted values print and compare as plain 0. */
function negate(x: number): number {
  return x === 0 ? 0 : -x;
}

/** A camera-frame point from the official frame (x-left, y-up) to ours (x-right, y-down). */
export function pointFromOfficial(pointOfficialM: Vec3): Vec3 {
  return [negate(pointOfficialM[0]), negate(pointOfficialM[1]), pointOfficialM[2]];
}

/** A camera-frame point from ours (x-right, y-down) to the official frame (x-left, y-up). */
export function pointToOfficial(pointM: Vec3): Vec3 {
  return [negate(pointM[0]), negate(pointM[1]), pointM[2]];
}

/** Our yaw (radians about camera +y, down) from the release's angle_y (radians about its +y, up). */
export function yawFromOfficialAngle(angleRad: number): number {
  return negate(angleRad);
}

/** The release's angle_y (radians about its +y, up) from our yaw (radians about +y, down). */
export function officialAngleFromYaw(yawRad: number): number {
  return negate(yawRad);
}

/**
 * A box as the release holds it after decoding: centre in the official frame (metres), full
 * sizes (metres, along the box's axes, the same numbers in both frames) and angle_y (radians
 * about the official +y, up).
 */
export interface OfficialFrameBox {
  readonly centerOfficialM: Vec3;
  readonly sizeM: Vec3;
  readonly angleRad: number;
}

/** Official-frame box -> our {@link Box3D}: centre x, y negated, sizes unchanged, yaw = -angle. */
export function box3DFromOfficialFrame(box: OfficialFrameBox): Box3D {
  return {
    center: pointFromOfficial(box.centerOfficialM),
    size: [box.sizeM[0], box.sizeM[1], box.sizeM[2]],
    yaw: yawFromOfficialAngle(box.angleRad),
  };
}

/** Our {@link Box3D} -> official-frame box: centre x, y negated, sizes unchanged, angle = -yaw. */
export function box3DToOfficialFrame(box: Box3D): OfficialFrameBox {
  return {
    centerOfficialM: pointToOfficial(box.center),
    sizeM: [box.size[0], box.size[1], box.size[2]],
    angleRad: officialAngleFromYaw(box.yaw),
  };
}

function negateXY(points: Float32Array, where: string): Float32Array {
  if (points.length % 3 !== 0) {
    throw new InputError(where, "points length", points.length, "a point map is H x W x 3 (x, y, z interleaved); length must be a multiple of 3");
  }
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    out[i] = negate(points[i]!);
    out[i + 1] = negate(points[i + 1]!);
    out[i + 2] = points[i + 2]!;
  }
  return out;
}

/**
 * A point map (H x W x 3, x y z interleaved, metres) from the official frame to ours. Returns a new
 * array; NaN stays NaN.
 */
export function pointMapFromOfficial(pointsOfficialM: Float32Array): Float32Array {
  return negateXY(pointsOfficialM, "pointMapFromOfficial");
}

/** A point map (H x W x 3, metres) from our frame to the official frame. Returns a new array. */
export function pointMapToOfficial(pointsM: Float32Array): Float32Array {
  return negateXY(pointsM, "pointMapToOfficial");
}
