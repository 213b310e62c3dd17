import { enclosingYawBox, mulMat3, mulMat3Vec, rotationY, type Box3D, type Mat3, type Vec3 } from "../geometry/index.js";
import type { LiftBuffers } from "./buffers.js";
import { percentileUnsorted } from "./outliers.js";
import { predictHiddenExtentM, type FootprintPrior } from "./priors.js";

/**
 * Box fit: from an object's camera-frame points to a {@link Box3D}.
 *
 * 1. Vertical axis along gravity when the frame gives it (else camera +y): the points are turned
 *    into a gravity-aligned frame G by the smallest rotation taking camera +y onto gravity
 *    ({@link cameraFromGravity}); there an upright object is a box turned only about the vertical.
 * 2. Yaw about the vertical from the footprint (the points' horizontal projections), by default
 *    with the closeness criterion of L-shape fitting ({@link closenessYaw}): the visible faces lie
 *    on the object's rectangle, so the yaw whose rectangle has the points nearest its edges wins;
 *    a single visible face and an L of two both give the object's own axes, where PCA of an L gives
 *    its diagonal. The alternative is the minimum-area rectangle ({@link minAreaRectangleYaw}): one
 *    of its sides lies along a hull edge (Freeman and Shapira 1975), so only hull edges are tried,
 *    on the Bentley-Faust-Preparata approximate hull (64 strips, min and max per strip: O(n), no
 *    sort). It is ambiguous for a long face plus a few pixels of a side (a triangle's rectangles
 *    all have the same area), which is why closeness is the default (numbers in lift.ts).
 * 3. Extents along the rectangle's axes and the vertical from robust percentiles
 *    [p, 100 - p] of the points' coordinates (p = extentPercent for noisy depth,
 *    cleanExtentPercent for clean depth).
 * 4. Hidden extent: the camera sees only the front of the object, so along the horizontal box axis
 *    that points away from the camera the visible extent is short. With hiddenExtent "prior" that
 *    extent is raised to the category prior's prediction ({@link predictHiddenExtentM}, from the
 *    visible width and height), keeping the near face where it was seen and moving the far face
 *    away from the camera. extentMethod is "prior" when this grew the box, else "visible".
 * 5. The fitted box is an oriented box in the camera frame (gravity-aligned, yawed); the n3d box is
 *    the tightest yaw-only box around it (geometry's {@link enclosingYawBox}), which is exactly how
 *    the synth truth is made from the objects' oriented boxes.
 */

/** Fit parameters (fields of LiftOptions; defaults and reasons in lift.ts). */
export interface FitOptions {
  /**
   * Extents from the [p, 100 - p] percentiles of the coordinates along each box axis, p in [0, 50),
   * for an object whose depth is noisy (see SelectOptions.noisyDepthM): noise spreads the extremes.
   */
  readonly extentPercent: number;
  /** The same for an object whose depth is clean: its extremes are the object's. */
  readonly cleanExtentPercent: number;
  /** The same two for box-only selections, whose points hold some background at the object's depth. */
  readonly boxExtentPercent: number;
  readonly boxCleanExtentPercent: number;
  /** Fit with the vertical along the frame's gravity when it has one (else camera +y). */
  readonly useGravity: boolean;
  /** "prior": complete the depth extent from the category prior; "visible": visible extent only. */
  readonly hiddenExtent: "prior" | "visible";
  /** How the yaw is found from the footprint: "closeness" or "min-area" (see the file comment). */
  readonly yawMethod: "closeness" | "min-area";
  /** "closeness": distances below this count as this (metres), so a few points on an edge cannot dominate. */
  readonly closenessFloorM: number;
}

/** What {@link fitBox} returns. */
export interface FitResult {
  readonly box: Box3D;
  readonly extentMethod: "visible" | "prior";
  /** The box's extent along its away-from-camera horizontal axis as seen, and after completion, metres. */
  readonly visibleDepthM: number;
  readonly depthM: number;
}

/** Strips of the approximate hull (see the file comment). */
export const HULL_STRIPS = 64;

/**
 * The rotation cameraFromGravity whose column 1 (the G frame's +y, "down") is the unit gravity
 * vector g given in the camera frame: the smallest rotation taking camera +y onto g (Rodrigues),
 * so with g = +y it is the identity and G is the camera frame. g is normalized here; it must be
 * finite and non-zero (liftObject checks).
 */
