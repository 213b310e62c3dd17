import { describe, expect, it } from "vitest";
import {
  box2dArea,
  box2dCenter,
  box2dFromPoints,
  box2dHeight,
  box2dWidth,
  clipBox2dToImage,
  imageBox2D,
  intersectBox2D,
  intersectionArea2d,
  iou2d,
  makeBox2D,
  pairwiseIou2d,
  validateBox2D,
  type Box2D,
} from "./box2d.js";

const box = (x1: number, y1: number, x2: number, y2: number): Box2D => ({ x1, y1, x2, y2 });

describe("measures", () => {
  it("gives width, height, area and centre without a +1 convention", () => {
    const b = box(10, 20, 14, 30);
    expect(box2dWidth(b)).toBe(4);
    expect(box2dHeight(b)).toBe(10);
    expect(box2dArea(b)).toBe(40);
    expect(box2dCenter(b)).toEqual([12, 25]);
    expect(box2dArea(box(3, 3, 3, 9))).toBe(0);
  });

  it("encloses points", () => {
    expect(box2dFromPoints([[3, 1], [-2, 5], [0, -4]])).toEqual(box(-2, -4, 3, 5));
    expect(box2dFromPoints([[1, 2]])).toEqual(box(1, 2, 1, 2));
    expect(() => box2dFromPoints([])).toThrow("box2dFromPoints: points = []: needs at least one point");
    expect(() => box2dFromPoints([[0, 0], [NaN, 1]])).toThrow("points[1]");
  });
});

describe("intersection", () => {
  it("returns the overlap", () => {
    expect(intersectBox2D(box(0, 0, 2, 2), box(1, 1, 3, 3))).toEqual(box(1, 1, 2, 2));
    expect(intersectBox2D(box(0, 0, 4, 4), box(1, -1, 2, 9))).toEqual(box(1, 0, 2, 4));
    expect(intersectionArea2d(box(0, 0, 4, 4), box(1, -1, 2, 9))).toBe(4);
  });

  it("is null / 0 for disjoint or touching boxes", () => {
    expect(intersectBox2D(box(0, 0, 1, 1), box(2, 2, 3, 3))).toBeNull();
    expect(intersectBox2D(box(0, 0, 1, 1), box(1, 0, 2, 1))).toBeNull();
    expect(intersectionArea2d(box(0, 0, 1, 1), box(1, 0, 2, 1))).toBe(0);
    expect(intersectionArea2d(box(0, 0, 1, 1), box(5, -3, 6, -2))).toBe(0);
  });
});

describe("iou2d", () => {
  it("matches hand-computed values", () => {
    expect(iou2d(box(0, 0, 2, 2), box(1, 1, 3, 3))).toBeCloseTo(1 / 7, 15);
    expect(iou2d(box(0, 0, 4, 4), box(1, 1, 3, 3))).toBe(0.25);
    expect(iou2d(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150, 15);
  });

  it("is 1 for a box with itself and symmetric", () => {
    const a = box(1.5, 2.25, 7, 9.5);
    const b = box(3, -1, 8.5, 4);
    expect(iou2d(a, a)).toBe(1);
    expect(iou2d(a, b)).toBe(iou2d(b, a));
    expect(iou2d(a, b)).toBeCloseTo((4 * 1.75) / (5.5 * 7.25 + 5.5 * 5 - 4 * 1.75), 15);
  });

  it("is 0, not NaN, for disjoint, touching and degenerate boxes", () => {
    expect(iou2d(box(0, 0, 1, 1), box(2, 2, 3, 3))).toBe(0);
    expect(iou2d(box(0, 0, 1, 1), box(1, 0, 2, 1))).toBe(0);
    expect(iou2d(box(1, 1, 1, 1), box(1, 1, 1, 1))).toBe(0);
    expect(iou2d(box(0, 0, 0, 5), box(0, 0, 3, 5))).toBe(0);
  });

  it("rejects invalid boxes, naming which", () => {
    expect(() => iou2d(box(0, 0, 1, 1), box(2, 0, 1, 1))).toThrow("iou2d: b.x2 = 1: must be >= x1 = 2");
    expect(() => iou2d(box(0, NaN, 1, 1), box(0, 0, 1, 1))).toThrow("iou2d: a.y1 = NaN");
  });
});

describe("pairwiseIou2d", () => {
  it("returns an N x M matrix of IoUs", () => {
    const a = [box(0, 0, 2, 2), box(10, 10, 12, 12)];
    const b = [box(1, 1, 3, 3), box(0, 0, 2, 2), box(11, 10, 13, 12)];
    const m = pairwiseIou2d(a, b);
    expect(m).toHaveLength(2);
    expect(m.map((row) => row.length)).toEqual([3, 3]);
    expect(m[0]![0]).toBeCloseTo(1 / 7, 15);
    expect(m[0]![1]).toBe(1);
    expect(m[0]![2]).toBe(0);
    expect(m[1]).toEqual([0, 0, 2 / 6]);
  });

  it("handles empty inputs", () => {
    expect(pairwiseIou2d([], [box(0, 0, 1, 1)])).toEqual([]);
    expect(pairwiseIou2d([box(0, 0, 1, 1), box(0, 0, 2, 2)], [])).toEqual([[], []]);
  });

  it("names the bad box by index", () => {
    expect(() => pairwiseIou2d([box(0, 0, 1, 1)], [box(0, 0, 1, 1), box(0, 5, 1, 1)])).toThrow("pairwiseIou2d: b[1].y2 = 1");
  });
});

describe("clipBox2dToImage", () => {
  const size = { width: 10, height: 8 };

  it("uses the image region [-0.5, W - 0.5] x [-0.5, H - 0.5]", () => {
    expect(imageBox2D(size)).toEqual(box(-0.5, -0.5, 9.5, 7.5));
  });

  it("clips a box that sticks out", () => {
    expect(clipBox2dToImage(box(-5, -5, 5, 5), size)).toEqual(box(-0.5, -0.5, 5, 5));
    expect(clipBox2dToImage(box(3, 2, 300, 200), size)).toEqual(box(3, 2, 9.5, 7.5));
    expect(clipBox2dToImage(box(1, 1, 2, 2), size)).toEqual(box(1, 1, 2, 2));
  });

  it("returns null when nothing is left", () => {
    expect(clipBox2dToImage(box(20, 0, 30, 5), size)).toBeNull();
    expect(clipBox2dToImage(box(-10, -10, -0.5, 3), size)).toBeNull();
  });

  it("rejects a bad size", () => {
    expect(() => clipBox2dToImage(box(0, 0, 1, 1), { width: 0, height: 8 })).toThrow("clipBox2dToImage: width = 0");
  });
});

describe("makeBox2D / validateBox2D", () => {
  it("builds valid boxes and rejects inverted ones", () => {
    expect(makeBox2D(1, 2, 3, 4)).toEqual(box(1, 2, 3, 4));
    expect(() => makeBox2D(0, 3, 1, 2, "gt.json")).toThrow("gt.json: y2 = 2: must be >= y1 = 3");
    const b = box(0, 0, 0, 0);
    expect(validateBox2D(b)).toBe(b);
  });
});
