import type { Primitive } from "./types.js";

/**
 * Exact ray / primitive intersection, in the primitive's canonical PART frame (see
 * {@link Primitive}: centred at the origin, cylinder and frustum axes along +y).
 *
 * A ray is p(t) = o + t d for t in the open interval (tMin, tMax). d need not be unit; t is in
 * units of |d|. The renderer passes rays whose camera-frame direction has d_z = 1, and a rigid
 * transform keeps t, so there t is planar depth in metres in every frame.
 *
 * Every function returns the NEAREST hit in (tMin, tMax) and writes it into a reusable
 * {@link RayHit}: t and the OUTWARD unit normal at the hit, in the same frame as the ray. They
 * allocate nothing, so the renderer can call them once per pixel and part.
 *
 * Rays that start inside a solid: the nearest root past tMin is then where the ray leaves it, so
 * that exit point is returned, still with the outward normal (it points along the ray). The
 * renderer never starts a ray inside an object; this just keeps the answer defined.
 *
 * Touching counts: a point exactly on a face, rim or edge is on the surface. Rays grazing a
 * surface tangentially may report that single point or nothing.
 */

/** Where a ray meets a surface; mutable, reused across calls (allocation-free hot path). */
export interface RayHit {
  /** Ray parameter of the hit (planar depth in metres for the renderer's rays). */
  t: number;
  /** Outward unit normal at the hit, in the frame of the ray. */
  nx: number;
  ny: number;
  nz: number;
}

/** A fresh hit record to pass to the `...Into` functions. */
export function createRayHit(): RayHit {
  return { t: Infinity, nx: 0, ny: 0, nz: 0 };
}

function setHit(out: RayHit, t: number, nx: number, ny: number, nz: number): true {
  out.t = t;
  out.nx = nx;
  out.ny = ny;
  out.nz = nz;
  return true;
}

/**
 * Box with half extents (hx, hy, hz) centred at the origin (slab method).
 * Returns false when the ray misses in (tMin, tMax); `out` is then left unchanged.
 */
export function intersectBoxInto(
  out: RayHit,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  tMin: number, tMax: number,
  hx: number, hy: number, hz: number,
): boolean {
  // Entering and leaving parameters of the three slabs, and which face each one is on.
  // For d > 0 the ray enters through the -h face and leaves through +h; for d < 0 the reverse.
  let tNear = -Infinity;
  let tFar = Infinity;
  let nearAxis = -1;
  let nearSign = 0;
  let farAxis = -1;
  let farSign = 0;
  if (dx !== 0) {
    const s = dx > 0 ? 1 : -1;
    const t0 = (-s * hx - ox) / dx;
    const t1 = (s * hx - ox) / dx;
    if (t0 > tNear) { tNear = t0; nearAxis = 0; nearSign = -s; }
    if (t1 < tFar) { tFar = t1; farAxis = 0; farSign = s; }
  } else if (ox < -hx || ox > hx) return false;
  if (dy !== 0) {
    const s = dy > 0 ? 1 : -1;
    const t0 = (-s * hy - oy) / dy;
    const t1 = (s * hy - oy) / dy;
    if (t0 > tNear) { tNear = t0; nearAxis = 1; nearSign = -s; }
    if (t1 < tFar) { tFar = t1; farAxis = 1; farSign = s; }
  } else if (oy < -hy || oy > hy) return false;
  if (dz !== 0) {
    const s = dz > 0 ? 1 : -1;
    const t0 = (-s * hz - oz) / dz;
    const t1 = (s * hz - oz) / dz;
    if (t0 > tNear) { tNear = t0; nearAxis = 2; nearSign = -s; }
    if (t1 < tFar) { tFar = t1; farAxis = 2; farSign = s; }
  } else if (oz < -hz || oz > hz) return false;
  if (tNear > tFar) return false;
  let t: number;
  let axis: number;
  let sign: number;
  if (tNear > tMin) {
    t = tNear;
    axis = nearAxis;
    sign = nearSign;
  } else {
    t = tFar; // started inside: the exit
    axis = farAxis;
    sign = farSign;
  }
  if (!(t > tMin && t < tMax) || axis < 0) return false;
  return setHit(out, t, axis === 0 ? sign : 0, axis === 1 ? sign : 0, axis === 2 ? sign : 0);
}

/**
 * Sphere of `radius` centred at the origin.
 * Returns false when the ray misses in (tMin, tMax); `out` is then left unchanged.
 */
export function intersectSphereInto(
  out: RayHit,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  tMin: number, tMax: number,
  radius: number,
): boolean {
  const a = dx * dx + dy * dy + dz * dz;
  const b = ox * dx + oy * dy + oz * dz; // half the linear coefficient
  const c = ox * ox + oy * oy + oz * oz - radius * radius;
  const disc = b * b - a * c;
  if (!(disc >= 0) || a === 0) return false;
  // Stable roots: q / a and c / q never subtract nearly equal numbers.
  const q = b > 0 ? -(b + Math.sqrt(disc)) : -(b - Math.sqrt(disc));
  const r0 = q / a;
  const r1 = q !== 0 ? c / q : r0;
  const t0 = r0 < r1 ? r0 : r1;
  const t1 = r0 < r1 ? r1 : r0;
  const t = t0 > tMin ? t0 : t1;
  if (!(t > tMin && t < tMax)) return false;
  const inv = 1 / radius;
  return setHit(out, t, (ox + t * dx) * inv, (oy + t * dy) * inv, (oz + t * dz) * inv);
}

