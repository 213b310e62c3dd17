import { describe, expect, it } from "vitest";
import { backProject, depthToPointMap, rotationY } from "../geometry/index.js";
import { createRng } from "../random.js";
import { LiftBuffers } from "./buffers.js";
import { DEFAULT_LIFT_OPTIONS } from "./lift.js";
import { backProjectSelection, gridStride, pixelRect, selectPixels, type SelectOptions } from "./select.js";
import { drawBoxes, TEST_SIZE } from "./testing/box-scene.js";

const OPTIONS: SelectOptions = { ...DEFAULT_LIFT_OPTIONS, depthFilter: "none" };
const { width, height } = TEST_SIZE;

/** One box 2 m away, 0.8 m wide, in front of a wall at 6 m. */
function scene() {
  return drawBoxes([{ center: [0, 0, 2.2], size: [0.8, 0.6, 0.4], rotation: rotationY(0) }]);
}

describe("pixelRect and gridStride", () => {
  it("take the pixel centres a continuous box covers, clipped to the image", () => {
    // COCO [x=10, y=5, w=4, h=3] is the continuous box [9.5, 13.5] x [4.5, 7.5]: centres 10..13, 5..7.
    expect(pixelRect({ x1: 9.5, y1: 4.5, x2: 13.5, y2: 7.5 }, 96, 72)).toEqual({ u0: 10, u1: 13, v0: 5, v1: 7 });
    expect(pixelRect({ x1: -10, y1: -3, x2: 200, y2: 1 }, 96, 72)).toEqual({ u0: 0, u1: 95, v0: 0, v1: 1 });
    expect(pixelRect({ x1: 100, y1: 0, x2: 120, y2: 10 }, 96, 72)).toBeNull();
  });

  it("keep about maxPoints pixels", () => {
    expect(gridStride(1000, 2048)).toBe(1);
    expect(gridStride(20000, 2048)).toBe(4);
  });
});

