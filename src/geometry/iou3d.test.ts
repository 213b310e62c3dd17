import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { boxContainsPoint, boxVolume, rotateY, type Box3D } from "./box3d.js";
import { footprintXZ, intersectionVolume, iou3d, pairwiseIou3d } from "./iou3d.js";
import { signedPolygonArea } from "./polygon.js";
import type { Vec3 } from "./types.js";

/**
 * The slow, obviously right reference: sample points uniformly in box a (by its local frame) and
 * count how many fall in box b; intersection = volume(a) * fraction.
 */
function monteCarloIou(a: Box3D, b: Box3D, samples: number, rand: () => number): number {
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    const local: Vec3 = [(rand() - 0.5) * a.size[0], (rand() - 0.5) * a.size[1], (rand() - 0.5) * a.size[2]];
    const r = rotateY(local, a.yaw);
    if (boxContainsPoint(b, [a.center[0] + r[0], a.center[1] + r[1], a.center[2] + r[2]])) hits++;
  }
  const inter = (boxVolume(a) * hits) / samples;
  return inter / (boxVolume(a) + boxVolume(b) - inter);
}

const unit = (center: Vec3, yaw = 0): Box3D => ({ center, size: [1, 1, 1], yaw });

describe("iou3d known values", () => {
  it("is 1 for a box with itself", () => {
    expect(iou3d(unit([0, 0, 5]), unit([0, 0, 5]))).toBe(1);
    const yawed: Box3D = { center: [0.3, -1, 4], size: [1.2, 0.7, 2.9], yaw: 0.83 };
    expect(iou3d(yawed, yawed)).toBeCloseTo(1, 12);
    expect(iou3d(yawed, yawed)).toBeLessThanOrEqual(1);
  });

  it("gives (1 - d) / (1 + d) for a unit box shifted by d along x", () => {
    for (const d of [0, 0.1, 0.25, 0.5, 0.9]) {
      expect(iou3d(unit([0, 0, 5]), unit([d, 0, 5]))).toBeCloseTo((1 - d) / (1 + d), 14);
      // Same shift along the boxes' own x axis when both are yawed (the polygon path).
      const yaw = 0.6;
      const s = rotateY([d, 0, 0], yaw);
      expect(iou3d(unit([0, 0, 5], yaw), unit([s[0], 0, 5 + s[2]], yaw))).toBeCloseTo((1 - d) / (1 + d), 12);
    }
  });

  it("is 0 for disjoint boxes and boxes touching on a face", () => {
    expect(iou3d(unit([0, 0, 5]), unit([3, 0, 5]))).toBe(0);
    expect(iou3d(unit([0, 0, 5]), unit([1, 0, 5]))).toBe(0); // touching in x
    expect(iou3d(unit([0, 0, 5]), unit([0, 1, 5]))).toBe(0); // touching in y
    expect(iou3d(unit([0, 0, 5], 0.4), unit([0, 1, 5], 0.4))).toBe(0);
    expect(iou3d(unit([0, 0, 5], 0.4), unit([5, 0, 5], 1.1))).toBe(0);
  });

  it("is 0, never NaN, with zero-size boxes", () => {
    const point: Box3D = { center: [0, 0, 5], size: [0, 0, 0], yaw: 0 };
    const flat: Box3D = { center: [0, 0, 5], size: [1, 0, 1], yaw: 0.5 };
    const sliver: Box3D = { center: [0, 0, 5], size: [0, 1, 1], yaw: 0.5 };
    expect(iou3d(point, point)).toBe(0);
    expect(iou3d(point, unit([0, 0, 5]))).toBe(0);
    expect(iou3d(flat, unit([0, 0, 5], 0.2))).toBe(0);
    expect(iou3d(sliver, unit([0, 0, 5], 0.2))).toBe(0);
    expect(iou3d(sliver, sliver)).toBe(0);
    expect(intersectionVolume(sliver, unit([0, 0, 5]))).toBe(0);
  });

  it("is 1 for a box with a square footprint against itself turned by pi/2", () => {
    const a: Box3D = { center: [1, 0.5, 6], size: [1.5, 3, 1.5], yaw: 0 };
    expect(iou3d(a, { ...a, yaw: Math.PI / 2 })).toBeCloseTo(1, 12);
    expect(iou3d(a, { ...a, yaw: -Math.PI / 2 })).toBeCloseTo(1, 12);
  });

  it("gives 1/3 for a 1 x 2 footprint against itself turned by pi/2", () => {
    const a: Box3D = { center: [0, 0, 4], size: [1, 1, 2], yaw: 0 };
    // Footprints 1 x 2 and 2 x 1 about the same centre share a 1 x 1 square: 1 / (2 + 2 - 1).
    expect(iou3d(a, { ...a, yaw: Math.PI / 2 })).toBeCloseTo(1 / 3, 12);
  });

  it("gives 1/sqrt(2) for a unit cube against itself turned by 45 degrees", () => {
    // The footprints meet in a regular octagon: the turned square's 4 tips beyond |x|, |z| = 0.5
    // are right isosceles triangles of height h = sqrt(2)/2 - 1/2 and area h^2, so the octagon
    // has area 1 - 4 h^2 = 2 sqrt(2) - 2. IoU = (2 sqrt2 - 2) / (2 - (2 sqrt2 - 2)) = 1 / sqrt 2.
    const a = unit([0, 0, 3]);
    const b = unit([0, 0, 3], Math.PI / 4);
    expect(intersectionVolume(a, b)).toBeCloseTo(2 * Math.SQRT2 - 2, 12);
    expect(iou3d(a, b)).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("multiplies footprint overlap by the overlap along y", () => {
    const a: Box3D = { center: [0, 0, 3], size: [1, 2, 1], yaw: 0 };
    const b: Box3D = { center: [0, 1.5, 3], size: [1, 2, 1], yaw: Math.PI / 4 };
    // y overlap: [-1, 1] and [0.5, 2.5] share 0.5.
    expect(intersectionVolume(a, b)).toBeCloseTo(0.5 * (2 * Math.SQRT2 - 2), 12);
  });
});

describe("iou3d invariants", () => {
  const rand = createRng(2024).next;
  const randomBox = (): Box3D => ({
    center: [rand() * 0.8 - 0.4, rand() * 0.6 - 0.3, 4 + rand() * 0.8 - 0.4],
    size: [0.5 + rand(), 0.5 + rand(), 0.5 + rand()],
    yaw: rand() * 2 * Math.PI - Math.PI,
  });

  it("matches a Monte-Carlo reference for random yawed pairs", () => {
    const mc = createRng(99).next;
    const values: number[] = [];
    for (let n = 0; n < 6; n++) {
      const a = randomBox();
      const b = randomBox();
      const exact = iou3d(a, b);
      values.push(exact);
      expect(Math.abs(exact - monteCarloIou(a, b, 200_000, mc))).toBeLessThan(0.01);
    }
    // The pairs really overlap partially, so the comparison means something.
    expect(values.every((v) => v > 0.05 && v < 0.95)).toBe(true);
  });

  it("is symmetric", () => {
    for (let n = 0; n < 50; n++) {
      const a = randomBox();
      const b = randomBox();
      expect(iou3d(a, b)).toBeCloseTo(iou3d(b, a), 12);
    }
  });

  it("does not change when both boxes turn together about the camera y axis", () => {
    // Axis-aligned pairs take the fast path; turned, they take polygon clipping.
    for (let n = 0; n < 50; n++) {
      const a = { ...randomBox(), yaw: 0 };
      const b = { ...randomBox(), yaw: 0 };
      const t = rand() * 2 * Math.PI;
      const turn = (box: Box3D): Box3D => ({ ...box, center: rotateY(box.center, t), yaw: box.yaw + t });
      expect(iou3d(turn(a), turn(b))).toBeCloseTo(iou3d(a, b), 12);
    }
  });
});

describe("footprintXZ", () => {
  it("lists the x-z rectangle counter-clockwise", () => {
    const f = footprintXZ({ center: [1, 7, 3], size: [2, 5, 4], yaw: 0 });
    expect(f).toEqual([
      [0, 1],
      [2, 1],
      [2, 5],
      [0, 5],
    ]);
    expect(signedPolygonArea(footprintXZ({ center: [1, 7, 3], size: [2, 5, 4], yaw: 2.5 }))).toBeCloseTo(8, 12);
  });
});

describe("pairwiseIou3d", () => {
  it("returns an N x M matrix", () => {
    const a = [unit([0, 0, 5]), unit([10, 0, 5])];
    const b = [unit([0.5, 0, 5]), unit([0, 0, 5]), unit([10, 0, 5], Math.PI / 4)];
    const m = pairwiseIou3d(a, b);
    expect(m.map((row) => row.length)).toEqual([3, 3]);
    expect(m[0]![0]).toBeCloseTo(1 / 3, 14);
    expect(m[0]![1]).toBe(1);
    expect(m[0]![2]).toBe(0);
    expect(m[1]![0]).toBe(0);
    expect(m[1]![2]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(pairwiseIou3d([], a)).toEqual([]);
    expect(pairwiseIou3d(a, [])).toEqual([[], []]);
  });

  it("names the bad box", () => {
    expect(() => pairwiseIou3d([unit([0, 0, 1])], [unit([0, 0, 1]), { center: [0, 0, 1], size: [1, 1, -1], yaw: 0 }])).toThrow(
      "pairwiseIou3d: b[1].size[2] = -1",
    );
    expect(() => iou3d(unit([NaN, 0, 1]), unit([0, 0, 1]))).toThrow("iou3d: a.center[0] = NaN");
  });
});