export function cameraFromGravity(g: Vec3): Mat3 {
  const norm = Math.hypot(g[0], g[1], g[2]);
  const gx = g[0] / norm;
  const gy = g[1] / norm;
  const gz = g[2] / norm;
  if (gy < -1 + 1e-12) return [1, 0, 0, 0, -1, 0, 0, 0, -1]; // upside down: half a turn about x
  // R = I + [v]x + [v]x^2 / (1 + c), v = (0, 1, 0) x g = (gz, 0, -gx), c = gy.
  const k = 1 / (1 + gy);
  const vx = gz;
  const vz = -gx;
  return [
    1 - k * vz * vz, gx, k * vx * vz,
    -gx, gy, -gz,
    k * vx * vz, gz, 1 - k * vx * vx,
  ];
}

/**
 * Yaw (Box3D convention: local x along (cos t, -sin t) in the (x, z) plane) of the minimum-area
 * rectangle around the first n points (xs[i], zs[i]), from the approximate hull. 0 for fewer than
 * two distinct points. Uses buffers.order and buffers.hull as scratch.
 */
export function minAreaRectangleYaw(xs: Float64Array, zs: Float64Array, n: number, buffers: LiftBuffers): number {
  const hullCount = approximateHull(xs, zs, n, buffers);
  const hull = buffers.hull;
  if (hullCount < 2) return 0;
  let bestYaw = 0;
  let bestArea = Infinity;
  for (let e = 0; e < hullCount; e++) {
    const p = hull[e]!;
    const q = hull[(e + 1) % hullCount]!;
    const dx = xs[q]! - xs[p]!;
    const dz = zs[q]! - zs[p]!;
    if (dx === 0 && dz === 0) continue;
    const yaw = -Math.atan2(dz, dx);
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    let aLo = Infinity;
    let aHi = -Infinity;
    let bLo = Infinity;
    let bHi = -Infinity;
    for (let h = 0; h < hullCount; h++) {
      const j = hull[h]!;
      const a = c * xs[j]! - s * zs[j]!;
      const b = s * xs[j]! + c * zs[j]!;
      if (a < aLo) aLo = a;
      if (a > aHi) aHi = a;
      if (b < bLo) bLo = b;
      if (b > bHi) bHi = b;
    }
    const area = (aHi - aLo) * (bHi - bLo);
    if (area < bestArea - 1e-15) {
      bestArea = area;
      bestYaw = yaw;
    }
  }
  return bestYaw;
}

/** Points the closeness search scores at most (a regular subsample of the footprint). */
export const CLOSENESS_SAMPLES = 128;

/**
 * Yaw (Box3D convention) of the rectangle whose edges the footprint points (xs[i], zs[i]) hug: the
 * closeness criterion of L-shape fitting (Zhang et al. 2017, "Efficient L-shape fitting for vehicle
 * detection using laser scanners"). For a yaw t the points' bounding rectangle along the turned axes
 * is taken, each point scores 1 / max(distance to the nearest rectangle edge, floorM), and the yaw
 * with the highest total wins: visible faces lie ON the object's rectangle, so the right yaw puts
 * many points at distance ~0, even when one face shows only a few pixels (where the minimum-area
 * rectangle of a long face plus a short stub is ambiguous). Search: 5 degree steps over [0, 90),
 * then 1 degree steps within 5 degrees of the best, then 0.25 degree steps within 1 degree; on at
 * most {@link CLOSENESS_SAMPLES} points.
 */
export function closenessYaw(xs: Float64Array, zs: Float64Array, n: number, floorM: number): number {
  if (n < 2) return 0;
  const step = Math.max(1, Math.ceil(n / CLOSENESS_SAMPLES));
  const deg = Math.PI / 180;
  let best = 0;
  let bestScore = closenessScore(xs, zs, n, step, 0, floorM);
  const tryYaw = (yaw: number): void => {
    const score = closenessScore(xs, zs, n, step, yaw, floorM);
    if (score > bestScore) {
      bestScore = score;
      best = yaw;
    }
  };
  for (let k = 1; k < 18; k++) tryYaw(k * 5 * deg);
  const coarse = best;
  for (let k = -4; k <= 4; k++) if (k !== 0) tryYaw(coarse + k * deg);
  const middle = best;
  for (let k = -3; k <= 3; k++) if (k !== 0) tryYaw(middle + k * 0.25 * deg);
  return best;
}

