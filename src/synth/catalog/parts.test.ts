import { describe, expect, it } from "vitest";
import type { Mat3, Vec3 } from "../../geometry/index.js";
import { mulMat3, mulMat3Vec, transposeMat3 } from "../../geometry/index.js";
import { createRng } from "../../random.js";
import { partBounds } from "./bounds.js";
import { boxSpan, cylinderX, cylinderY, cylinderZ, frustumY, rod, rotationYTo } from "./parts.js";

const m = { rgb: [1, 2, 3] as const, texture: "plain" as const, textureScaleM: 1, textureStrength: 0 };

function expectRotation(R: Mat3): void {
  const I = mulMat3(R, transposeMat3(R));
  [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(I[i]!).toBeCloseTo(v, 12));
  const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
  expect(det).toBeCloseTo(1, 12);
}

describe("rotationYTo", () => {
  it("turns +y onto any unit vector with a proper rotation", () => {
    const rng = createRng(5);
    const dirs: Vec3[] = [[0, 1, 0], [0, -1, 0], [1, 0, 0], [0, 0, -1]];
    for (let i = 0; i < 50; i++) {
      const v: Vec3 = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
      const n = Math.hypot(...v);
      dirs.push([v[0] / n, v[1] / n, v[2] / n]);
    }
    for (const u of dirs) {
      const R = rotationYTo(u);
      expectRotation(R);
      const y = mulMat3Vec(R, [0, 1, 0]);
      for (let k = 0; k < 3; k++) expect(y[k]!).toBeCloseTo(u[k]!, 12);
    }
  });
});

describe("part constructors", () => {
  it("span what they say", () => {
    expect(partBounds(boxSpan([-1, 0, -2], [1, 3, 2], m))).toEqual({ min: [-1, 0, -2], max: [1, 3, 2] });
    expect(partBounds(cylinderY(1, 2, 0.5, 1.5, 0.25, m))).toEqual({ min: [0.75, 0.5, 1.75], max: [1.25, 1.5, 2.25] });
    expect(partBounds(frustumY(0, 0, 0, 1, 0.5, 0.1, m))).toEqual({ min: [-0.5, 0, -0.5], max: [0.5, 1, 0.5] });
    const wheel = partBounds(cylinderX([0, 0.3, 0], 0.3, 0.1, m));
    [-0.05, 0, -0.3].forEach((v, i) => expect(wheel.min[i]!).toBeCloseTo(v, 12));
    [0.05, 0.6, 0.3].forEach((v, i) => expect(wheel.max[i]!).toBeCloseTo(v, 12));
    const nozzle = partBounds(cylinderZ([0, 0, 0], 0.1, 0.4, m));
    [-0.1, -0.1, -0.2].forEach((v, i) => expect(nozzle.min[i]!).toBeCloseTo(v, 12));
  });

  it("runs a rod from one end to the other", () => {
    const part = rod([0, 0, 0], [0, 3, 4], 0.01, m);
    expect(part.shape).toEqual({ kind: "cylinder", radius: 0.01, height: 5 });
    expect(part.pose.translation).toEqual([0, 1.5, 2]);
    const axis = mulMat3Vec(part.pose.rotation, [0, 1, 0]);
    [0, 0.6, 0.8].forEach((v, i) => expect(axis[i]!).toBeCloseTo(v, 12));
    expect(() => rod([1, 1, 1], [1, 1, 1], 0.01, m)).toThrow(/coincide/);
  });
});
