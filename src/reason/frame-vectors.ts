import { InputError } from "../errors.js";
import type { Vec3 } from "../geometry/index.js";
import type { ReasonContext } from "./types.js";

/**
 * The directions spatial words refer to: "up" (against gravity) and a horizontal basis of the
 * ground plane, built so that numbers stay right when the camera is pitched or rolled.
 *
 *   up      = -gravity (unit), or camera -y when gravity is unknown
 *   forward = the camera's viewing axis (+z) projected on the ground plane, normalized
 *             ("12 o'clock", "in front", "behind")
 *   right   = forward x up ("3 o'clock", "to the right")
 *
 * (right, forward, up) is a right-handed orthonormal basis whenever the frame it is written in is
 * right-handed. Both frames n3d prints in are (ours: x right, y down, z forward; the official one:
 * x left, y up, z forward, which is ours turned 180 degrees about z), and both look along +z, so
 * {@link groundFrameFromUp} works unchanged in either. With gravity unknown it gives, in our frame,
 * right = +x, forward = +z, up = -y; in the official frame right = -x, forward = +z, up = +y.
 */
export interface GroundFrame {
  /** Unit vector against gravity. */
  readonly up: Vec3;
  /** Unit vector: the camera's viewing axis projected on the ground plane. */
  readonly forward: Vec3;
  /** Unit vector: forward x up, horizontal, pointing to the camera's right. */
  readonly right: Vec3;
}

/**
 * How far (as a length of the projected unit viewing axis) the camera's +z must stick out of the
 * vertical for the ground plane to have a forward direction: a camera looking within about 0.06
 * degrees of straight up or down has none.
 */
export const MIN_FORWARD_NORM = 1e-3;

/** a . b, summed left to right (traces recompute with the same order). */
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** a x b. */
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** |v| as sqrt(v . v) (not Math.hypot, whose rounding differs). */
export function norm(v: Vec3): number {
  return Math.sqrt(dot(v, v));
}

/** Camera +y is down in our frame, so "up" with gravity unknown is camera -y. */
export const DEFAULT_UP: Vec3 = [0, -1, 0];

/**
 * The up direction of a context in our camera frame (OpenCV: x right, y down, z forward): the
 * normalized negated `ctx.gravity`, or camera -y when gravity is unknown. Throws an InputError
 * when gravity is not three finite numbers or is the zero vector.
 */
export function upDirection(ctx: ReasonContext, where = "upDirection"): Vec3 {
  const g = ctx.gravity;
  if (g === undefined) return DEFAULT_UP;
  if (!Array.isArray(g) || g.length !== 3 || !g.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new InputError(where, "gravity", g, "must be three finite numbers (a direction in the camera frame)");
  }
  const n = norm(g);
  if (!(n > 0)) throw new InputError(where, "gravity", g, "must not be the zero vector");
  return [-g[0] / n, -g[1] / n, -g[2] / n];
}

/**
 * The ground frame for an up direction given in a right-handed frame that looks along +z (ours
 * or the official one). `up` need not be unit length; it is normalized first. Throws an
 * InputError when the viewing axis is (nearly) vertical, see {@link MIN_FORWARD_NORM}.
 */
export function groundFrameFromUp(up: Vec3, where = "groundFrameFromUp"): GroundFrame {
  const n = norm(up);
  if (!(n > 0) || !Number.isFinite(n)) throw new InputError(where, "up", up, "must be a finite non-zero direction");
  const u: Vec3 = [up[0] / n, up[1] / n, up[2] / n];
  // The viewing axis z = [0, 0, 1] minus its component along up.
  const k = u[2];
  const raw: Vec3 = [-(k * u[0]), -(k * u[1]), 1 - k * u[2]];
  const rawNorm = norm(raw);
  if (!(rawNorm >= MIN_FORWARD_NORM)) {
    throw new InputError(where, "up", up, "is parallel to the camera's viewing axis (+z): the ground plane has no forward direction");
  }
  const forward: Vec3 = [raw[0] / rawNorm, raw[1] / rawNorm, raw[2] / rawNorm];
  return { up: u, forward, right: cross(forward, u) };
}

/** The ground frame of a context, in our camera frame (full precision). */
export function groundFrame(ctx: ReasonContext, where = "groundFrame"): GroundFrame {
  return groundFrameFromUp(upDirection(ctx, where), where);
}

/** A camera-frame vector in ground coordinates [right, forward, up] (same units as `v`). */
export function toGround(frame: GroundFrame, v: Vec3): Vec3 {
  return [dot(v, frame.right), dot(v, frame.forward), dot(v, frame.up)];
}
