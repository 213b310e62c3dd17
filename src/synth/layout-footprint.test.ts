import { describe, expect, it } from "vitest";
import type { Vec2 } from "../geometry/index.js";
import { rectsOverlap } from "./layout-footprint.js";

describe("rectsOverlap", () => {
  const square = (cx: number, cz: number, h: number): [Vec2, Vec2, Vec2, Vec2] => [
    [cx - h, cz - h],
    [cx + h, cz - h],
    [cx + h, cz + h],
    [cx - h, cz + h],
  ];

  it("tests oriented rectangles with a gap", () => {
    expect(rectsOverlap(square(0, 0, 1), square(0, 0, 1), 0)).toBe(true);
    expect(rectsOverlap(square(0, 0, 1), square(2.5, 0, 1), 0)).toBe(false);
    expect(rectsOverlap(square(0, 0, 1), square(2.5, 0, 1), 0.6)).toBe(true);
    // A diamond whose corner points at the square's corner: bounding boxes overlap, shapes do not.
    const r = Math.SQRT2;
    const diamond: [Vec2, Vec2, Vec2, Vec2] = [[2.2, 2.2 - r], [2.2 + r, 2.2], [2.2, 2.2 + r], [2.2 - r, 2.2]];
    expect(rectsOverlap(square(0, 0, 1), diamond, 0)).toBe(false);
    // The gap is (2.2 + 2.2 - r - 2) / sqrt(2) = 0.697 m, along the diamond's edge normal.
    expect(rectsOverlap(square(0, 0, 1), diamond, 0.65)).toBe(false);
    expect(rectsOverlap(square(0, 0, 1), diamond, 0.75)).toBe(true);
  });
});
