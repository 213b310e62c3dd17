import { describe, expect, it } from "vitest";
import type { Vec3 } from "../geometry/index.js";
import { createRng } from "../random.js";
import { surfaceDistance, type YawedBox } from "./surface-distance.js";
import { surfaceDistanceReference } from "./testing/trace-checker.js";

const cube = (center: Vec3, yawRad = 0, size: Vec3 = [1, 1, 1]): YawedBox => ({ center, size, yawRad });

describe("surfaceDistance", () => {
  it("matches hand values for axis-aligned boxes", () => {
    expect(surfaceDistance(cube([0, 0, 0]), cube([3, 0, 0]))).toBe(2);
    expect(surfaceDistance(cube([0, 0, 0]), cube([3, 3, 0]))).toBeCloseTo(Math.SQRT2 * 2, 12);
    expect(surfaceDistance(cube([0, 0, 0]), cube([3, 3, 3]))).toBeCloseTo(Math.sqrt(12), 12);
    expect(surfaceDistance(cube([0, 0, 0]), cube([0.5, 0.2, 0]))).toBe(0); // overlapping
    expect(surfaceDistance(cube([0, 0, 0]), cube([1, 0, 0]))).toBe(0); // touching
  });

  it("is exact for a yawed box whose corner points at the other", () => {
    // A unit cube turned 45 degrees reaches sqrt(0.5) along x; the other's face is at x = 2.5.
    expect(surfaceDistance(cube([0, 0, 0], Math.PI / 4), cube([3, 0, 0]))).toBeCloseTo(2.5 - Math.SQRT1_2, 12);
    // And a vertical gap adds in quadrature.
    expect(surfaceDistance(cube([0, 0, 0], Math.PI / 4), cube([3, 2, 0]))).toBeCloseTo(Math.hypot(2.5 - Math.SQRT1_2, 1), 12);
  });

  it("agrees with alternating projections and is symmetric on random boxes", () => {
    const rng = createRng(5);
    for (let i = 0; i < 300; i++) {
      const make = (): YawedBox => ({
        center: [rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(1, 5)],
        size: [rng.uniform(0, 1.5), rng.uniform(0, 1.5), rng.uniform(0, 1.5)],
        yawRad: rng.next() < 0.3 ? 0 : rng.uniform(-Math.PI, Math.PI),
      });
      const [a, b] = [make(), make()];
      const d = surfaceDistance(a, b);
      expect(d).toBeCloseTo(surfaceDistance(b, a), 12);
      const ref = surfaceDistanceReference(
        { c: [...a.center], s: [...a.size], yawDeg: (a.yawRad * 180) / Math.PI },
        { c: [...b.center], s: [...b.size], yawDeg: (b.yawRad * 180) / Math.PI },
      );
      expect(Math.abs(d - ref)).toBeLessThan(1e-7);
    }
  });
});
