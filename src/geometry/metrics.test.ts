import { describe, expect, it } from "vitest";
import type { Box3D } from "./box3d.js";
import {
  boxPairMetrics,
  centerOffset2d,
  centerOffset3d,
  imageDiagonal,
  normalizedCenterOffset2d,
  projectedIou,
} from "./metrics.js";
import type { Intrinsics, Vec3 } from "./types.js";

const K: Intrinsics = { fx: 100, fy: 100, cx: 50, cy: 40 };
const at = (center: Vec3, size: Vec3 = [1, 1, 1], yaw = 0): Box3D => ({ center, size, yaw });

describe("centre offsets", () => {
  it("measures the 3D offset in metres", () => {
    expect(centerOffset3d(at([1, 2, 3]), at([4, 6, 3]))).toBe(5);
    expect(centerOffset3d(at([1, 2, 3]), at([1, 2, 3], [2, 2, 2], 1))).toBe(0);
    expect(() => centerOffset3d(at([1, 2, NaN]), at([0, 0, 1]))).toThrow("centerOffset3d: a.center[2] = NaN");
  });

  it("measures the 2D offset between projected centres in pixels", () => {
    // (0, 0, 2) -> (50, 40); (0.3, 0.4, 1) -> (80, 80).
    expect(centerOffset2d(K, at([0, 0, 2]), at([0.3, 0.4, 1]))).toBe(50);
    expect(centerOffset2d(K, at([0, 0, 2]), at([0, 0, 7]))).toBe(0);
  });

  it("is null when a centre has no pixel", () => {
    expect(centerOffset2d(K, at([0, 0, 2]), at([0, 0, -1]))).toBeNull();
    expect(centerOffset2d(K, at([0, 0, 0]), at([0, 0, 1]))).toBeNull();
    expect(normalizedCenterOffset2d(K, at([0, 0, -2]), at([0, 0, 1]), { width: 60, height: 80 })).toBeNull();
  });

  it("normalizes by the image diagonal", () => {
    expect(imageDiagonal({ width: 640, height: 480 })).toBe(800);
    expect(imageDiagonal({ width: 60, height: 80 })).toBe(100);
    expect(normalizedCenterOffset2d(K, at([0, 0, 2]), at([0.3, 0.4, 1]), { width: 60, height: 80 })).toBe(0.5);
    expect(() => imageDiagonal({ width: 10.5, height: 8 })).toThrow("imageDiagonal: width = 10.5");
  });
});

describe("projectedIou", () => {
  // Two flat 2 x 2 m squares at z = 5, 0.5 m apart in x: they project to
  // (30, 20)-(70, 60) and (40, 20)-(80, 60): IoU = 30 * 40 / (2 * 1600 - 1200) = 0.6.
  const a = at([0, 0, 5], [2, 2, 0]);
  const b = at([0.5, 0, 5], [2, 2, 0]);

  it("is the IoU of the enclosing projected boxes", () => {
    expect(projectedIou(K, a, b)).toBeCloseTo(0.6, 14);
    expect(projectedIou(K, a, a)).toBe(1);
  });

  it("can clip both boxes to the image first", () => {
    // Image 60 x 50 covers (-0.5, -0.5)-(59.5, 49.5): (30, 20)-(59.5, 49.5) and (40, 20)-(59.5, 49.5).
    expect(projectedIou(K, a, b, { clipTo: { width: 60, height: 50 } })).toBeCloseTo(19.5 / 29.5, 14);
    expect(projectedIou(K, a, at([100, 0, 5]), { clipTo: { width: 60, height: 50 } })).toBe(0);
  });

  it("is 0 when a box is entirely behind the camera", () => {
    expect(projectedIou(K, a, at([0, 0, -5]))).toBe(0);
    expect(projectedIou(K, at([0, 0, -5]), at([0, 0, -5]))).toBe(0);
  });
});

describe("boxPairMetrics", () => {
  it("collects every measure for a pair", () => {
    const truth = at([0, 0, 2], [1, 1, 1]);
    const predicted = at([0.3, 0.4, 2], [1, 1, 1]);
    const m = boxPairMetrics(K, { width: 60, height: 80 }, predicted, truth);
    // Shifted by 0.3 in x and 0.4 in y: overlap 0.7 * 0.6 * 1 = 0.42, IoU = 0.42 / 1.58.
    expect(m.iou3d).toBeCloseTo(0.42 / 1.58, 14);
    expect(m.centerOffset3dM).toBeCloseTo(0.5, 14);
    // Centres project to (65, 60) and (50, 40): 25 px, diagonal 100.
    expect(m.centerOffset2dPx).toBeCloseTo(25, 12);
    expect(m.centerOffset2dNorm).toBeCloseTo(0.25, 12);
    // Both project with their near face (z = 1.5) outermost: truth (50 +- 33.3, 40 +- 33.3), the
    // prediction shifted by (20, 26.7) px; overlap 46.7 x 40 of 66.7^2 each.
    const s = 200 / 3;
    const inter = (s - 20) * (s - 80 / 3);
    expect(m.projectedIou).toBeCloseTo(inter / (2 * s * s - inter), 12);
  });

  it("reports null 2D offsets when a centre has no pixel", () => {
    const m = boxPairMetrics(K, { width: 60, height: 80 }, at([0, 0, -3]), at([0, 0, 2]));
    expect(m.centerOffset2dPx).toBeNull();
    expect(m.centerOffset2dNorm).toBeNull();
    expect(m.iou3d).toBe(0);
    expect(m.projectedIou).toBe(0);
  });
});
