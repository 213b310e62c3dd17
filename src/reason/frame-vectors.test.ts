import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { createRng } from "../random.js";
import { cross, dot, groundFrame, groundFrameFromUp, upDirection } from "./frame-vectors.js";
import { gravityOf } from "./testing/scenes.js";

describe("ground frame", () => {
  it("is the camera's axes when gravity is unknown", () => {
    const g = groundFrame({});
    expect(g.up).toEqual([0, -1, 0]);
    expect(g.forward.map((v) => v + 0)).toEqual([0, 0, 1]);
    expect(g.right.map((v) => v + 0)).toEqual([1, 0, 0]);
  });

  it("gives right = -x in the official frame (x-left, y-up)", () => {
    const g = groundFrameFromUp([0, 1, 0]);
    expect(g.right.map((v) => v + 0)).toEqual([-1, 0, 0]);
    expect(g.forward.map((v) => v + 0)).toEqual([0, 0, 1]);
  });

  it("follows a camera rolled 30 degrees", () => {
    const g = groundFrame({ gravity: [Math.sin(Math.PI / 6), Math.cos(Math.PI / 6), 0] });
    expect(g.up[0]).toBeCloseTo(-0.5, 12);
    expect(g.up[1]).toBeCloseTo(-Math.sqrt(3) / 2, 12);
    expect(g.forward[2]).toBeCloseTo(1, 12);
    expect(g.right[0]).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(g.right[1]).toBeCloseTo(-0.5, 12);
  });

  it("is orthonormal and right-handed, forward horizontal and looking ahead, for any tilt", () => {
    const rng = createRng(11);
    for (let i = 0; i < 500; i++) {
      const g = groundFrame({ gravity: gravityOf(rng.uniform(-1.2, 1.2), rng.uniform(-3, 3)) });
      for (const [a, b, want] of [
        [g.up, g.up, 1], [g.right, g.right, 1], [g.forward, g.forward, 1],
        [g.up, g.right, 0], [g.up, g.forward, 0], [g.right, g.forward, 0],
      ] as const) expect(dot(a, b)).toBeCloseTo(want, 12);
      const c = cross(g.right, g.forward);
      expect(dot(c, g.up)).toBeCloseTo(1, 12);
      expect(g.forward[2]).toBeGreaterThan(0);
    }
  });

  it("rejects gravity that is zero, not finite, or along the viewing axis", () => {
    expect(errorOf(() => upDirection({ gravity: [0, 0, 0] })).message).toContain("must not be the zero vector");
    expect(errorOf(() => upDirection({ gravity: [0, NaN, 1] })).message).toContain("must be three finite numbers");
    expect(errorOf(() => groundFrame({ gravity: [0, 0, 1] })).message).toContain("parallel to the camera's viewing axis");
  });
});
