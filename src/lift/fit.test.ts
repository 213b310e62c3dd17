import { describe, expect, it } from "vitest";
import {
  enclosingYawBox,
  iou3d,
  mulMat3,
  mulMat3Vec,
  rotationX,
  rotationY,
  rotationZ,
  type Mat3,
  type Vec3,
} from "../geometry/index.js";
import { LiftBuffers } from "./buffers.js";
import { cameraFromGravity, closenessYaw, fitBox, minAreaRectangleYaw, type FitOptions } from "./fit.js";
import { predictHiddenExtentM, type FootprintPrior } from "./priors.js";

const EXACT: FitOptions = { extentPercent: 0, cleanExtentPercent: 0, boxExtentPercent: 0, boxCleanExtentPercent: 0, useGravity: true, hiddenExtent: "visible", yawMethod: "min-area", closenessFloorM: 0.01 };
const SQUARE: FootprintPrior = { shortPerHeight: 0.5, longPerHeight: 0.5, count: 0 };

/**
 * Points on a grid over the faces of an oriented box (cameraFromBox rotation), each face a
 * perEdge x perEdge grid including its edges. `keep(normal)` picks faces by their camera-frame
 * outward normal (default: all six).
 */
function surfacePoints(center: Vec3, size: Vec3, rotation: Mat3, keep: (normal: Vec3, faceCenter: Vec3) => boolean = () => true, perEdge = 15): Vec3[] {
  const out: Vec3[] = [];
  for (let axis = 0; axis < 3; axis++) {
    for (const sign of [-1, 1]) {
      const nLocal: Vec3 = [0, 0, 0].map((_, k) => (k === axis ? sign : 0)) as unknown as Vec3;
      const normal = mulMat3Vec(rotation, nLocal);
      const offLocal = nLocal.map((c, k) => (c * size[k]!) / 2) as unknown as Vec3;
      const off = mulMat3Vec(rotation, offLocal);
      const faceCenter: Vec3 = [center[0] + off[0], center[1] + off[1], center[2] + off[2]];
      if (!keep(normal, faceCenter)) continue;
      const [a, b] = [0, 1, 2].filter((k) => k !== axis) as [number, number];
      for (let i = 0; i < perEdge; i++) {
        for (let j = 0; j < perEdge; j++) {
          const local = [...offLocal] as number[];
          local[a] = (i / (perEdge - 1) - 0.5) * size[a]!;
          local[b] = (j / (perEdge - 1) - 0.5) * size[b]!;
          const p = mulMat3Vec(rotation, local as unknown as Vec3);
          out.push([center[0] + p[0], center[1] + p[1], center[2] + p[2]]);
        }
      }
    }
  }
  return out;
}

/** Faces the camera at the origin sees: outward normal pointing towards it. */
const facingCamera = (normal: Vec3, faceCenter: Vec3): boolean => normal[0] * faceCenter[0] + normal[1] * faceCenter[1] + normal[2] * faceCenter[2] < 0;

function load(points: readonly Vec3[]): LiftBuffers {
  const buffers = new LiftBuffers();
  buffers.ensure(points.length);
  points.forEach((p, i) => {
    buffers.x[i] = p[0];
    buffers.y[i] = p[1];
    buffers.z[i] = p[2];
  });
  return buffers;
}

