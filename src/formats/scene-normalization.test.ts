import { describe, expect, it } from "vitest";
import {
  computeSceneNormalization,
  dequantizeAngle,
  dequantizeDepth,
  dequantizeSize,
  dequantizeUV,
  OFFICIAL_NUM_BINS,
  OFFICIAL_SCALE_MAX,
  OFFICIAL_WORLD_MAX,
  quantizeAngle,
  quantizeDepth,
  quantizeSize,
  quantizeUV,
  type SceneNormalization,
} from "./scene-normalization.js";

describe("computeSceneNormalization", () => {
  // 2 x 2 point map, official frame. Point 2 is invalid and far below the others, so using it
  // would change the minimum. By hand: shift0 = (min x, min y, min z) = (-1, 0, 3); shifted
  // points (3, 4, 0), (0, 0, 2), (2, 3, 6) have norms 5, 2, 7; mean 14 / 3; scaling = 3 / 14.
  const points = new Float32Array([2, 4, 3, -1, 0, 5, -50, -50, -50, 1, 3, 9]);
  const valid = new Uint8Array([1, 1, 0, 1]);

  it("matches the hand computation", () => {
    const norm = computeSceneNormalization(points, valid);
    expect(norm.shift0).toEqual([-1, 0, 3]);
    expect(norm.scaling).toBeCloseTo(3 / 14, 15);
  });

  it("with valid = null, takes the finite points", () => {
    const withNaN = points.slice();
    withNaN.fill(NaN, 6, 9);
    expect(computeSceneNormalization(withNaN, null).scaling).toBeCloseTo(3 / 14, 15);
    // ...and the invalid point does matter when it is not masked: the check can fail.
    expect(computeSceneNormalization(points, null).shift0).toEqual([-50, -50, -50]);
  });

  it("rejects empty, degenerate and inconsistent input", () => {
    expect(() => computeSceneNormalization(points, new Uint8Array(4))).toThrow(/valid points = 0/);
    expect(() => computeSceneNormalization(new Float32Array([1, 1, 1, 1, 1, 1]), null)).toThrow(/all valid points coincide/);
    expect(() => computeSceneNormalization(points, new Uint8Array(3))).toThrow(/valid length = 3/);
    const nanValid = points.slice();
    nanValid[0] = NaN;
    expect(() => computeSceneNormalization(nanValid, valid)).toThrow(/point 0 = \[null,4,3\]: is flagged valid but is not finite/);
  });
});

describe("1000-bin quantization", () => {
  const norm: SceneNormalization = { shift0: [0, 0, 1.0], scaling: 0.5 };

  it("exposes the release's constants", () => {
    expect([OFFICIAL_NUM_BINS, OFFICIAL_WORLD_MAX, OFFICIAL_SCALE_MAX]).toEqual([1000, 2.0, 0.625]);
  });

  it("z = 3.0 m, shift0_z = 1.0, scaling = 0.5 -> z_n = 1.0 -> bin 500 -> back to 3.0 m", () => {
    expect(quantizeDepth(3.0, norm)).toEqual({ value: 500, clipped: false });
    expect(dequantizeDepth(500, norm)).toBe(3.0);
    // floor, not round: 3.0039 m -> z_n = 1.00195 -> 500.97 -> 500
    expect(quantizeDepth(3.0039, norm).value).toBe(500);
    // lower bin edge, no half-bin offset: bin 501 -> z_n = 1.002 -> 3.004 m
    expect(dequantizeDepth(501, norm)).toBeCloseTo(3.004, 12);
  });

  it("sizes: s = 0.5 m, scaling 0.5 -> s_n = 0.25 -> 0.25 / 0.625 * 1000 = 400", () => {
    expect(quantizeSize(0.5, norm)).toEqual({ value: 400, clipped: false });
    expect(dequantizeSize(400, norm)).toBeCloseTo(0.5, 12);
    expect(quantizeSize(0.0, norm)).toEqual({ value: 0, clipped: false });
  });

  it("angles: 0 -> 500, -2 pi -> 0, and back", () => {
    expect(quantizeAngle(0)).toEqual({ value: 500, clipped: false });
    expect(quantizeAngle(-2 * Math.PI)).toEqual({ value: 0, clipped: false });
    expect(quantizeAngle(Math.PI / 2).value).toBe(625); // (pi/2 + 2 pi) / 4 pi = 0.625
    expect(dequantizeAngle(500)).toBe(0);
    expect(dequantizeAngle(625)).toBeCloseTo(Math.PI / 2, 12);
  });

  it("u, v: round to nearest bin, ties to even like numpy", () => {
    expect(quantizeUV(0.490625)).toEqual({ value: 491, clipped: false }); // 490.625 -> 491
    expect(quantizeUV(0.0125)).toEqual({ value: 12, clipped: false }); // 12.5 -> 12 (even)
    expect(quantizeUV(0.0135)).toEqual({ value: 14, clipped: false }); // 13.5 -> 14 (even)
    expect(dequantizeUV(491)).toBe(0.491);
  });

  it("reports clipping instead of hiding it", () => {
    expect(quantizeUV(1.0)).toEqual({ value: 999, clipped: true });
    expect(quantizeUV(-0.01)).toEqual({ value: 0, clipped: true });
    expect(quantizeDepth(0.5, norm)).toEqual({ value: 0, clipped: true }); // in front of shift0_z
    expect(quantizeDepth(5.0, norm)).toEqual({ value: 999, clipped: true }); // z_n = 2.0 is past the last bin
    expect(quantizeDepth(4.998, norm)).toEqual({ value: 999, clipped: false });
    expect(quantizeSize(1.25, norm)).toEqual({ value: 999, clipped: true });
    expect(quantizeAngle(2 * Math.PI)).toEqual({ value: 999, clipped: true });
  });

  it("rejects bad bins and bad numbers", () => {
    expect(() => dequantizeDepth(1000, norm)).toThrow("dequantize: z = 1000: integer-form bin must be an integer in [0, 999]");
    expect(() => dequantizeUV(1.5)).toThrow(/u\/v = 1.5/);
    expect(() => quantizeDepth(NaN, norm)).toThrow(/z = NaN/);
    expect(() => quantizeSize(1, { shift0: [0, 0, 0], scaling: 0 })).toThrow(/scaling = 0/);
  });
});