function closenessScore(xs: Float64Array, zs: Float64Array, n: number, step: number, yaw: number, floorM: number): number {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  let aLo = Infinity;
  let aHi = -Infinity;
  let bLo = Infinity;
  let bHi = -Infinity;
  for (let i = 0; i < n; i += step) {
    const a = c * xs[i]! - s * zs[i]!;
    const b = s * xs[i]! + c * zs[i]!;
    if (a < aLo) aLo = a;
    if (a > aHi) aHi = a;
    if (b < bLo) bLo = b;
    if (b > bHi) bHi = b;
  }
  let score = 0;
  for (let i = 0; i < n; i += step) {
    const a = c * xs[i]! - s * zs[i]!;
    const b = s * xs[i]! + c * zs[i]!;
    const d = Math.min(a - aLo, aHi - a, b - bLo, bHi - b);
    score += 1 / (d > floorM ? d : floorM);
  }
  return score;
}

/**
 * Bentley-Faust-Preparata approximate convex hull of the first n points: the x range is cut into
 * {@link HULL_STRIPS} strips, each strip contributes its lowest-z and highest-z point, and Andrew's
 * monotone chain joins them (strip order is x order, so no sort). Writes the hull's point indices,
 * counter-clockwise in (x, z), to buffers.hull and returns how many.
 */
function approximateHull(xs: Float64Array, zs: Float64Array, n: number, buffers: LiftBuffers): number {
  if (n === 0) return 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
  }
  const strips = HULL_STRIPS;
  const order = buffers.order; // [0, strips): lowest-z point per strip; [strips, 2 strips): highest
  order.fill(-1, 0, 2 * strips);
  const scale = xMax > xMin ? strips / (xMax - xMin) : 0;
  for (let i = 0; i < n; i++) {
    const s = Math.min(strips - 1, Math.floor((xs[i]! - xMin) * scale));
    const lo = order[s]!;
    if (lo < 0 || zs[i]! < zs[lo]! || (zs[i] === zs[lo] && xs[i]! < xs[lo]!)) order[s] = i;
    const hi = order[strips + s]!;
    if (hi < 0 || zs[i]! > zs[hi]! || (zs[i] === zs[hi] && xs[i]! > xs[hi]!)) order[strips + s] = i;
  }
  const hull = buffers.hull;
  let k = 0;
  const cross = (o: number, a: number, b: number): number =>
    (xs[a]! - xs[o]!) * (zs[b]! - zs[o]!) - (zs[a]! - zs[o]!) * (xs[b]! - xs[o]!);
  // Lower chain, left to right over the strips' lowest points.
  for (let s = 0; s < strips; s++) {
    const p = order[s]!;
    if (p < 0) continue;
    while (k >= 2 && cross(hull[k - 2]!, hull[k - 1]!, p) <= 0) k--;
    hull[k++] = p;
  }
  // Upper chain, right to left over the strips' highest points.
  const lowerSize = k + 1;
  for (let s = strips - 1; s >= 0; s--) {
    const p = order[strips + s]!;
    if (p < 0) continue;
    while (k >= lowerSize && cross(hull[k - 2]!, hull[k - 1]!, p) <= 0) k--;
    hull[k++] = p;
  }
  // The last point repeats the first (or all points coincide).
  if (k > 1 && xs[hull[k - 1]!] === xs[hull[0]!] && zs[hull[k - 1]!] === zs[hull[0]!]) k--;
  return k;
}

/**
 * Fit a box to the first n (>= 1) camera-frame points in buffers.x/y/z (overwritten with their G
 * frame coordinates). `gravity` is the frame's gravity (camera frame, unit, down) or undefined;
 * `prior` the category's footprint prior; `extentPercent` the percentile p of the extents
 * (options.extentPercent for noisy depth, cleanExtentPercent for clean; lift.ts picks);
 * `supportHeightM` the height along gravity (G-frame y, metres) of the plane the object stands on
 * when one was found (outliers.ts, dropSupportPlane), to which the box's bottom is extended (used
 * only in a gravity-aligned fit). See the file comment for the steps.
 */