describe("fitBox", () => {
  it("gives back a yawed box exactly from points all over its surface", () => {
    const truth = { center: [0.4, 0.2, 3] as Vec3, size: [0.8, 0.5, 1.2] as Vec3, yaw: 0.3 };
    const points = surfacePoints(truth.center, truth.size, rotationY(truth.yaw));
    const fit = fitBox(points.length, load(points), undefined, SQUARE, 0, EXACT);
    expect(iou3d(fit.box, truth)).toBeGreaterThan(0.999);
    fit.box.center.forEach((c, k) => expect(c).toBeCloseTo(truth.center[k]!, 9));
    expect(fit.box.yaw).toBeCloseTo(truth.yaw, 9);
    fit.box.size.forEach((s, k) => expect(s).toBeCloseTo(truth.size[k]!, 9));
    expect(fit.extentMethod).toBe("visible");
  });

  it("recovers the yaw and the footprint from the two faces a camera sees of a turned box", () => {
    for (const yaw of [-0.6, -0.2, 0.35, 0.7]) {
      const truth = { center: [-0.3, 0.4, 2.5] as Vec3, size: [1.0, 0.6, 0.7] as Vec3, yaw };
      const points = surfacePoints(truth.center, truth.size, rotationY(yaw), facingCamera, 25);
      const fit = fitBox(points.length, load(points), undefined, SQUARE, 0, EXACT);
      const expected = enclosingYawBox({ center: truth.center, size: truth.size, rotation: rotationY(yaw) });
      expect(fit.box.yaw).toBeCloseTo(expected.yaw, 6);
      expect(iou3d(fit.box, truth)).toBeGreaterThan(0.99);
    }
  });

  it("fits an upright box seen by a pitched and rolled camera along gravity, as the synth truth is made", () => {
    const camera = mulMat3(rotationZ(0.08), rotationX(-0.35)); // cameraFromWorld: roll and pitch
    const rotation = mulMat3(camera, rotationY(0.4)); // cameraFromObject: the object turns about world up
    const gravity = mulMat3Vec(camera, [0, 1, 0]);
    const center: Vec3 = [0.2, 0.5, 3];
    const size: Vec3 = [0.9, 0.7, 0.5];
    const truth = enclosingYawBox({ center, size, rotation });
    const points = surfacePoints(center, size, rotation, facingCamera, 25);
    const withGravity = fitBox(points.length, load(points), gravity, SQUARE, 0, EXACT);
    expect(iou3d(withGravity.box, truth)).toBeGreaterThan(0.999);
  });

  it("extends the bottom down to a support plane found below the points, along gravity only", () => {
    const camera = rotationX(-0.3);
    const rotation = mulMat3(camera, rotationY(0.2));
    const gravity = mulMat3Vec(camera, [0, 1, 0]);
    const center: Vec3 = [0.1, 0.4, 2.5];
    const size: Vec3 = [0.6, 0.5, 0.4];
    const truth = enclosingYawBox({ center, size, rotation });
    // Everything but the lowest 10 cm of the box (the floor band that dropSupportPlane removed).
    const points = surfacePoints(center, size, rotation, () => true, 25).filter((p) => {
      const h = p[0] * gravity[0] + p[1] * gravity[1] + p[2] * gravity[2];
      const hc = center[0] * gravity[0] + center[1] * gravity[1] + center[2] * gravity[2];
      return h <= hc + size[1] / 2 - 0.1;
    });
    const bottom = center[0] * gravity[0] + center[1] * gravity[1] + center[2] * gravity[2] + size[1] / 2;
    const cut = fitBox(points.length, load(points), gravity, SQUARE, 0, EXACT);
    const supported = fitBox(points.length, load(points), gravity, SQUARE, 0, EXACT, bottom);
    expect(iou3d(cut.box, truth)).toBeLessThan(0.9);
    expect(iou3d(supported.box, truth)).toBeGreaterThan(0.999);
    // Without gravity the height is not along it, so the support is ignored.
    const noGravity = fitBox(points.length, load(points), gravity, SQUARE, 0, { ...EXACT, useGravity: false }, bottom);
    const noGravityCut = fitBox(points.length, load(points), gravity, SQUARE, 0, { ...EXACT, useGravity: false });
    expect(noGravity.box).toEqual(noGravityCut.box);
  });

  it("completes a tilted object's hidden depth along its own axis only when it knows gravity", () => {
    const camera = rotationX(-0.45); // pitched down
    const rotation = mulMat3(camera, rotationY(0.25));
    const gravity = mulMat3Vec(camera, [0, 1, 0]);
    const center: Vec3 = [0.1, 0.6, 2.5];
    // A depth the prior predicts exactly from the front face's width and height.
    const size: Vec3 = [0.8, 1.0, predictHiddenExtentM(SQUARE, 0.8, 1.0)];
    const truth = enclosingYawBox({ center, size, rotation });
    const localFront = mulMat3Vec(rotation, [0, 0, -1]);
    const front = surfacePoints(center, size, rotation, (n) => n[0] === localFront[0] && n[1] === localFront[1] && n[2] === localFront[2], 25);
    const prior: FitOptions = { ...EXACT, hiddenExtent: "prior" };
    const withGravity = fitBox(front.length, load(front), gravity, SQUARE, 0, prior);
    const without = fitBox(front.length, load(front), gravity, SQUARE, 0, { ...prior, useGravity: false });
    expect(iou3d(withGravity.box, truth)).toBeGreaterThan(0.999);
    expect(iou3d(without.box, truth)).toBeLessThan(0.9);
  });

  it("completes the hidden depth from the prior, keeping the near face where it was seen", () => {
    const center: Vec3 = [0, 0, 2];
    const size: Vec3 = [0.6, 0.8, 0.5];
    const front = surfacePoints(center, size, rotationY(0), (n) => n[2] < -0.5); // only the face at z = 1.75
    const visible = fitBox(front.length, load(front), undefined, SQUARE, 0, EXACT);
    expect(visible.extentMethod).toBe("visible");
    expect(visible.box.size[2]).toBeCloseTo(0, 9);

    const completed = fitBox(front.length, load(front), undefined, SQUARE, 0, { ...EXACT, hiddenExtent: "prior" });
    const hidden = predictHiddenExtentM(SQUARE, 0.6, 0.8);
    expect(completed.extentMethod).toBe("prior");
    expect(completed.visibleDepthM).toBeCloseTo(0, 9);
    expect(completed.box.size[2]).toBeCloseTo(hidden, 9);
    expect(completed.box.center[2] - completed.box.size[2] / 2).toBeCloseTo(1.75, 9); // near face kept
    expect(completed.box.size[0]).toBeCloseTo(0.6, 9);
    expect(completed.box.size[1]).toBeCloseTo(0.8, 9);
  });

  it("trims the extents by the noisy percentile only when told the depth is noisy", () => {
    const truth = { center: [0, 0, 3] as Vec3, size: [1, 1, 1] as Vec3, yaw: 0 };
    const points = surfacePoints(truth.center, truth.size, rotationY(0));
    const options: FitOptions = { ...EXACT, extentPercent: 25 }; // past the 1/6 of points on each x face
    const clean = fitBox(points.length, load(points), undefined, SQUARE, 0, options);
    const noisy = fitBox(points.length, load(points), undefined, SQUARE, options.extentPercent, options);
    expect(clean.box.size[0]).toBeCloseTo(1, 9);
    expect(noisy.box.size[0]).toBeLessThan(0.99);
  });
});

