import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { applyPose, composePoses, invertPose, mulMat3, rotationX, rotationY, rotationZ, transposeMat3 } from "./pose.js";
import type { Pose } from "./pose.js";
import { rotateY } from "./box3d.js";

describe("pose", () => {
  it("rotations turn the axes the right-handed way", () => {
    expect(applyPose({ rotation: rotationZ(Math.PI / 2), translation: [0, 0, 0] }, [1, 0, 0]).map((x) => Math.round(x))).toEqual([0, 1, 0]);
    expect(applyPose({ rotation: rotationX(Math.PI / 2), translation: [0, 0, 0] }, [0, 1, 0]).map((x) => Math.round(x))).toEqual([0, 0, 1]);
    expect(applyPose({ rotation: rotationY(Math.PI / 2), translation: [0, 0, 0] }, [0, 0, 1]).map((x) => Math.round(x))).toEqual([1, 0, 0]);
  });

  it("rotationY is Box3D's yaw rotation", () => {
    const p = [0.3, -0.2, 1.7] as const;
    const a = applyPose({ rotation: rotationY(0.7), translation: [0, 0, 0] }, p);
    const b = rotateY(p, 0.7);
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 14));
  });

  it("invert and compose round-trip random poses", () => {
    const rng = createRng(5);
    for (let k = 0; k < 20; k++) {
      const pose: Pose = {
        rotation: mulMat3(rotationX(rng.uniform(-3, 3)), mulMat3(rotationY(rng.uniform(-3, 3)), rotationZ(rng.uniform(-3, 3)))),
        translation: [rng.uniform(-5, 5), rng.uniform(-5, 5), rng.uniform(-5, 5)],
      };
      const p = [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)] as const;
      const back = applyPose(invertPose(pose), applyPose(pose, p));
      back.forEach((x, i) => expect(x).toBeCloseTo(p[i]!, 12));
      const id = composePoses(pose, invertPose(pose));
      id.rotation.forEach((x, i) => expect(x).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][i]!, 12));
      id.translation.forEach((x) => expect(x).toBeCloseTo(0, 12));
      const rrt = mulMat3(pose.rotation, transposeMat3(pose.rotation));
      rrt.forEach((x, i) => expect(x).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][i]!, 12));
    }
  });
});
