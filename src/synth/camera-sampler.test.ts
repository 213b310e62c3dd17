import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import type { Vec3 } from "../geometry/index.js";
import { applyPose, intrinsicsFromFov, mulMat3, project, transposeMat3 } from "../geometry/index.js";
import { createRng } from "../random.js";
import { DEFAULT_CAMERA_SAMPLER_CONFIG, makeSynthCamera, resolveCameraSamplerConfig, sampleCamera } from "./camera-sampler.js";

const size = { width: 320, height: 240 };
const K = intrinsicsFromFov(Math.PI / 3, size);
const deg = (d: number): number => (d * Math.PI) / 180;

function expectVec(a: Vec3, b: Vec3, digits = 12): void {
  for (let i = 0; i < 3; i++) expect(a[i]!).toBeCloseTo(b[i]!, digits);
}

describe("makeSynthCamera", () => {
  it("a level camera: gravity is camera +y, straight ahead projects to the principal point", () => {
    const cam = makeSynthCamera(size, K, 1.5, 0, 0);
    expectVec(cam.gravity, [0, 1, 0]);
    expectVec(applyPose(cam.cameraFromWorld, [0, 1.5, 0]), [0, 0, 0]);
    // World +z is camera +z, world up is camera -y, world -x is camera +x (right).
    expectVec(applyPose(cam.cameraFromWorld, [0, 1.5, 4]), [0, 0, 4]);
    const uv = project(K, applyPose(cam.cameraFromWorld, [0, 1.5, 4]))!;
    expect(uv[0]).toBeCloseTo(K.cx, 9);
    expect(uv[1]).toBeCloseTo(K.cy, 9);
    expect(project(K, applyPose(cam.cameraFromWorld, [0, 2.5, 4]))![1]).toBeLessThan(K.cy);
    expect(project(K, applyPose(cam.cameraFromWorld, [-1, 1.5, 4]))![0]).toBeGreaterThan(K.cx);
  });

  it("pitching down leans gravity forward: (0, cos p, sin p), and the axis meets the floor h / tan p ahead", () => {
    const p = deg(20);
    const h = 1.6;
    const cam = makeSynthCamera(size, K, h, p, 0);
    expectVec(cam.gravity, [0, Math.cos(p), Math.sin(p)]);
    expect(cam.gravity[2]).toBeGreaterThan(0);
    const floorAhead = applyPose(cam.cameraFromWorld, [0, 0, h / Math.tan(p)]);
    expect(floorAhead[0]).toBeCloseTo(0, 12);
    expect(floorAhead[1]).toBeCloseTo(0, 12);
    expect(floorAhead[2]).toBeCloseTo(h / Math.sin(p), 12);
    // A point at camera height ahead now sits above the image centre.
    expect(project(K, applyPose(cam.cameraFromWorld, [0, h, 5]))![1]).toBeLessThan(K.cy);
  });

  it("rolling dips the camera's right side: gravity gains a +x part (sin r, cos r, 0)", () => {
    const r = deg(5);
    const cam = makeSynthCamera(size, K, 1, 0, r);
    expectVec(cam.gravity, [Math.sin(r), Math.cos(r), 0]);
  });

  it("keeps cameraFromWorld a proper rotation and gravity a unit vector", () => {
    const rng = createRng(2);
    for (let i = 0; i < 100; i++) {
      const cam = makeSynthCamera(size, K, rng.uniform(0.4, 2), rng.uniform(-0.5, 0.5), rng.uniform(-0.2, 0.2));
      const R = cam.cameraFromWorld.rotation;
      const I = mulMat3(R, transposeMat3(R));
      [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, k) => expect(I[k]!).toBeCloseTo(v, 12));
      const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
      expect(det).toBeCloseTo(1, 12);
      expect(Math.hypot(...cam.gravity)).toBeCloseTo(1, 12);
      // Gravity is the camera-frame image of world down.
      expectVec(cam.gravity, [-R[1], -R[4], -R[7]]);
    }
  });
});