export function fitBox(
  n: number,
  buffers: LiftBuffers,
  gravity: Vec3 | undefined,
  prior: FootprintPrior,
  extentPercent: number,
  options: FitOptions,
  supportHeightM: number | null = null,
): FitResult {
  const { x, y, z } = buffers;
  const R = options.useGravity && gravity !== undefined ? cameraFromGravity(gravity) : null;
  if (R !== null) {
    // G coordinates: R^T p (the rows of R^T are R's columns).
    for (let i = 0; i < n; i++) {
      const px = x[i]!;
      const py = y[i]!;
      const pz = z[i]!;
      x[i] = R[0] * px + R[3] * py + R[6] * pz;
      y[i] = R[1] * px + R[4] * py + R[7] * pz;
      z[i] = R[2] * px + R[5] * py + R[8] * pz;
    }
  }
  const yaw = options.yawMethod === "min-area" ? minAreaRectangleYaw(x, z, n, buffers) : closenessYaw(x, z, n, options.closenessFloorM);
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const { a, b, c: v } = buffers;
  for (let i = 0; i < n; i++) {
    a[i] = c * x[i]! - s * z[i]!;
    b[i] = s * x[i]! + c * z[i]!;
    v[i] = y[i]!;
  }
  const p = extentPercent;
  const [aLo, aHi] = robustRange(a, n, p);
  let [bLo, bHi] = robustRange(b, n, p);
  const [yLo, yHiSeen] = robustRange(v, n, p);
  // G's +y is gravity, so a support plane's height is a G y: the object reaches down to it.
  const yHi = supportHeightM !== null && R !== null ? Math.max(yHiSeen, supportHeightM) : yHiSeen;

  // Which horizontal box axis points away from the camera: the one more aligned with the ray to
  // the rectangle's centre (G frame, camera at the origin).
  const aMid0 = (aLo + aHi) / 2;
  const bMid0 = (bLo + bHi) / 2;
  const rx = c * aMid0 + s * bMid0;
  const rz = -s * aMid0 + c * bMid0;
  const alongA = c * rx - s * rz; // ray . local x
  const alongB = s * rx + c * rz; // ray . local z
  const depthIsB = Math.abs(alongB) >= Math.abs(alongA);
  let depthLo = depthIsB ? bLo : aLo;
  let depthHi = depthIsB ? bHi : aHi;
  const widthM = depthIsB ? aHi - aLo : bHi - bLo;
  const visibleDepthM = depthHi - depthLo;
  let extentMethod: FitResult["extentMethod"] = "visible";
  if (options.hiddenExtent === "prior") {
    const hidden = predictHiddenExtentM(prior, widthM, yHi - yLo);
    if (hidden > visibleDepthM) {
      extentMethod = "prior";
      const away = depthIsB ? alongB : alongA;
      if (away >= 0) depthHi = depthLo + hidden;
      else depthLo = depthHi - hidden;
    }
  }
  let aLoF = aLo;
  let aHiF = aHi;
  if (depthIsB) {
    bLo = depthLo;
    bHi = depthHi;
  } else {
    aLoF = depthLo;
    aHiF = depthHi;
  }

  // The oriented box in G (local axes R_y(yaw)), then in the camera frame.
  const local: Vec3 = [(aLoF + aHiF) / 2, (yLo + yHi) / 2, (bLo + bHi) / 2];
  const centerG: Vec3 = [c * local[0] + s * local[2], local[1], -s * local[0] + c * local[2]];
  const rotationG = rotationY(yaw);
  const obb =
    R === null
      ? { center: centerG, size: [aHiF - aLoF, yHi - yLo, bHi - bLo] as Vec3, rotation: rotationG }
      : { center: mulMat3Vec(R, centerG), size: [aHiF - aLoF, yHi - yLo, bHi - bLo] as Vec3, rotation: mulMat3(R, rotationG) };
  const box = enclosingYawBox(obb);
  return { box, extentMethod, visibleDepthM, depthM: depthHi - depthLo };
}

/** [lo, hi] of the first n values at percentiles p and 100 - p (min and max for p = 0); reorders them when p > 0. */
function robustRange(values: Float64Array, n: number, p: number): [number, number] {
  if (p <= 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = values[i]!;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    return [lo, hi];
  }
  return [percentileUnsorted(values, n, p), percentileUnsorted(values, n, 100 - p)];
}
