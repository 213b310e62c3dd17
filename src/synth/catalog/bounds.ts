import type { Vec3 } from "../../geometry/index.js";
import type { Part, Pose, Primitive } from "../types.js";

/** An axis-aligned box given by its min and max corners (metres, in whatever frame is stated). */
export interface Aabb {
  readonly min: Vec3;
  readonly max: Vec3;
}

/**
 * Exact axis-aligned bounds of a primitive placed by `parentFromPart` (PART frame -> parent frame,
 * e.g. the OBJECT frame), for any rotation:
 * - box: half extent along parent axis i is sum_j |R_ij| h_j;
 * - sphere: centre +- radius;
 * - cylinder and frustum: the convex hull of the two cap discs. A disc of radius r with unit axis a
 *   reaches r sqrt(1 - a_i^2) along parent axis i, so each side takes the farther of the two caps,
 *   centred at t -+ (height / 2) a.
 */
export function primitiveBounds(shape: Primitive, parentFromPart: Pose): Aabb {
  const R = parentFromPart.rotation;
  const t = parentFromPart.translation;
  switch (shape.kind) {
    case "box": {
      const h = [shape.size[0] / 2, shape.size[1] / 2, shape.size[2] / 2] as const;
      const ext = [0, 1, 2].map((i) => Math.abs(R[3 * i]!) * h[0] + Math.abs(R[3 * i + 1]!) * h[1] + Math.abs(R[3 * i + 2]!) * h[2]);
      return spread(t, ext as unknown as Vec3);
    }
    case "sphere":
      return spread(t, [shape.radius, shape.radius, shape.radius]);
    case "cylinder":
      return capsHull(R, t, shape.height, shape.radius, shape.radius);
    case "frustum":
      return capsHull(R, t, shape.height, shape.radiusBottom, shape.radiusTop);
  }
}

/** Exact bounds of one part in its object's frame. */
export function partBounds(part: Part): Aabb {
  return primitiveBounds(part.shape, part.pose);
}

/** Exact bounds of several parts in their object's frame; throws on an empty list (no bounds exist). */
export function partsBounds(parts: readonly Part[]): Aabb {
  if (parts.length === 0) throw new Error("partsBounds: an object needs at least one part");
  return parts.map(partBounds).reduce(unionAabb);
}

/** The smallest AABB holding both. */
export function unionAabb(a: Aabb, b: Aabb): Aabb {
  return {
    min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1]), Math.min(a.min[2], b.min[2])],
    max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1]), Math.max(a.max[2], b.max[2])],
  };
}

/** Extents (max - min) along x, y, z. */
export function aabbSize(box: Aabb): Vec3 {
  return [box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]];
}

function spread(c: Vec3, half: Vec3): Aabb {
  return {
    min: [c[0] - half[0], c[1] - half[1], c[2] - half[2]],
    max: [c[0] + half[0], c[1] + half[1], c[2] + half[2]],
  };
}

/** Hull of the bottom cap (radius rBottom at t - (height/2) a) and top cap (rTop at t + (height/2) a), a = R e_y. */
function capsHull(R: Pose["rotation"], t: Vec3, height: number, rBottom: number, rTop: number): Aabb {
  const min = [0, 0, 0];
  const max = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const a = R[3 * i + 1]!; // row i of the axis column
    const off = (height / 2) * a;
    const reach = Math.sqrt(Math.max(0, 1 - a * a));
    const bottom = t[i]! - off;
    const top = t[i]! + off;
    min[i] = Math.min(bottom - rBottom * reach, top - rTop * reach);
    max[i] = Math.max(bottom + rBottom * reach, top + rTop * reach);
  }
  return { min: min as unknown as Vec3, max: max as unknown as Vec3 };
}
