import type { Vec3 } from "../geometry/index.js";

/**
 * Exact distance between the surfaces of two boxes that may each be turned about the vertical
 * axis of their frame (a {@link Box3D} yaw, or a printed box's yaw: both rotate about frame y).
 *
 * Such a box is a prism: a rectangle in the x-z plane (its footprint) times an interval of y.
 * The Minkowski difference of two products is the product of the Minkowski differences, so
 *
 *   distance(A, B)^2 = distance(footprint A, footprint B)^2 + gap(y interval A, y interval B)^2
 *
 * with gap = max(0, |cy_A - cy_B| - (sy_A + sy_B) / 2). The footprint distance is 0 when the
 * rectangles overlap (no separating axis among their four edge normals, the separating axis
 * theorem for convex polygons) and otherwise the smallest vertex-to-edge distance either way,
 * which is exact for disjoint convex polygons. Closed form, no iteration and no tolerance.
 * Boxes that touch or overlap are at distance 0. (A box with a general 3D rotation is not a
 * y-prism; this function does not take one.)
 */
export interface YawedBox {
  /** Centre, metres. */
  readonly center: Vec3;
  /** Full extents along the box's own axes, metres, >= 0. */
  readonly size: Vec3;
  /** Rotation about the frame's +y axis, radians: axes are the columns of R_y(yaw). */
  readonly yawRad: number;
}

type P2 = readonly [number, number];

/** Footprint in (x, z): centre, unit axes u (local x) and w (local z), half extents. */
interface Footprint {
  readonly c: P2;
  readonly u: P2;
  readonly w: P2;
  readonly hu: number;
  readonly hw: number;
}

function footprint(box: YawedBox): Footprint {
  const c = Math.cos(box.yawRad);
  const s = Math.sin(box.yawRad);
  // R_y(t) columns a0 = (cos t, 0, -sin t), a2 = (sin t, 0, cos t), restricted to (x, z).
  return { c: [box.center[0], box.center[2]], u: [c, -s], w: [s, c], hu: box.size[0] / 2, hw: box.size[2] / 2 };
}

function corners(f: Footprint): P2[] {
  const out: P2[] = [];
  for (const [a, b] of [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const) {
    out.push([f.c[0] + a * f.hu * f.u[0] + b * f.hw * f.w[0], f.c[1] + a * f.hu * f.u[1] + b * f.hw * f.w[1]]);
  }
  return out;
}

/** Half-length of the footprint's shadow on the unit axis n. */
function radiusOn(f: Footprint, n: P2): number {
  return f.hu * Math.abs(f.u[0] * n[0] + f.u[1] * n[1]) + f.hw * Math.abs(f.w[0] * n[0] + f.w[1] * n[1]);
}

function separated(a: Footprint, b: Footprint): boolean {
  const d: P2 = [b.c[0] - a.c[0], b.c[1] - a.c[1]];
  for (const n of [a.u, a.w, b.u, b.w]) {
    if (Math.abs(d[0] * n[0] + d[1] * n[1]) > radiusOn(a, n) + radiusOn(b, n)) return true;
  }
  return false;
}

function pointSegmentDistance(p: P2, a: P2, b: P2): number {
  const ab: P2 = [b[0] - a[0], b[1] - a[1]];
  const len2 = ab[0] * ab[0] + ab[1] * ab[1];
  let t = len2 > 0 ? ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2 : 0;
  t = Math.min(1, Math.max(0, t));
  const dx = p[0] - (a[0] + t * ab[0]);
  const dz = p[1] - (a[1] + t * ab[1]);
  return Math.sqrt(dx * dx + dz * dz);
}

function polygonDistance(pa: readonly P2[], pb: readonly P2[]): number {
  let best = Infinity;
  for (const [points, polygon] of [[pa, pb], [pb, pa]] as const) {
    for (const p of points) {
      for (let i = 0; i < polygon.length; i++) {
        best = Math.min(best, pointSegmentDistance(p, polygon[i]!, polygon[(i + 1) % polygon.length]!));
      }
    }
  }
  return best;
}

/** Distance between the footprints (x-z rectangles) of two yawed boxes, metres; 0 when they overlap. */
export function footprintDistance(a: YawedBox, b: YawedBox): number {
  const fa = footprint(a);
  const fb = footprint(b);
  return separated(fa, fb) ? polygonDistance(corners(fa), corners(fb)) : 0;
}

/** Exact distance between the surfaces (closest points) of two yawed boxes, metres; 0 when they touch or overlap. */
export function surfaceDistance(a: YawedBox, b: YawedBox): number {
  const gapY = Math.max(0, Math.abs(a.center[1] - b.center[1]) - (a.size[1] + b.size[1]) / 2);
  const xz = footprintDistance(a, b);
  return Math.sqrt(xz * xz + gapY * gapY);
}
