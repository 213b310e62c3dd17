import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { centerOffset3d, iou3d, rotationY, type Box3D, type Vec3 } from "../geometry/index.js";
import { decodeRle } from "../formats/index.js";
import { annotateScene, renderScene, sampleScenePlan } from "../synth/index.js";
import { DEFAULT_LIFT_OPTIONS, liftObject, MIN_FIT_POINTS, resolveLiftOptions } from "./lift.js";
import { footprintPriorFor, predictHiddenExtentM } from "./priors.js";
import { drawBoxes, TEST_SIZE } from "./testing/box-scene.js";
import type { LiftTimings } from "./types.js";

const { width, height } = TEST_SIZE;

/** A chair-sized box 2.5 m ahead, turned 0.3 rad, in front of a wall at 6 m. */
const CHAIR: Box3D = { center: [0.1, 0.1, 2.5], size: [0.5, 0.8, 0.5], yaw: 0.3 };
function chairScene() {
  return drawBoxes([{ center: CHAIR.center, size: CHAIR.size, rotation: rotationY(CHAIR.yaw) }]);
}

describe("resolveLiftOptions", () => {
  it("fills the defaults and keeps overrides", () => {
    expect(resolveLiftOptions()).toEqual(DEFAULT_LIFT_OPTIONS);
    expect(resolveLiftOptions({ outlierMethod: "mad", madK: 4 })).toMatchObject({ outlierMethod: "mad", madK: 4, maxPoints: DEFAULT_LIFT_OPTIONS.maxPoints });
  });

  it("rejects unknown keys and bad values with one line naming them", () => {
    expect(errorOf(() => resolveLiftOptions({ outlierMethd: "mad" } as never)).message).toMatch(/^resolveLiftOptions: outlierMethd = "mad": is not a lift option; choose one of maskBoundary, /);
    expect(errorOf(() => resolveLiftOptions({ outlierMethod: "median" as never })).message).toBe(
      'resolveLiftOptions: outlierMethod = "median": is not a supported choice; choose one of none, percentile, mad, cluster',
    );
    expect(errorOf(() => resolveLiftOptions({ maxImageShare: 1.5 })).message).toBe("resolveLiftOptions: maxImageShare = 1.5: must be a number in (0, 1]");
    expect(errorOf(() => resolveLiftOptions({ maxPoints: 8.5 })).message).toBe("resolveLiftOptions: maxPoints = 8.5: must be an integer >= 16");
    expect(errorOf(() => resolveLiftOptions({ minDepthM: 5, maxDepthM: 4 })).message).toBe("resolveLiftOptions: maxDepthM = 4: must be > minDepthM = 5");
    expect(errorOf(() => resolveLiftOptions([] as never)).message).toBe("resolveLiftOptions: options = []: must be an object of lift options");
  });

  it("is applied by liftObject to options it has not seen", () => {
    const { frame, masks, boxes2d } = chairScene();
    const target = { label: "chair", bbox2d: boxes2d[0]!, mask: masks[0]! };
    expect(errorOf(() => liftObject(frame, target, { ...DEFAULT_LIFT_OPTIONS, trimPercent: 60 })).message).toBe(
      "liftObject: trimPercent = 60: must be a number in [0, 50)",
    );
  });
});

