import { describe, expect, it } from "vitest";
import { liftFrameOf } from "./lifting.js";

describe("liftFrameOf", () => {
  it("passes the frame's RGB, intrinsics and gravity to lifting and folds the validity mask into the depth", () => {
    const size = { width: 2, height: 1 };
    const rgb = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const depthM = new Float32Array([1.5, 2.5]);
    const intrinsics = { fx: 10, fy: 10, cx: 0.5, cy: 0 };
    const out = liftFrameOf({ size, rgb, depthM, intrinsics, validMask: new Uint8Array([1, 0]), gravity: [0, 1, 0] });
    expect(out.rgb).toBe(rgb);
    expect(out.intrinsics).toBe(intrinsics);
    expect(out.gravity).toEqual([0, 1, 0]);
    expect([...out.depthM]).toEqual([1.5, 0]);
    expect(depthM[1]).toBe(2.5);
  });
});
