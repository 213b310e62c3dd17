import { describe, expect, it } from "vitest";
import { frameStats } from "./frame-stats.js";
import type { RGBDFrame } from "./frame.js";

const K = { fx: 2, fy: 2, cx: 1, cy: 0.5 };

function frame(depth: number[], validMask?: number[]): RGBDFrame {
  const size = { width: 3, height: 2 };
  return {
    size,
    rgb: new Uint8Array(18),
    depthM: Float32Array.from(depth),
    intrinsics: K,
    ...(validMask ? { validMask: Uint8Array.from(validMask) } : {}),
  };
}

describe("frameStats", () => {
  it("summarizes valid depth only", () => {
    const stats = frameStats(frame([0, 1, 2, NaN, 4, 3]));
    expect(stats).toEqual({ size: { width: 3, height: 2 }, intrinsics: K, validFraction: 4 / 6, depthMinM: 1, depthMaxM: 4, depthMedianM: 2.5 });
  });

  it("takes the middle value for an odd count and honours the mask", () => {
    const stats = frameStats(frame([5, 1, 2, Infinity, 4, 3], [1, 1, 1, 1, 0, 0]));
    expect(stats.validFraction).toBe(3 / 6);
    expect([stats.depthMinM, stats.depthMedianM, stats.depthMaxM]).toEqual([1, 2, 5]);
  });

  it("returns null statistics, never NaN, when nothing is valid", () => {
    const stats = frameStats(frame([0, 0, NaN, 0, 0, 0]));
    expect(stats.validFraction).toBe(0);
    expect([stats.depthMinM, stats.depthMaxM, stats.depthMedianM]).toEqual([null, null, null]);
  });
});
