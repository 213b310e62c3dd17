import type { Vec2 } from "./types.js";

/**
 * Convex polygons in a plane, as vertex lists (no repeated closing vertex). Units are whatever the
 * caller's are; iou3d uses the camera x-z plane in metres. "Counter-clockwise" means positive
 * signed area with the first coordinate as the horizontal axis and the second as the vertical one.
 */

/** Signed area (shoelace): > 0 for counter-clockwise vertex order, < 0 for clockwise. */
export function signedPolygonArea(polygon: readonly Vec2[]): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x0, y0] = polygon[i]!;
    const [x1, y1] = polygon[(i + 1) % polygon.length]!;
    twice += x0 * y1 - x1 * y0;
  }
  return twice / 2;
}

/** Unsigned area of a simple polygon; 0 for fewer than 3 vertices. */
export function polygonArea(polygon: readonly Vec2[]): number {
  return Math.abs(signedPolygonArea(polygon));
}

/**
 * The intersection of two convex polygons (Sutherland-Hodgman: the subject is clipped by each edge
 * of the clip polygon in turn). Either vertex order is accepted. The result is counter-clockwise
 * and may have fewer than 3 vertices (or be degenerate with zero area) when the polygons only
 * touch or do not meet; measure it with {@link polygonArea}. A polygon with zero area (fewer than
 * 3 vertices, or all on one line) meets nothing: the result is [].
 */
export function clipConvexPolygon(subject: readonly Vec2[], clip: readonly Vec2[]): Vec2[] {
  // A clip polygon without area has edges of no direction, which would keep everything.
  if (polygonArea(subject) === 0 || polygonArea(clip) === 0) return [];
  let out: Vec2[] = counterClockwise(subject);
  const edges = counterClockwise(clip);
  for (let e = 0; e < edges.length && out.length > 0; e++) {
    const a = edges[e]!;
    const b = edges[(e + 1) % edges.length]!;
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const prev = input[(i + input.length - 1) % input.length]!;
      const cur = input[i]!;
      // Left of a->b (or on it) is inside, for a counter-clockwise clip polygon.
      const dPrev = cross(a, b, prev);
      const dCur = cross(a, b, cur);
      if (dCur >= 0) {
        if (dPrev < 0) out.push(lerp(prev, cur, dPrev / (dPrev - dCur)));
        out.push(cur);
      } else if (dPrev >= 0) {
        out.push(lerp(prev, cur, dPrev / (dPrev - dCur)));
      }
    }
  }
  return out;
}

/** The polygon in counter-clockwise order (reversed when its signed area is negative). */
function counterClockwise(polygon: readonly Vec2[]): Vec2[] {
  return signedPolygonArea(polygon) < 0 ? [...polygon].reverse() : [...polygon];
}

/** Twice the signed area of triangle (a, b, p): > 0 when p is left of the directed line a->b. */
function cross(a: Vec2, b: Vec2, p: Vec2): number {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}

function lerp(p: Vec2, q: Vec2, t: number): Vec2 {
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}
