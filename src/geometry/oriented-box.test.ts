import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { createRng, type Rng } from "../random.js";
import { boxCorners, boxVolume, toBoxLocal, type Box3D } from "./box3d.js";
import { project } from "./camera.js";
import { iou3d } from "./iou3d.js";
import {
  enclosingYawBox,
  orientedBoxCorners,
  orientedBoxFromBox3D,
  orientedBoxFromPose,
  projectOrientedBox,
  type OrientedBox,
} from "./oriented-box.js";
import { mulMat3, mulMat3Vec, rotationX, rotationY, rotationZ, type Mat3 } from "./pose.js";
import { projectBox3D } from "./project-box.js";
import type { Intrinsics, Vec3 } from "./types.js";

const K: Intrinsics = { fx: 100, fy: 100, cx: 50, cy: 40 };

function randomRotation(rng: Rng): Mat3 {
  return mulMat3(rotationX(rng.uniform(-Math.PI, Math.PI)), mulMat3(rotationY(rng.uniform(-Math.PI, Math.PI)), rotationZ(rng.uniform(-Math.PI, Math.PI))));
}

function randomObb(rng: Rng, rotation: Mat3 = randomRotation(rng)): OrientedBox {
  return {
    center: [rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(2, 8)],
    size: [rng.uniform(0.05, 2), rng.uniform(0.05, 2), rng.uniform(0.05, 2)],
    rotation,
  };
}

/** Slow reference: the volume of the smallest box with this yaw containing the corners. */
function volumeAtYaw(obb: OrientedBox, yaw: number): number {
  const local = orientedBoxCorners(obb).map((c) => toBoxLocal({ center: [0, 0, 0], size: [0, 0, 0], yaw }, c));
  const extent = (k: number) => Math.max(...local.map((p) => p[k]!)) - Math.min(...local.map((p) => p[k]!));
  return extent(0) * extent(1) * extent(2);
}

function expectContainsCorners(box: Box3D, obb: OrientedBox): void {
  for (const c of orientedBoxCorners(obb)) {
    const p = toBoxLocal(box, c);
    for (let k = 0; k < 3; k++) expect(Math.abs(p[k]!)).toBeLessThanOrEqual(box.size[k]! / 2 + 1e-9);
  }
}