describe("cameraFromGravity", () => {
  it("is the identity for gravity along camera +y", () => {
    const R = cameraFromGravity([0, 1, 0]);
    [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(R[i]).toBeCloseTo(v, 12));
  });

  it("is a rotation whose second column is the normalized gravity", () => {
    for (const g of [[0.1, 0.95, 0.3], [-0.4, 0.5, -0.2], [0, -1, 0], [0.3, -0.9, 0.1]] as Vec3[]) {
      const R = cameraFromGravity(g);
      const norm = Math.hypot(...g);
      expect(mulMat3Vec(R, [0, 1, 0]).map((v) => v * norm)).toEqual(g.map((v) => expect.closeTo(v, 9)));
      const RtR = mulMat3(R, [R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]]);
      [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(RtR[i]).toBeCloseTo(v, 9));
    }
  });
});

describe("minAreaRectangleYaw", () => {
  const run = (pts: readonly [number, number][]): number => {
    const b = new LiftBuffers();
    b.ensure(pts.length);
    pts.forEach(([x, z], i) => {
      b.x[i] = x;
      b.z[i] = z;
    });
    return minAreaRectangleYaw(b.x, b.z, pts.length, b);
  };

  it("is 0 for no points or one point", () => {
    expect(run([])).toBe(0);
    expect(run([[1, 2]])).toBe(0);
  });

  it("follows a segment's direction (a face seen edge-on)", () => {
    const pts = Array.from({ length: 20 }, (_, i) => [i * Math.cos(0.3), -i * Math.sin(0.3)] as [number, number]);
    const yaw = run(pts);
    // Local x along (cos t, -sin t): the segment's own direction, modulo pi.
    expect(Math.abs(Math.sin(yaw - 0.3))).toBeLessThan(1e-9);
  });
});

describe("closenessYaw", () => {
  it("takes the axes of a long face seen with only a stub of its side", () => {
    for (const yaw of [0.3, -0.5, 1.2]) {
      // Local x along (cos t, -sin t), local z along (sin t, cos t): a 0.5 m face along x and three
      // points 5, 10, 15 cm down the side along z.
      const [c, s] = [Math.cos(yaw), Math.sin(yaw)];
      const pts: [number, number][] = Array.from({ length: 40 }, (_, i) => [(i / 39) * 0.5 * c, -(i / 39) * 0.5 * s]);
      for (const d of [0.05, 0.1, 0.15]) pts.push([0.5 * c + d * s, -0.5 * s + d * c]);
      const b = new LiftBuffers();
      b.ensure(pts.length);
      pts.forEach(([x, z], i) => {
        b.x[i] = x;
        b.z[i] = z;
      });
      const found = closenessYaw(b.x, b.z, pts.length, 0.01);
      // Same rectangle axes: equal modulo a quarter turn, within the 1 cm floor's resolution on a
      // 0.5 m face (atan(0.01 / 0.25) ~ 2.3 degrees).
      const diff = Math.abs(Math.sin(2 * (found - yaw)));
      expect(diff).toBeLessThan(Math.sin(2 * 2.3 * (Math.PI / 180)));
    }
  });
});