/**
 * Capped frustum (truncated cone) about +y: radius `radiusBottom` at y = -halfHeight and
 * `radiusTop` at y = +halfHeight, both >= 0 (radiusTop = 0 is a cone with its apex up; equal radii
 * a cylinder). Returns false when the ray misses in (tMin, tMax); `out` is then left unchanged.
 */
export function intersectFrustumInto(
  out: RayHit,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  tMin: number, tMax: number,
  radiusBottom: number, radiusTop: number, halfHeight: number,
): boolean {
  const h = halfHeight;
  // The side is x^2 + z^2 = r(y)^2 with r(y) = rMid + k y, for |y| <= h.
  const rMid = 0.5 * (radiusBottom + radiusTop);
  const k = (radiusTop - radiusBottom) / (2 * h);
  let best = tMax;
  let where = 0; // 0 none, 1 side, 2 bottom cap, 3 top cap
  const rOy = rMid + k * oy;
  const a = dx * dx + dz * dz - k * k * dy * dy;
  const b = ox * dx + oz * dz - k * rOy * dy; // half the linear coefficient
  const c = ox * ox + oz * oz - rOy * rOy;
  if (a !== 0) {
    const disc = b * b - a * c;
    if (disc >= 0) {
      const q = b > 0 ? -(b + Math.sqrt(disc)) : -(b - Math.sqrt(disc));
      const r0 = q / a;
      const r1 = q !== 0 ? c / q : r0;
      if (r0 > tMin && r0 < best) {
        const y = oy + r0 * dy;
        if (y >= -h && y <= h) { best = r0; where = 1; }
      }
      if (r1 > tMin && r1 < best) {
        const y = oy + r1 * dy;
        if (y >= -h && y <= h) { best = r1; where = 1; }
      }
    }
  } else if (b !== 0) {
    // Ray parallel to a generator of the cone: the quadratic degenerates to 2 b t + c = 0.
    const r = -c / (2 * b);
    if (r > tMin && r < best) {
      const y = oy + r * dy;
      if (y >= -h && y <= h) { best = r; where = 1; }
    }
  }
  if (dy !== 0) {
    const tb = (-h - oy) / dy;
    if (tb > tMin && tb < best) {
      const x = ox + tb * dx;
      const z = oz + tb * dz;
      if (x * x + z * z <= radiusBottom * radiusBottom) { best = tb; where = 2; }
    }
    const tt = (h - oy) / dy;
    if (radiusTop > 0 && tt > tMin && tt < best) {
      const x = ox + tt * dx;
      const z = oz + tt * dz;
      if (x * x + z * z <= radiusTop * radiusTop) { best = tt; where = 3; }
    }
  }
  if (where === 0) return false;
  if (where === 2) return setHit(out, best, 0, -1, 0);
  if (where === 3) return setHit(out, best, 0, 1, 0);
  // Side normal: the gradient of x^2 + z^2 - r(y)^2, i.e. (x, -k r(y), z), normalised.
  const x = ox + best * dx;
  const y = oy + best * dy;
  const z = oz + best * dz;
  const ny = -k * (rMid + k * y);
  const len = Math.sqrt(x * x + ny * ny + z * z);
  if (len < 1e-300) return setHit(out, best, 0, 1, 0); // the apex itself
  return setHit(out, best, x / len, ny / len, z / len);
}

/**
 * Capped cylinder of `radius` about +y from y = -halfHeight to +halfHeight: the frustum with equal
 * radii. Returns false when the ray misses in (tMin, tMax); `out` is then left unchanged.
 */
export function intersectCylinderInto(
  out: RayHit,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  tMin: number, tMax: number,
  radius: number, halfHeight: number,
): boolean {
  return intersectFrustumInto(out, ox, oy, oz, dx, dy, dz, tMin, tMax, radius, radius, halfHeight);
}

/**
 * One-sided plane n . p = offset with unit normal n pointing to its visible side: only rays
 * travelling against n (d . n < 0) hit it, so a room's walls are seen from inside only. The normal
 * written is n. Returns false when the ray misses in (tMin, tMax); `out` is then left unchanged.
 */
export function intersectPlaneInto(
  out: RayHit,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  tMin: number, tMax: number,
  nx: number, ny: number, nz: number, offset: number,
): boolean {
  const dn = nx * dx + ny * dy + nz * dz;
  if (!(dn < 0)) return false;
  const t = (offset - (nx * ox + ny * oy + nz * oz)) / dn;
  if (!(t > tMin && t < tMax)) return false;
  return setHit(out, t, nx, ny, nz);
}

/**
 * Any {@link Primitive}, in its canonical PART frame: dispatches on `shape.kind`. Returns false
 * when the ray misses in (tMin, tMax); `out` is then left unchanged.
 */
export function intersectPrimitiveInto(
  out: RayHit,
  shape: Primitive,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  tMin: number, tMax: number,
): boolean {
  switch (shape.kind) {
    case "box":
      return intersectBoxInto(out, ox, oy, oz, dx, dy, dz, tMin, tMax, shape.size[0] / 2, shape.size[1] / 2, shape.size[2] / 2);
    case "sphere":
      return intersectSphereInto(out, ox, oy, oz, dx, dy, dz, tMin, tMax, shape.radius);
    case "cylinder":
      return intersectCylinderInto(out, ox, oy, oz, dx, dy, dz, tMin, tMax, shape.radius, shape.height / 2);
    case "frustum":
      return intersectFrustumInto(out, ox, oy, oz, dx, dy, dz, tMin, tMax, shape.radiusBottom, shape.radiusTop, shape.height / 2);
  }
}