describe("liftObject", () => {
  it("lifts a seen box: masked pixels, the yaw and footprint of its visible faces, the depth completed by the prior", () => {
    const { frame, masks, boxes2d } = chairScene();
    const out = liftObject(frame, { label: "chair", bbox2d: boxes2d[0]!, mask: masks[0]! });
    expect(out).toMatchObject({ verdict: "kept", pixelSource: "mask" });
    expect(out.pixelsSelected).toBe(masks[0]!.reduce((a, b) => a + b, 0));
    expect(out.pointsUsed).toBeGreaterThan(MIN_FIT_POINTS);
    expect(iou3d(out.box!, CHAIR)).toBeGreaterThan(0.7);
    expect(centerOffset3d(out.box!, CHAIR) / CHAIR.center[2]).toBeLessThan(0.03);
    expect(Math.abs(out.box!.yaw - CHAIR.yaw)).toBeLessThan(0.05);
  });

  it("finds the same object from its 2D box alone, against the wall behind it", () => {
    const { frame, masks, boxes2d } = chairScene();
    const withMask = liftObject(frame, { label: "chair", bbox2d: boxes2d[0]!, mask: masks[0]! });
    const boxOnly = liftObject(frame, { label: "chair", bbox2d: boxes2d[0]! });
    expect(boxOnly.pixelSource).toBe("box");
    expect(iou3d(boxOnly.box!, withMask.box!)).toBeGreaterThan(0.8);
  });

  it("applies and records the hidden-extent prior for a face seen head-on", () => {
    const panel: Box3D = { center: [0, 0, 2], size: [0.6, 0.9, 0.3], yaw: 0 };
    const { frame, masks, boxes2d } = drawBoxes([{ center: panel.center, size: panel.size, rotation: rotationY(0) }], { wallM: 8 });
    // Only the front face is visible, so the visible depth extent is ~0.
    const target = { label: "trash can", bbox2d: boxes2d[0]!, mask: masks[0]! };
    const visible = liftObject(frame, target, resolveLiftOptions({ hiddenExtent: "visible" }));
    expect(visible.extentMethod).toBe("visible");
    expect(visible.box!.size[2]).toBeLessThan(0.01);
    const prior = liftObject(frame, target);
    expect(prior.extentMethod).toBe("prior");
    const expected = predictHiddenExtentM(footprintPriorFor("trash can").prior, prior.box!.size[0], prior.box!.size[1]);
    expect(prior.box!.size[2]).toBeCloseTo(expected, 6);
    expect(prior.box!.center[2] - prior.box!.size[2] / 2).toBeCloseTo(1.85, 2); // the near face stays at the front face
  });

  it("rejects depth outliers inside the mask (background seen through it, flying pixels)", () => {
    const { frame, masks, boxes2d } = chairScene();
    const mask = masks[0]!;
    const clean = liftObject(frame, { label: "chair", bbox2d: boxes2d[0]!, mask });
    const depthM = new Float32Array(frame.depthM);
    let changed = 0;
    for (let i = 0; i < depthM.length; i += 13) {
      if (!mask[i]) continue;
      depthM[i] = changed % 3 === 0 ? 5.9 : 3.5 + (changed % 5) * 0.3; // wall depth and mixed depths
      changed++;
    }
    expect(changed).toBeGreaterThan(10);
    const dirty = liftObject({ ...frame, depthM }, { label: "chair", bbox2d: boxes2d[0]!, mask });
    expect(iou3d(dirty.box!, clean.box!)).toBeGreaterThan(0.9);
    const naive = liftObject({ ...frame, depthM }, { label: "chair", bbox2d: boxes2d[0]!, mask }, resolveLiftOptions({ outlierMethod: "none" }));
    expect(iou3d(naive.box!, clean.box!)).toBeLessThan(0.5);
  });

  it("triggers each filter on a crafted case", () => {
    const { frame, masks, boxes2d } = chairScene();
    const target = { label: "chair", bbox2d: boxes2d[0]!, mask: masks[0]! };
    const tiny = new Uint8Array(width * height);
    for (const i of [40 * width + 40, 40 * width + 41, 41 * width + 40]) tiny[i] = 1;
    expect(liftObject(frame, { label: "chair", bbox2d: { x1: 39.5, y1: 39.5, x2: 41.5, y2: 41.5 }, mask: tiny }).reason).toBe("mask_too_small");
    expect(liftObject(frame, { ...target, bbox2d: { x1: -0.5, y1: -0.5, x2: width - 0.5, y2: height - 0.5 } }).reason).toBe("box_too_large");
    const noDepth = { ...frame, depthM: new Float32Array(frame.depthM.length) };
    const blind = liftObject(noDepth, target);
    expect(blind).toMatchObject({ box: null, reason: "too_few_pixels", pixelsSelected: 0, pointsUsed: 0 });
    const far = { ...frame, depthM: frame.depthM.map((z) => z * 25) }; // 62 m
    expect(liftObject(far, target).reason).toBe("depth_out_of_range");
    expect(liftObject(frame, { ...target, label: "mug" })).toMatchObject({ reason: "implausible_size", detail: expect.stringMatching(/^size 0\.\d+ m > 0\.\d+ m for mug$/) });
    const cut = drawBoxes([{ center: [-0.95, 0, 2], size: [0.8, 0.8, 0.5], rotation: rotationY(0) }]);
    expect(liftObject(cut.frame, { label: "chair", bbox2d: cut.boxes2d[0]!, mask: cut.masks[0]! }).reason).toBe("truncated");
  });

  it("fills the stage timings and is the same on a second call (no state carried between calls)", () => {
    const { frame, masks, boxes2d } = chairScene();
    const target = { label: "chair", bbox2d: boxes2d[0]!, mask: masks[0]! };
    const timings: LiftTimings = { select: 0, backProject: 0, fit: 0, filter: 0 };
    const first = liftObject(frame, target, DEFAULT_LIFT_OPTIONS, timings);
    expect(Object.values(timings).every((t) => t >= 0)).toBe(true);
    expect(timings.select + timings.fit).toBeGreaterThan(0);
    liftObject(frame, { label: "chair", bbox2d: boxes2d[0]! }); // something else in between
    expect(liftObject(frame, target)).toEqual(first);
  });

  it("rejects malformed frames and targets with one line naming the field", () => {
    const { frame, masks, boxes2d } = chairScene();
    const target = { label: "chair", bbox2d: boxes2d[0]!, mask: masks[0]! };
    expect(errorOf(() => liftObject({ ...frame, depthM: new Float32Array(10) }, target)).message).toBe(
      "liftObject: frame.depthM = Float32Array(10): must be a Float32Array of 96x72 = 6912 depths (metres)",
    );
    expect(errorOf(() => liftObject(frame, { ...target, mask: new Uint8Array(5) })).message).toMatch(/^liftObject: target\.mask = Uint8Array\(5\): /);
    expect(errorOf(() => liftObject({ ...frame, gravity: [0, 2, 0] }, target)).message).toMatch(/^liftObject: frame\.gravity = \[0,2,0\]: must be a unit/);
    expect(errorOf(() => liftObject(frame, { ...target, bbox2d: { x1: 5, y1: 0, x2: 1, y2: 3 } })).message).toMatch(/^liftObject: target\.bbox2d\.x2 = 1: /);
    expect(errorOf(() => liftObject({ ...frame, intrinsics: { ...frame.intrinsics, fx: 0 } }, target)).message).toMatch(/^liftObject: fx = 0: /);
  });
});