describe("selectPixels with a mask", () => {
  it("counts the mask's valid pixels and samples them on a grid", () => {
    const { frame, masks, boxes2d } = scene();
    const mask = masks[0]!;
    const area = mask.reduce((a, b) => a + b, 0);
    const buffers = new LiftBuffers();
    const all = selectPixels(frame, { label: "box", bbox2d: boxes2d[0]!, mask }, OPTIONS, buffers);
    expect(all).toMatchObject({ source: "mask", areaPx: area, validPx: area, sampled: area, stride: 1 });
    const sparse = selectPixels(frame, { label: "box", bbox2d: boxes2d[0]!, mask }, { ...OPTIONS, maxPoints: 100 }, buffers);
    expect(sparse.stride).toBeGreaterThan(1);
    expect(sparse.sampled).toBeLessThanOrEqual(100);
    expect(sparse.validPx).toBe(area);
    for (let j = 0; j < sparse.sampled; j++) expect(mask[buffers.pixelIndex[j]!]).toBe(1);
  });

  it("skips pixels without depth and, with erode, the mask's boundary", () => {
    const { frame, masks, boxes2d } = scene();
    const mask = masks[0]!;
    const depth = new Float32Array(frame.depthM);
    let holes = 0;
    for (let i = 0; i < depth.length; i += 7) {
      if (mask[i]) {
        depth[i] = i % 2 ? 0 : NaN;
        holes++;
      }
    }
    const buffers = new LiftBuffers();
    const target = { label: "box", bbox2d: boxes2d[0]!, mask };
    const kept = selectPixels({ ...frame, depthM: depth }, target, OPTIONS, buffers);
    expect(kept.validPx).toBe(kept.areaPx - holes);
    const eroded = selectPixels({ ...frame, depthM: depth }, target, { ...OPTIONS, maskBoundary: "erode" }, buffers);
    expect(eroded.validPx).toBeLessThan(kept.validPx);
    for (let j = 0; j < eroded.sampled; j++) {
      const i = buffers.pixelIndex[j]!;
      expect([mask[i - 1], mask[i + 1], mask[i - width], mask[i + width]]).toEqual([1, 1, 1, 1]);
    }
  });

  it("measures how much of the object the image border cuts", () => {
    const { frame } = scene();
    const mask = new Uint8Array(width * height);
    for (let v = 10; v < 30; v++) for (let u = 0; u < 8; u++) if (u > 0 || v < 20) mask[v * width + u] = 1; // touches column 0 on half its rows
    const cut = selectPixels(frame, { label: "box", bbox2d: { x1: -0.5, y1: 9.5, x2: 7.5, y2: 29.5 }, mask }, OPTIONS, new LiftBuffers());
    expect(cut.borderCutShare).toBeCloseTo(0.5, 12);
    const inside = selectPixels(frame, { label: "box", bbox2d: { x1: 0.5, y1: 9.5, x2: 7.5, y2: 29.5 }, mask }, OPTIONS, new LiftBuffers());
    expect(inside.borderCutShare).toBe(0);
  });

  it("estimates the depth noise: ~0 on clean surfaces, sigma on noisy ones, and filters only noisy depth", () => {
    const { frame, masks, boxes2d } = scene();
    const target = { label: "box", bbox2d: boxes2d[0]!, mask: masks[0]! };
    const buffers = new LiftBuffers();
    const clean = selectPixels(frame, target, { ...OPTIONS, depthFilter: "median3" }, buffers);
    expect(clean.depthNoiseM).toBeLessThan(1e-4);
    const rng = createRng(1);
    const noisyDepth = new Float32Array(frame.depthM);
    const sigma = 0.02;
    for (let i = 0; i < noisyDepth.length; i++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      noisyDepth[i] = noisyDepth[i]! + sigma * g;
    }
    const noisyFrame = { ...frame, depthM: noisyDepth };
    const raw = selectPixels(noisyFrame, target, OPTIONS, buffers);
    expect(raw.depthNoiseM).toBeGreaterThan(0.8 * sigma);
    expect(raw.depthNoiseM).toBeLessThan(1.25 * sigma);
    const spread = (n: number) => {
      const zs = Array.from(buffers.z.subarray(0, n));
      const mean = zs.reduce((a, b) => a + b, 0) / n;
      return Math.sqrt(zs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    };
    const rawSpread = spread(raw.sampled);
    const filtered = selectPixels(noisyFrame, target, { ...OPTIONS, depthFilter: "median3" }, buffers);
    expect(spread(filtered.sampled)).toBeLessThan(0.6 * rawSpread);
  });
});

describe("selectPixels with a box only", () => {
  it("separates the object from the wall and floor behind it in its box", () => {
    const { frame, masks, boxes2d } = scene();
    const mask = masks[0]!;
    // A looser box than the mask's, so the wall shows around the object.
    const b = boxes2d[0]!;
    const loose = { x1: b.x1 - 4, y1: b.y1 - 4, x2: b.x2 + 4, y2: b.y2 + 4 };
    const buffers = new LiftBuffers();
    const sel = selectPixels(frame, { label: "box", bbox2d: loose }, OPTIONS, buffers);
    expect(sel.source).toBe("box");
    expect(sel.validPx).toBe(mask.reduce((a, c) => a + c, 0));
    for (let j = 0; j < sel.sampled; j++) expect(mask[buffers.pixelIndex[j]!]).toBe(1);
  });
});

describe("selectPixels with a box only, behind an occluder", () => {
  it("takes the nearest cluster that reaches all four sides of the box, not a nearer occluder inside it", () => {
    // A wide object at 3 m and, in front of its middle, a smaller occluder at 1.5 m that fills the box's core.
    const { frame, masks, boxes2d } = drawBoxes([
      { center: [0, 0, 3], size: [1.4, 1.0, 0.3], rotation: rotationY(0) },
      { center: [0, 0, 1.5], size: [0.3, 0.24, 0.1], rotation: rotationY(0) },
    ]);
    const target = { label: "box", bbox2d: boxes2d[0]! };
    const buffers = new LiftBuffers();
    const depthOf = (sel: { sampled: number }): number[] => Array.from({ length: sel.sampled }, (_, j) => frame.depthM[buffers.pixelIndex[j]!]!);
    const touching = depthOf(selectPixels(frame, target, OPTIONS, buffers));
    expect(touching.length).toBeGreaterThan(0);
    for (const z of touching) expect(z).toBeGreaterThan(2.8);
    expect(touching.length).toBeGreaterThan(0.9 * masks[0]!.reduce((a, c) => a + c, 0));
    // The share rule alone takes the occluder.
    const nearest = depthOf(selectPixels(frame, target, { ...OPTIONS, boxTouchShare: 0 }, buffers));
    for (const z of nearest) expect(z).toBeLessThan(2);
  });
});

describe("backProjectSelection", () => {
  it("agrees with geometry's backProject, and with the point map when the frame has one", () => {
    const { frame, masks, boxes2d } = scene();
    const buffers = new LiftBuffers();
    const sel = selectPixels(frame, { label: "box", bbox2d: boxes2d[0]!, mask: masks[0]! }, OPTIONS, buffers);
    const n = backProjectSelection(frame, sel.sampled, buffers);
    expect(n).toBe(sel.sampled);
    for (let j = 0; j < n; j++) {
      const i = buffers.pixelIndex[j]!;
      const p = backProject(frame.intrinsics, [i % width, Math.floor(i / width)], frame.depthM[i]!);
      expect([buffers.x[j], buffers.y[j], buffers.z[j]]).toEqual(p.map((c) => expect.closeTo(c, 12)));
    }
    const pointsM = depthToPointMap(frame.depthM, frame.size, frame.intrinsics);
    const withMap = { ...frame, pointsM };
    const sel2 = selectPixels(withMap, { label: "box", bbox2d: boxes2d[0]!, mask: masks[0]! }, OPTIONS, buffers);
    const n2 = backProjectSelection(withMap, sel2.sampled, buffers);
    expect(n2).toBe(n);
    for (let j = 0; j < n2; j++) {
      const i = buffers.pixelIndex[j]!;
      expect([buffers.x[j], buffers.y[j], buffers.z[j]]).toEqual([pointsM[3 * i], pointsM[3 * i + 1], pointsM[3 * i + 2]].map((c) => expect.closeTo(c!, 6)));
    }
  });
});