describe("sampleCamera", () => {
  it("draws every parameter inside its default range", () => {
    const rng = createRng(17);
    for (let i = 0; i < 300; i++) {
      const cam = sampleCamera(rng, size);
      const fovDeg = (2 * Math.atan(size.width / 2 / cam.intrinsics.fx) * 180) / Math.PI;
      expect(fovDeg).toBeGreaterThanOrEqual(45 - 1e-9);
      expect(fovDeg).toBeLessThanOrEqual(90 + 1e-9);
      expect(cam.intrinsics.fy).toBe(cam.intrinsics.fx);
      expect(Math.abs(cam.intrinsics.cx - (size.width - 1) / 2)).toBeLessThanOrEqual(0.02 * size.width);
      expect(Math.abs(cam.intrinsics.cy - (size.height - 1) / 2)).toBeLessThanOrEqual(0.02 * size.height);
      expect(cam.heightM).toBeGreaterThanOrEqual(0.4);
      expect(cam.heightM).toBeLessThanOrEqual(2);
      expect(cam.pitchRad).toBeGreaterThanOrEqual(0);
      expect(cam.pitchRad).toBeLessThanOrEqual(deg(25));
      expect(Math.abs(cam.rollRad)).toBeLessThanOrEqual(deg(5));
      expect(cam.size).toEqual(size);
      // The recorded pitch and roll are the ones the pose was built from.
      expect(cam).toEqual(makeSynthCamera(size, cam.intrinsics, cam.heightM, cam.pitchRad, cam.rollRad));
    }
  });

  it("is deterministic and follows its config", () => {
    expect(sampleCamera(createRng(4), size)).toEqual(sampleCamera(createRng(4), size));
    expect(sampleCamera(createRng(4), size)).not.toEqual(sampleCamera(createRng(5), size));
    const cam = sampleCamera(createRng(1), size, { fovXDeg: [60, 60], principalJitter: 0, heightM: [1.2, 1.2], pitchDeg: [10, 10], rollDeg: 0 });
    expect(cam.intrinsics).toEqual(intrinsicsFromFov(deg(60), size));
    expect(cam.heightM).toBe(1.2);
    expect(cam.pitchRad).toBeCloseTo(deg(10), 12);
    expect(cam.rollRad === 0).toBe(true);
  });
});

describe("resolveCameraSamplerConfig", () => {
  it("fills defaults", () => {
    expect(resolveCameraSamplerConfig()).toEqual(DEFAULT_CAMERA_SAMPLER_CONFIG);
    expect(resolveCameraSamplerConfig({ rollDeg: 0 }).rollDeg).toBe(0);
    expect(resolveCameraSamplerConfig({ rollDeg: undefined }).rollDeg).toBe(5);
  });

  it("names the bad field", () => {
    expect(errorOf(() => resolveCameraSamplerConfig({ fovXDeg: [90, 45] })).message).toContain("fovXDeg = [90,45]: must be [min, max] with min <= max");
    expect(errorOf(() => resolveCameraSamplerConfig({ fovXDeg: [0, 45] })).field).toBe("fovXDeg");
    expect(errorOf(() => resolveCameraSamplerConfig({ fovXDeg: [45, 180] })).field).toBe("fovXDeg");
    expect(errorOf(() => resolveCameraSamplerConfig({ principalJitter: -0.1 })).field).toBe("principalJitter");
    expect(errorOf(() => resolveCameraSamplerConfig({ heightM: [0, 1] })).field).toBe("heightM");
    expect(errorOf(() => resolveCameraSamplerConfig({ pitchDeg: [10, NaN] })).field).toBe("pitchDeg");
    expect(errorOf(() => resolveCameraSamplerConfig({ rollDeg: Infinity })).field).toBe("rollDeg");
    const unknown = errorOf(() => resolveCameraSamplerConfig({ fov: 3 } as never));
    expect(unknown.message).toContain("camera: fov = 3: is not a camera option; choose one of fovXDeg,");
    expect(errorOf(() => sampleCamera(createRng(1), { width: 0, height: 10 })).message).toContain("width");
  });
});