describe("liftObject on a synthetic scene", () => {
  it("lifts the visible objects of small synth scenes to boxes near the amodal truth", () => {
    const size = { width: 160, height: 120 };
    const ious: number[] = [];
    for (let seed = 11; seed < 15; seed++) {
      const plan = sampleScenePlan(seed, { size, minObjects: 4, maxObjects: 6 });
      const rendered = renderScene(plan);
      const frame = { size, depthM: rendered.depthM, intrinsics: plan.camera.intrinsics, gravity: plan.camera.gravity };
      for (const a of annotateScene(plan, rendered)) {
        if (!a.visible || a.bbox3d === null) continue;
        const [x, y, w, h] = a.bbox2d;
        const out = liftObject(frame, { label: a.label, bbox2d: { x1: x - 0.5, y1: y - 0.5, x2: x + w - 0.5, y2: y + h - 0.5 }, mask: decodeRle(a.mask) });
        if (out.verdict === "kept") ious.push(iou3d(out.box!, { center: a.bbox3d.center as Vec3, size: a.bbox3d.size as Vec3, yaw: a.bbox3d.yaw }));
      }
    }
    ious.sort((p, q) => p - q);
    expect(ious.length).toBeGreaterThanOrEqual(8);
    expect(ious[ious.length >> 1]).toBeGreaterThan(0.5);
  });
});
