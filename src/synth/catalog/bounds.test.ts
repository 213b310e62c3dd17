import { describe, expect, it } from "vitest";
import type { Mat3, Vec3 } from "../../geometry/index.js";
import { applyPose, IDENTITY_MAT3, mulMat3, rotationX, rotationY, rotationZ } from "../../geometry/index.js";
import { createRng } from "../../random.js";
import type { Pose, Primitive } from "../types.js";
import type { Aabb } from "./bounds.js";
import { aabbSize, partsBounds, primitiveBounds, unionAabb } from "./bounds.js";

/**
 * Slow reference: the AABB of points densely sampled on the primitive's surface. For a capped
 * cylinder or frustum the extreme points lie on the cap rims, for a box on its corners, for a
 * sphere on the great circles through the axes, so sampling those is enough; with N points per rim
 * the sampled extreme falls short of the true one by at most r (1 - cos(pi / N)).
 */
function sampledBounds(shape: Primitive, pose: Pose, n = 4000): Aabb {
  const pts: Vec3[] = [];
  const rim = (y: number, r: number): void => {
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      pts.push([r * Math.cos(a), y, r * Math.sin(a)]);
    }
  };
  switch (shape.kind) {
    case "box":
      for (let i = 0; i < 8; i++) pts.push([((i & 1 ? 1 : -1) * shape.size[0]) / 2, ((i & 2 ? 1 : -1) * shape.size[1]) / 2, ((i & 4 ? 1 : -1) * shape.size[2]) / 2]);
      break;
    case "cylinder":
      rim(-shape.height / 2, shape.radius);
      rim(shape.height / 2, shape.radius);
      break;
    case "frustum":
      rim(-shape.height / 2, shape.radiusBottom);
      rim(shape.height / 2, shape.radiusTop);
      break;
    case "sphere": {
      // Every direction's extreme is a point of the sphere; sample a dense set of directions.
      for (let i = 0; i < n; i++) {
        const z = -1 + (2 * (i + 0.5)) / n;
        const phi = i * 2.399963229728653;
        const s = Math.sqrt(1 - z * z);
        pts.push([shape.radius * s * Math.cos(phi), shape.radius * s * Math.sin(phi), shape.radius * z]);
      }
      for (const axis of [0, 1, 2]) {
        const p: [number, number, number] = [0, 0, 0];
        p[axis] = shape.radius;
        pts.push([...p]);
        p[axis] = -shape.radius;
        pts.push([...p]);
      }
      break;
    }
  }
  const world = pts.map((p) => applyPose(pose, p));
  const min = [0, 1, 2].map((i) => Math.min(...world.map((p) => p[i]!)));
  const max = [0, 1, 2].map((i) => Math.max(...world.map((p) => p[i]!)));
  return { min: min as unknown as Vec3, max: max as unknown as Vec3 };
}

function expectClose(a: Aabb, b: Aabb, tol: number): void {
  for (let i = 0; i < 3; i++) {
    expect(Math.abs(a.min[i]! - b.min[i]!)).toBeLessThan(tol);
    expect(Math.abs(a.max[i]! - b.max[i]!)).toBeLessThan(tol);
  }
}

function randomRotation(rng: ReturnType<typeof createRng>): Mat3 {
  return mulMat3(mulMat3(rotationZ(rng.uniform(-Math.PI, Math.PI)), rotationX(rng.uniform(-Math.PI, Math.PI))), rotationY(rng.uniform(-Math.PI, Math.PI)));
}

describe("primitiveBounds", () => {
  it("gives the exact box of an upright primitive", () => {
    const pose: Pose = { rotation: IDENTITY_MAT3, translation: [1, 2, 3] };
    expect(primitiveBounds({ kind: "box", size: [2, 4, 6] }, pose)).toEqual({ min: [0, 0, 0], max: [2, 4, 6] });
    expect(primitiveBounds({ kind: "sphere", radius: 0.5 }, pose)).toEqual({ min: [0.5, 1.5, 2.5], max: [1.5, 2.5, 3.5] });
    expect(primitiveBounds({ kind: "cylinder", radius: 0.5, height: 2 }, pose)).toEqual({ min: [0.5, 1, 2.5], max: [1.5, 3, 3.5] });
    // A frustum's upright bounds take the wider cap.
    expect(primitiveBounds({ kind: "frustum", radiusBottom: 0.2, radiusTop: 0.5, height: 2 }, pose)).toEqual({ min: [0.5, 1, 2.5], max: [1.5, 3, 3.5] });
  });

  it("is exact for a wheel: a cylinder turned so its axis is horizontal", () => {
    const wheel: Primitive = { kind: "cylinder", radius: 0.33, height: 0.22 };
    const pose: Pose = { rotation: rotationZ(Math.PI / 2), translation: [0.8, 0.33, 1.4] };
    const exact = primitiveBounds(wheel, pose);
    expectClose(exact, { min: [0.8 - 0.11, 0, 1.4 - 0.33], max: [0.8 + 0.11, 0.66, 1.4 + 0.33] }, 1e-12);
    expectClose(exact, sampledBounds(wheel, pose), 1e-6);
  });

  it("matches dense surface sampling under random rotations, for every kind", () => {
    const rng = createRng(41);
    const shapes: Primitive[] = [
      { kind: "box", size: [0.3, 1.2, 0.05] },
      { kind: "cylinder", radius: 0.2, height: 0.9 },
      { kind: "frustum", radiusBottom: 0.35, radiusTop: 0.1, height: 0.6 },
      { kind: "frustum", radiusBottom: 0.18, radiusTop: 0, height: 0.7 },
      { kind: "sphere", radius: 0.4 },
    ];
    for (let trial = 0; trial < 12; trial++) {
      for (const shape of shapes) {
        const pose: Pose = { rotation: randomRotation(rng), translation: [rng.uniform(-2, 2), rng.uniform(0, 2), rng.uniform(-2, 2)] };
        const exact = primitiveBounds(shape, pose);
        const sampled = sampledBounds(shape, pose);
        // The exact box holds every sample and is no bigger than the samples' box plus the rim error.
        for (let i = 0; i < 3; i++) {
          expect(exact.min[i]!).toBeLessThanOrEqual(sampled.min[i]! + 1e-12);
          expect(exact.max[i]!).toBeGreaterThanOrEqual(sampled.max[i]! - 1e-12);
        }
        expectClose(exact, sampled, shape.kind === "sphere" ? 2e-3 : 1e-6);
      }
    }
  });
});

describe("partsBounds", () => {
  const m = { rgb: [1, 2, 3] as const, texture: "plain" as const, textureScaleM: 1, textureStrength: 0 };

  it("is the union of the parts' boxes", () => {
    const a = { shape: { kind: "box" as const, size: [1, 1, 1] as const }, pose: { rotation: IDENTITY_MAT3, translation: [0, 0.5, 0] as const }, material: m };
    const b = { shape: { kind: "sphere" as const, radius: 0.25 }, pose: { rotation: IDENTITY_MAT3, translation: [2, 0.25, 0] as const }, material: m };
    const u = partsBounds([a, b]);
    expect(u).toEqual({ min: [-0.5, 0, -0.5], max: [2.25, 1, 0.5] });
    expect(aabbSize(u)).toEqual([2.75, 1, 1]);
    expect(unionAabb(u, u)).toEqual(u);
  });

  it("refuses an object without parts", () => {
    expect(() => partsBounds([])).toThrow(/at least one part/);
  });
});
