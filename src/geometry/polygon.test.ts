import { describe, expect, it } from "vitest";
import { clipConvexPolygon, polygonArea, signedPolygonArea } from "./polygon.js";
import type { Vec2 } from "./types.js";

const square = (x0: number, y0: number, s: number): Vec2[] => [
  [x0, y0],
  [x0 + s, y0],
  [x0 + s, y0 + s],
  [x0, y0 + s],
];

describe("polygon area", () => {
  it("is signed by orientation", () => {
    expect(signedPolygonArea(square(0, 0, 2))).toBe(4);
    expect(signedPolygonArea([...square(0, 0, 2)].reverse())).toBe(-4);
    expect(polygonArea([...square(0, 0, 2)].reverse())).toBe(4);
    expect(polygonArea([[0, 0], [4, 0], [0, 3]])).toBe(6);
    expect(polygonArea([[0, 0], [1, 1]])).toBe(0);
  });
});

describe("clipConvexPolygon", () => {
  it("intersects overlapping squares in either orientation", () => {
    expect(polygonArea(clipConvexPolygon(square(0, 0, 2), square(1, 1, 2)))).toBe(1);
    expect(polygonArea(clipConvexPolygon([...square(0, 0, 2)].reverse(), square(1, 1, 2)))).toBe(1);
    expect(polygonArea(clipConvexPolygon(square(1, 1, 2), [...square(0, 0, 2)].reverse()))).toBe(1);
    expect(signedPolygonArea(clipConvexPolygon(square(0, 0, 2), square(1, 1, 2)))).toBeGreaterThan(0);
  });

  it("cuts a triangle by a square", () => {
    // Triangle (0,0), (4,0), (0,4) inside [0,2]^2: the square minus its corner beyond x + y = 4 -> all 4.
    expect(polygonArea(clipConvexPolygon([[0, 0], [4, 0], [0, 4]], square(0, 0, 2)))).toBe(4);
    // Triangle (0,0), (2,0), (0,2) against [1,3]^2: only the corner point (1,1) touches -> 0.
    expect(polygonArea(clipConvexPolygon([[0, 0], [2, 0], [0, 2]], square(1, 1, 2)))).toBe(0);
    // Against [0.5, 2.5]^2: the triangle (0.5,0.5), (1.5,0.5), (0.5,1.5) of area 0.5.
    expect(polygonArea(clipConvexPolygon([[0, 0], [2, 0], [0, 2]], square(0.5, 0.5, 2)))).toBeCloseTo(0.5, 14);
  });

  it("returns nothing for disjoint or degenerate polygons", () => {
    expect(polygonArea(clipConvexPolygon(square(0, 0, 1), square(5, 5, 1)))).toBe(0);
    expect(clipConvexPolygon(square(0, 0, 1), [[0, 0], [1, 0], [1, 0], [0, 0]])).toEqual([]);
    expect(clipConvexPolygon(square(0, 0, 0), square(0, 0, 1))).toEqual([]);
  });
});
