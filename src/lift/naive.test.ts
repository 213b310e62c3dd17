import { describe, expect, it } from "vitest";
import { liftNaive } from "./naive.js";
import { TEST_K, TEST_SIZE } from "./testing/box-scene.js";

const { width, height } = TEST_SIZE;

/** A fronto-parallel patch at `zM` over pixel columns u0..u1 and rows v0..v1, background elsewhere. */
function patchFrame(zM: number, backgroundM: number, u0: number, u1: number, v0: number, v1: number) {
  const depthM = new Float32Array(width * height).fill(backgroundM);
  for (let v = v0; v <= v1; v++) for (let u = u0; u <= u1; u++) depthM[v * width + u] = zM;
  return { size: TEST_SIZE, depthM, intrinsics: TEST_K };
}

describe("liftNaive", () => {
  it("back-projects the 2D box at the median depth, with the 10-90 percentile depth extent", () => {
    // The box covers the patch (columns 30..59, rows 20..49) and two columns of wall on each side.
    const frame = patchFrame(2, 6, 30, 59, 20, 49);
    const bbox2d = { x1: 27.5, y1: 19.5, x2: 61.5, y2: 49.5 };
    const out = liftNaive(frame, { label: "thing", bbox2d });
    const { fx, fy, cx, cy } = TEST_K;
    expect(out.verdict).toBe("kept");
    expect(out.box!.center).toEqual([(((27.5 + 61.5) / 2 - cx) / fx) * 2, (((19.5 + 49.5) / 2 - cy) / fy) * 2, 2].map((c) => expect.closeTo(c, 6)));
    expect(out.box!.size[0]).toBeCloseTo((34 / fx) * 2, 6);
    expect(out.box!.size[1]).toBeCloseTo((30 / fy) * 2, 6);
    // 4 of 34 columns are wall (11.8 % > 10 %): the 90th percentile is the wall's 6 m, the 10th the patch's 2 m.
    expect(out.box!.size[2]).toBeCloseTo(4, 6);
    // With one wall column a side (6 %), both percentiles are on the patch.
    expect(liftNaive(frame, { label: "thing", bbox2d: { x1: 28.5, y1: 19.5, x2: 60.5, y2: 49.5 } }).box!.size[2]).toBe(0);
    expect(out.box!.yaw).toBe(0);
    expect(out).toMatchObject({ pixelSource: "box", extentMethod: "visible", pixelsSelected: 34 * 30 });
  });

  it("has zero depth extent on a single surface and is rejected without any valid depth", () => {
    const flat = patchFrame(3, 3, 0, width - 1, 0, height - 1);
    expect(liftNaive(flat, { label: "wall", bbox2d: { x1: 10, y1: 10, x2: 20, y2: 20 } }).box!.size[2]).toBe(0);
    const empty = patchFrame(0, 0, 0, 0, 0, 0);
    expect(liftNaive(empty, { label: "x", bbox2d: { x1: 10, y1: 10, x2: 20, y2: 20 } })).toMatchObject({
      box: null,
      verdict: "rejected",
      reason: "too_few_pixels",
    });
  });
});
