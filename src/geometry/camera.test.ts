import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { createRng } from "../random.js";
import { InputError } from "../errors.js";
import {
  backProject,
  depthToPointMap,
  intrinsicsFromFov,
  intrinsicsFromNormalized,
  intrinsicsToNormalized,
  normalizedFromPixel,
  pixelFromNormalized,
  pointMapToDepth,
  project,
  validateIntrinsics,
} from "./camera.js";
import type { Intrinsics } from "./types.js";

const K: Intrinsics = { fx: 500, fy: 480, cx: 319.5, cy: 239.5 };

describe("project / backProject", () => {
  it("projects a known point", () => {
    expect(project(K, [1, -0.5, 2])).toEqual([500 * 0.5 + 319.5, 480 * -0.25 + 239.5]);
    expect(project(K, [0, 0, 3])).toEqual([319.5, 239.5]);
  });

  it("has no pixel for points at or behind the camera", () => {
    expect(project(K, [1, 1, 0])).toBeNull();
    expect(project(K, [1, 1, -2])).toBeNull();
    expect(project(K, [1, 1, NaN])).toBeNull();
  });

  it("round-trips random pixels and depths", () => {
    const rand = createRng(7).next;
    for (let i = 0; i < 500; i++) {
      const uv = [rand() * 640 - 0.5, rand() * 480 - 0.5] as const;
      const z = 0.1 + rand() * 50;
      const p = backProject(K, uv, z);
      expect(p[2]).toBe(z);
      const back = project(K, p)!;
      expect(back[0]).toBeCloseTo(uv[0], 9);
      expect(back[1]).toBeCloseTo(uv[1], 9);
    }
  });
});

describe("depthToPointMap / pointMapToDepth", () => {
  const size = { width: 4, height: 3 };
  const K4: Intrinsics = { fx: 2, fy: 4, cx: 1.5, cy: 1 };
  // Invalid pixels: 0, NaN, negative and infinite depth.
  const depth = new Float32Array([1, 2, 0, 4, NaN, 1.5, 2.5, -1, 3, Infinity, 0.5, 8]);

  it("back-projects each valid pixel and marks invalid ones NaN", () => {
    const points = depthToPointMap(depth, size, K4);
    expect(points.length).toBe(36);
    // pixel (u=1, v=0), depth 2: x = (1 - 1.5) / 2 * 2 = -0.5, y = (0 - 1) / 4 * 2 = -0.5
    expect(Array.from(points.subarray(3, 6))).toEqual([-0.5, -0.5, 2]);
    // pixel (u=2, v=1), depth 2.5: x = 0.5 / 2 * 2.5 = 0.625, y = 0
    expect(Array.from(points.subarray(18, 21))).toEqual([0.625, 0, 2.5]);
    for (const i of [2, 4, 7, 9]) {
      expect(Array.from(points.subarray(3 * i, 3 * i + 3)).every(Number.isNaN)).toBe(true);
    }
  });

  it("round-trips to depth with 0 where invalid", () => {
    const back = pointMapToDepth(depthToPointMap(depth, size, K4), size);
    expect(Array.from(back)).toEqual([1, 2, 0, 4, 0, 1.5, 2.5, 0, 3, 0, 0.5, 8]);
  });

  it("rejects a map of the wrong length", () => {
    expect(() => depthToPointMap(new Float32Array(11), size, K4)).toThrow(InputError);
    expect(() => pointMapToDepth(new Float32Array(35), size)).toThrow("pointMapToDepth: points length = 35");
  });
});

describe("normalized intrinsics", () => {
  const size = { width: 640, height: 480 };

  it("maps the normalized centre 0.5 to pixel (W - 1) / 2", () => {
    expect(intrinsicsFromNormalized({ fx: 0.8, fy: 1.0, cx: 0.5, cy: 0.5 }, size)).toEqual({ fx: 512, fy: 480, cx: 319.5, cy: 239.5 });
    expect(pixelFromNormalized([0.5, 0.5], size)).toEqual([319.5, 239.5]);
    expect(normalizedFromPixel([-0.5, -0.5], size)).toEqual([0, 0]);
  });

  it("round-trips intrinsics and pixel coordinates", () => {
    const back = intrinsicsFromNormalized(intrinsicsToNormalized(K, size), size);
    expect(back.fx).toBeCloseTo(K.fx, 12);
    expect(back.fy).toBeCloseTo(K.fy, 12);
    expect(back.cx).toBeCloseTo(K.cx, 12);
    expect(back.cy).toBeCloseTo(K.cy, 12);
    const uv = pixelFromNormalized(normalizedFromPixel([123.25, 7.5], size), size);
    expect(uv[0]).toBeCloseTo(123.25, 12);
    expect(uv[1]).toBeCloseTo(7.5, 12);
  });
});

describe("intrinsicsFromFov", () => {
  it("gives f = W / 2 for a 90 degree field of view", () => {
    const Kf = intrinsicsFromFov(Math.PI / 2, { width: 640, height: 480 });
    expect(Kf.fx).toBeCloseTo(320, 10);
    expect(Kf.fy).toBeCloseTo(320, 10);
    expect(Kf.cx).toBe(319.5);
    expect(Kf.cy).toBe(239.5);
  });

  it("gives f = W / (2 tan 30deg) for 60 degrees", () => {
    expect(intrinsicsFromFov(Math.PI / 3, { width: 100, height: 50 }).fx).toBeCloseTo(50 * Math.sqrt(3), 10);
  });

  it("rejects a field of view outside (0, pi)", () => {
    expect(() => intrinsicsFromFov(0, { width: 10, height: 10 })).toThrow(/fovX = 0/);
    expect(() => intrinsicsFromFov(Math.PI, { width: 10, height: 10 })).toThrow(InputError);
  });
});

describe("validateIntrinsics", () => {
  it("accepts valid intrinsics and returns them", () => {
    expect(validateIntrinsics(K)).toBe(K);
  });

  it.each([
    ["fx", 0],
    ["fx", NaN],
    ["fx", -100],
    ["fy", 0],
    ["fy", Infinity],
  ] as const)("rejects %s = %s, naming the field", (field, value) => {
    const e = errorOf(() => validateIntrinsics({ ...K, [field]: value }, "K.json"));
    expect(e.where).toBe("K.json");
    expect(e.field).toBe(field);
    expect(Object.is(e.value, value)).toBe(true);
    expect(e.message).toContain(`K.json: ${field} = `);
  });

  it("rejects a non-finite principal point", () => {
    expect(errorOf(() => validateIntrinsics({ ...K, cy: NaN })).field).toBe("cy");
  });
});
