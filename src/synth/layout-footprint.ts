// Layout footprints: oriented rectangles on a horizontal plane (an object's x-z extent in the WORLD
// frame) and the tests placement runs on them — overlap with a gap, distance to a point,
// containment in a support's top and in the room.
import type { Vec2, Vec3 } from "../geometry/index.js";
import { applyPose } from "../geometry/index.js";
import type { SupportTop } from "./catalog.js";
import type { World } from "./layout-world.js";
import type { Pose } from "./types.js";

/** A footprint: an oriented rectangle on a horizontal plane, as 4 WORLD (x, z) corners in order. */
export type Rect = readonly [Vec2, Vec2, Vec2, Vec2];

/** Corners of the bounds' x-z rectangle under `worldFromObject` (rotation about y only). */
export function footprintOf(bounds: { readonly min: Vec3; readonly max: Vec3 }, worldFromObject: Pose): Rect {
  const at = (x: number, z: number): Vec2 => {
    const p = applyPose(worldFromObject, [x, 0, z]);
    return [p[0], p[2]];
  };
  const { min, max } = bounds;
  return [at(min[0], min[2]), at(max[0], min[2]), at(max[0], max[2]), at(min[0], max[2])];
}

/**
 * True when two convex quads come within `marginM` of each other along every separating axis
 * candidate (their edge normals): the separating-axis test with a gap.
 */
export function rectsOverlap(a: Rect, b: Rect, marginM: number): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const p = poly[i]!;
      const q = poly[(i + 1) % 4]!;
      const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
      if (len === 0) continue;
      const nx = -(q[1] - p[1]) / len;
      const nz = (q[0] - p[0]) / len;
      const [a0, a1] = projectRect(a, nx, nz);
      const [b0, b1] = projectRect(b, nx, nz);
      if (b0 - a1 >= marginM || a0 - b1 >= marginM) return false;
    }
  }
  return true;
}

function projectRect(r: Rect, nx: number, nz: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [x, z] of r) {
    const d = x * nx + z * nz;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  return [lo, hi];
}

/** Distance from point (x, z) to a convex quad (corners in either winding), 0 inside. */
export function distanceToRect(r: Rect, x: number, z: number): number {
  let positive = 0;
  let negative = 0;
  let best = Infinity;
  for (let i = 0; i < 4; i++) {
    const p = r[i]!;
    const q = r[(i + 1) % 4]!;
    const ex = q[0] - p[0];
    const ez = q[1] - p[1];
    const cross = ex * (z - p[1]) - ez * (x - p[0]);
    if (cross > 0) positive++;
    if (cross < 0) negative++;
    const t = Math.max(0, Math.min(1, ((x - p[0]) * ex + (z - p[1]) * ez) / (ex * ex + ez * ez || 1)));
    best = Math.min(best, Math.hypot(x - (p[0] + t * ex), z - (p[1] + t * ez)));
  }
  return positive === 0 || negative === 0 ? 0 : best;
}

/** True when every corner of `r` (WORLD x-z) lies in the support's usable rectangle. */
export function rectInside(r: Rect, top: SupportTop, worldFromSupport: Pose): boolean {
  const R = worldFromSupport.rotation;
  const t = worldFromSupport.translation;
  return r.every(([x, z]) => {
    // Support-local coordinates: R^T (p - t), rotation about y only.
    const dx = x - t[0];
    const dz = z - t[2];
    const lx = R[0] * dx + R[6] * dz;
    const lz = R[2] * dx + R[8] * dz;
    return lx >= top.minXZ[0] && lx <= top.maxXZ[0] && lz >= top.minXZ[1] && lz <= top.maxXZ[1];
  });
}

/** True when every corner of `r` lies inside the world's x-z limits (a hair inside the walls). */
export function insideRoom(world: World, r: Rect): boolean {
  const eps = 1e-6;
  return r.every(([x, z]) => x >= world.xMin + eps && x <= world.xMax - eps && z >= world.zMin + eps && z <= world.zMax - eps);
}