describe("oriented boxes", () => {
  it("a Box3D as an oriented box has the same corners, in the same order", () => {
    const rng = createRng(1);
    for (let n = 0; n < 20; n++) {
      const box: Box3D = { center: [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(1, 5)], size: [0.3, 0.7, 1.1], yaw: rng.uniform(-4, 4) };
      const a = orientedBoxCorners(orientedBoxFromBox3D(box));
      const b = boxCorners(box);
      a.forEach((c, i) => c.forEach((x, k) => expect(x).toBeCloseTo(b[i]![k]!, 12)));
    }
  });

  it("places local bounds with a pose", () => {
    const pose = { rotation: rotationZ(Math.PI / 2), translation: [1, 2, 3] as Vec3 };
    const obb = orientedBoxFromPose(pose, [-1, 0, -0.5], [1, 2, 0.5]);
    // Local centre (0, 1, 0) turns to (-1, 0, 0), then moves by t.
    obb.center.forEach((x, k) => expect(x).toBeCloseTo([0, 2, 3][k]!, 12));
    expect(obb.size).toEqual([2, 2, 1]);
    expect(obb.rotation).toBe(pose.rotation);
    expect(errorOf(() => orientedBoxFromPose(pose, [0, 0, 0], [1, -1, 1])).message).toBe("orientedBoxFromPose: localMax[1] = -1: must be >= localMin[1] = 0");
    expect(() => orientedBoxFromPose({ rotation: [2, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }, [0, 0, 0], [1, 1, 1])).toThrow(
      "orientedBoxFromPose: pose.rotation = [2,0,0,0,1,0,0,0,1]: must be a rotation matrix",
    );
    expect(() => orientedBoxFromPose({ rotation: [-1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }, [0, 0, 0], [1, 1, 1])).toThrow("not a reflection");
  });
});

describe("enclosingYawBox", () => {
  it("returns a pure-yaw box unchanged (same numbers for yaw in [-pi/4, pi/4))", () => {
    const rng = createRng(2);
    for (let n = 0; n < 50; n++) {
      const yaw = rng.uniform(-Math.PI / 4, Math.PI / 4);
      const box: Box3D = { center: [rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(2, 8)], size: [rng.uniform(0.1, 2), rng.uniform(0.1, 2), rng.uniform(0.1, 2)], yaw };
      const out = enclosingYawBox(orientedBoxFromBox3D(box));
      expect(out.yaw).toBeCloseTo(yaw, 12);
      out.center.forEach((x, k) => expect(x).toBeCloseTo(box.center[k]!, 12));
      out.size.forEach((x, k) => expect(x).toBeCloseTo(box.size[k]!, 12));
      expect(iou3d(out, box)).toBeCloseTo(1, 9);
    }
  });

  it("gives the same solid for any yaw, reported in [-pi/4, pi/4)", () => {
    const rng = createRng(3);
    for (let n = 0; n < 50; n++) {
      const box: Box3D = { center: [rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(2, 8)], size: [rng.uniform(0.1, 2), rng.uniform(0.1, 2), rng.uniform(0.1, 2)], yaw: rng.uniform(-7, 7) };
      const out = enclosingYawBox(orientedBoxFromBox3D(box));
      expect(out.yaw).toBeGreaterThanOrEqual(-Math.PI / 4);
      expect(out.yaw).toBeLessThan(Math.PI / 4);
      expect(iou3d(out, box)).toBeCloseTo(1, 9);
      expect(boxVolume(out)).toBeCloseTo(boxVolume(box), 12);
    }
  });

  it("is exact for an upright object seen by a level camera (y flipped, not a pure yaw)", () => {
    // Object y up, camera y down: cameraFromObject = R_z(pi) R_y(t).
    const t = 0.4;
    const obb: OrientedBox = { center: [0.2, 0.5, 3], size: [1.2, 0.8, 0.5], rotation: mulMat3(rotationZ(Math.PI), rotationY(t)) };
    const out = enclosingYawBox(obb);
    expect(iou3d(out, { center: obb.center, size: obb.size, yaw: -t })).toBeCloseTo(1, 9);
    expect(boxVolume(out)).toBeCloseTo(1.2 * 0.8 * 0.5, 12);
  });

  it("matches hand-computed tilted cubes", () => {
    // A unit cube pitched 45 deg: y and z extents sqrt 2, x extent 1, no yaw needed.
    const pitched = enclosingYawBox({ center: [0, 0, 5], size: [1, 1, 1], rotation: rotationX(Math.PI / 4) });
    expect(pitched.yaw).toBeCloseTo(0, 12);
    [1, Math.SQRT2, Math.SQRT2].forEach((s, k) => expect(pitched.size[k]).toBeCloseTo(s, 12));
    pitched.center.forEach((x, k) => expect(x).toBeCloseTo([0, 0, 5][k]!, 12));
    // Rolled 45 deg: x and y extents sqrt 2, z extent 1.
    const rolled = enclosingYawBox({ center: [1, 2, 5], size: [1, 1, 1], rotation: rotationZ(Math.PI / 4) });
    expect(rolled.yaw).toBeCloseTo(0, 12);
    [Math.SQRT2, Math.SQRT2, 1].forEach((s, k) => expect(rolled.size[k]).toBeCloseTo(s, 12));
  });

  it("contains every corner of random oriented boxes", () => {
    const rng = createRng(4);
    for (let n = 0; n < 200; n++) {
      const obb = randomObb(rng);
      expectContainsCorners(enclosingYawBox(obb), obb);
    }
  });

  it("is the tightest: no fixed yaw and no yaw of a dense sweep gives a smaller volume", () => {
    const rng = createRng(5);
    for (let n = 0; n < 30; n++) {
      // An upright box (random heading) seen by a pitched and rolled camera, and a random rotation.
      const upright = mulMat3(rotationZ(rng.uniform(-0.3, 0.3)), mulMat3(rotationX(rng.uniform(-0.8, 0.8)), mulMat3(rotationZ(Math.PI), rotationY(rng.uniform(-3, 3)))));
      for (const obb of [randomObb(rng, upright), randomObb(rng)]) {
        const out = enclosingYawBox(obb);
        const v = boxVolume(out);
        // The reported box's volume is the volume at its own yaw.
        expect(v).toBeCloseTo(volumeAtYaw(obb, out.yaw), 12);
        for (const yaw of [0, 0.1, Math.PI / 8, Math.PI / 4, -0.5, 1]) expect(v).toBeLessThanOrEqual(volumeAtYaw(obb, yaw) * (1 + 1e-12));
        let sweepMin = Infinity;
        for (let i = 0; i < 2000; i++) sweepMin = Math.min(sweepMin, volumeAtYaw(obb, (i / 2000) * (Math.PI / 2)));
        expect(v).toBeLessThanOrEqual(sweepMin * (1 + 1e-12));
        // and the sweep, whose step is pi/4000, gets within a hair of it
        expect(sweepMin).toBeLessThanOrEqual(v * 1.01);
      }
    }
  });

  it("handles degenerate boxes (a point, a segment, a flat plate)", () => {
    const point = enclosingYawBox({ center: [1, 2, 3], size: [0, 0, 0], rotation: rotationX(0.5) });
    expect(point.center.map((x, k) => x - [1, 2, 3][k]!).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    expect(point.size.every((s) => Math.abs(s) < 1e-12)).toBe(true);
    const segment = enclosingYawBox({ center: [0, 0, 3], size: [2, 0, 0], rotation: rotationY(0.3) });
    expect(boxVolume(segment)).toBeCloseTo(0, 12);
    expect(Math.max(...segment.size)).toBeCloseTo(2, 12);
    const plate: OrientedBox = { center: [0, 0, 3], size: [1, 0, 1], rotation: rotationX(0.4) };
    expectContainsCorners(enclosingYawBox(plate), plate);
  });

  it("rejects invalid boxes naming the field", () => {
    expect(() => enclosingYawBox({ center: [0, 0, 1], size: [1, -1, 1], rotation: rotationX(0) })).toThrow("enclosingYawBox: obb.size[1] = -1");
    expect(() => enclosingYawBox({ center: [0, NaN, 1], size: [1, 1, 1], rotation: rotationX(0) })).toThrow("enclosingYawBox: obb.center[1] = NaN");
  });
});

describe("projectOrientedBox", () => {
  it("equals projectBox3D for pure-yaw boxes, in front and across the near plane", () => {
    const rng = createRng(6);
    for (let n = 0; n < 100; n++) {
      const box: Box3D = {
        center: [rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(-1, 6)],
        size: [rng.uniform(0.1, 2), rng.uniform(0.1, 2), rng.uniform(0.1, 3)],
        yaw: rng.uniform(-4, 4),
      };
      const a = projectOrientedBox(K, orientedBoxFromBox3D(box), { nearM: 0.2 });
      const b = projectBox3D(K, box, { nearM: 0.2 });
      if (b === null) {
        expect(a).toBeNull();
        continue;
      }
      expect(a).not.toBeNull();
      for (const k of ["x1", "y1", "x2", "y2"] as const) expect(a![k]).toBeCloseTo(b[k], 6);
    }
  });

  it("encloses the projection of every point of a tilted box in front of the camera", () => {
    const rng = createRng(7);
    for (let n = 0; n < 20; n++) {
      const obb = randomObb(rng);
      const b = projectOrientedBox(K, obb)!;
      for (const c of orientedBoxCorners(obb)) {
        const uv = project(K, c)!;
        expect(uv[0]).toBeGreaterThanOrEqual(b.x1 - 1e-9);
        expect(uv[0]).toBeLessThanOrEqual(b.x2 + 1e-9);
        expect(uv[1]).toBeGreaterThanOrEqual(b.y1 - 1e-9);
        expect(uv[1]).toBeLessThanOrEqual(b.y2 + 1e-9);
      }
      // The box is tight: some corner reaches each side.
      const uvs = orientedBoxCorners(obb).map((c) => project(K, c)!);
      expect(Math.min(...uvs.map((p) => p[0]))).toBeCloseTo(b.x1, 9);
      expect(Math.max(...uvs.map((p) => p[1]))).toBeCloseTo(b.y2, 9);
      // A sampled interior point projects inside too.
      const p = mulMat3Vec(obb.rotation, [obb.size[0] * 0.3, -obb.size[1] * 0.2, obb.size[2] * 0.45]);
      const uv = project(K, [obb.center[0] + p[0], obb.center[1] + p[1], obb.center[2] + p[2]])!;
      expect(uv[0] >= b.x1 && uv[0] <= b.x2 && uv[1] >= b.y1 && uv[1] <= b.y2).toBe(true);
    }
  });

  it("is null behind the near plane and validates its inputs", () => {
    expect(projectOrientedBox(K, { center: [0, 0, -3], size: [1, 1, 1], rotation: rotationX(0.3) })).toBeNull();
    expect(() => projectOrientedBox(K, { center: [0, 0, 3], size: [1, 1, 1], rotation: rotationX(0) }, { nearM: -1 })).toThrow(
      "projectOrientedBox: nearM = -1: must be a finite number > 0 (metres)",
    );
    expect(() => projectOrientedBox({ ...K, fy: 0 }, { center: [0, 0, 3], size: [1, 1, 1], rotation: rotationX(0) })).toThrow("projectOrientedBox: fy = 0");
  });
});
