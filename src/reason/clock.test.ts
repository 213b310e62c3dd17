import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { clockBoundaryDistanceDeg, clockDifference, clockFromGround } from "./clock.js";

/** The rule as FORMATS.md writes it, in SpatialRGPT's x-left frame (v0 = left, v1 = forward). */
function spatialRgptClock(v0: number, v1: number): number {
  let angle = (Math.atan2(v0, v1) * 180) / Math.PI;
  angle = ((angle % 360) + 360) % 360;
  let clock = 12 - Math.floor(angle / 30);
  if (clock <= 0) clock += 12;
  return clock;
}

describe("clock rule", () => {
  it("matches hand examples (arguments are [right, forward])", () => {
    expect(clockFromGround(0, 1)).toEqual({ angleDeg: 0, clock: 12 }); // ahead
    expect(clockFromGround(1, 0)).toEqual({ angleDeg: 270, clock: 3 }); // right
    expect(clockFromGround(0, -1)).toEqual({ angleDeg: 180, clock: 6 }); // behind
    expect(clockFromGround(-1, 0)).toEqual({ angleDeg: 90, clock: 9 }); // left
    // 45 degrees to the right of ahead: angle 315, floor(315 / 30) = 10, 12 - 10 = 2.
    expect(clockFromGround(1, 1)).toEqual({ angleDeg: 315, clock: 2 });
    // 45 degrees to the left: angle 45, floor(1.5) = 1 -> 11.
    expect(clockFromGround(-1, 1)).toEqual({ angleDeg: 45, clock: 11 });
    expect(clockFromGround(1, -1).clock).toBe(5);
    // The floor puts straight ahead on the 12/1 boundary.
    expect(clockFromGround(0.01, 1).clock).toBe(1);
    expect(clockFromGround(-0.01, 1).clock).toBe(12);
  });

  it("equals SpatialRGPT's rule with v0 = -right, and the truncated angle gives the same hour", () => {
    const rng = createRng(3);
    for (let i = 0; i < 5000; i++) {
      const [r, f] = [rng.uniform(-5, 5), rng.uniform(-5, 5)];
      const reading = clockFromGround(r, f);
      expect(reading.clock).toBe(spatialRgptClock(-r, f));
      let fromPrinted = 12 - Math.floor(reading.angleDeg / 30);
      if (fromPrinted <= 0) fromPrinted += 12;
      expect(fromPrinted).toBe(reading.clock);
    }
  });

  it("turns by 6 hours when the vector is negated (away from boundaries)", () => {
    const rng = createRng(4);
    for (let i = 0; i < 2000; i++) {
      const [r, f] = [rng.uniform(-5, 5), rng.uniform(-5, 5)];
      const a = clockFromGround(r, f);
      if (clockBoundaryDistanceDeg(a.angleDeg) < 0.2) continue;
      expect(clockDifference(clockFromGround(-r, -f).clock, a.clock)).toBe(6);
    }
  });

  it("measures distance to a boundary and between hours", () => {
    expect(clockBoundaryDistanceDeg(31)).toBe(1);
    expect(clockBoundaryDistanceDeg(59)).toBe(1);
    expect(clockBoundaryDistanceDeg(0)).toBe(0);
    expect(clockDifference(12, 1)).toBe(1);
    expect(clockDifference(3, 9)).toBe(6);
    expect(clockDifference(11, 2)).toBe(3);
  });
});
