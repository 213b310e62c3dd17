import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { boxContainsPoint, boxCorners, type Box3D } from "./box3d.js";
import { project } from "./camera.js";
import { projectBox3D, projectBoxCorners, projectBoxEdges, projectedCenter } from "./project-box.js";
import type { Intrinsics, Vec2, Vec3 } from "./types.js";

const K: Intrinsics = { fx: 100, fy: 100, cx: 50, cy: 40 };

describe("projectBox3D, box in front of the camera", () => {
  it("matches a hand-computed box", () => {
    // Near face at z = 4 reaches x, y = +-1 -> 50 +- 25, 40 +- 25; the far face (z = 6) is inside that.
    expect(projectBox3D(K, { center: [0, 0, 5], size: [2, 2, 2], yaw: 0 })).toEqual({ x1: 25, y1: 15, x2: 75, y2: 65 });
  });

  it("equals the min / max of the projected corners", () => {
    const rand = createRng(3).next;
    for (let n = 0; n < 50; n++) {
      const box: Box3D = {
        center: [rand() * 4 - 2, rand() * 2 - 1, 3 + rand() * 5],
        size: [0.1 + rand() * 2, 0.1 + rand() * 2, 0.1 + rand() * 2],
        yaw: rand() * 2 * Math.PI,
      };
      const uv = boxCorners(box).map((c) => project(K, c)!);
      const us = uv.map((p) => p[0]);
      const vs = uv.map((p) => p[1]);
      expect(projectBox3D(K, box)).toEqual({ x1: Math.min(...us), y1: Math.min(...vs), x2: Math.max(...us), y2: Math.max(...vs) });
    }
  });
});

describe("projectBox3D, box crossing the near plane", () => {
  // z from -0.5 to 1.5: the near face is behind the camera.
  const straddling: Box3D = { center: [0, 0, 0.5], size: [1, 1, 2], yaw: 0 };

  it("clips at z = nearM: the side edges meet the plane at x, y = +-0.5", () => {
    // Default nearM = 0.01: u = 50 +- 100 * 0.5 / 0.01, v = 40 +- 5000.
    const b = projectBox3D(K, straddling)!;
    expect(b.x1).toBeCloseTo(-4950, 9);
    expect(b.x2).toBeCloseTo(5050, 9);
    expect(b.y1).toBeCloseTo(-4960, 9);
    expect(b.y2).toBeCloseTo(5040, 9);
    // nearM = 0.5: u = 50 +- 100, v = 40 +- 100.
    expect(projectBox3D(K, straddling, { nearM: 0.5 })).toEqual({ x1: -50, y1: -60, x2: 150, y2: 140 });
  });

  it("is finite and contains the projections of the in-front corners and of sampled points", () => {
    const rand = createRng(11).next;
    let checked = 0;
    for (let n = 0; n < 20; n++) {
      const box: Box3D = {
        center: [rand() * 2 - 1, rand() * 2 - 1, rand() * 1.5 - 0.5],
        size: [0.5 + rand() * 2, 0.5 + rand() * 2, 1.5 + rand() * 2],
        yaw: rand() * 2 * Math.PI,
      };
      const zs = boxCorners(box).map((c) => c[2]);
      if (!(Math.min(...zs) < 0.01 && Math.max(...zs) > 0.01)) continue;
      checked++;
      const b = projectBox3D(K, box)!;
      expect([b.x1, b.y1, b.x2, b.y2].every(Number.isFinite)).toBe(true);
      const inside = (p: Vec2) => p[0] >= b.x1 - 1e-9 && p[0] <= b.x2 + 1e-9 && p[1] >= b.y1 - 1e-9 && p[1] <= b.y2 + 1e-9;
      for (const c of boxCorners(box)) if (c[2] >= 0.01) expect(inside(project(K, c)!)).toBe(true);
      // Any point of the box at z >= nearM projects inside the result.
      for (let s = 0; s < 200; s++) {
        const p: Vec3 = [
          box.center[0] + (rand() - 0.5) * 4,
          box.center[1] + (rand() - 0.5) * 4,
          0.01 + rand() * 3,
        ];
        if (boxContainsPoint(box, p)) expect(inside(project(K, p)!)).toBe(true);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("matches a hand-computed yawed box", () => {
    // A 2 m cube at the origin turned 45 deg: its footprint is the diamond |x| + |z| <= sqrt 2.
    // With nearM = 0.5 what remains is the cap z >= 0.5: at the plane x = +-(sqrt2 - 0.5), y = +-1,
    // and the far vertex (0, +-1, sqrt 2).
    const box: Box3D = { center: [0, 0, 0], size: [2, 2, 2], yaw: Math.PI / 4 };
    const b = projectBox3D(K, box, { nearM: 0.5 })!;
    const half = 200 * (Math.SQRT2 - 0.5);
    expect(b.x1).toBeCloseTo(50 - half, 9);
    expect(b.x2).toBeCloseTo(50 + half, 9);
    expect(b.y1).toBeCloseTo(-160, 9);
    expect(b.y2).toBeCloseTo(240, 9);
  });
});

describe("projectBox3D, box behind", () => {
  it("returns null when nothing is in front of the near plane", () => {
    expect(projectBox3D(K, { center: [0, 0, -5], size: [2, 2, 2], yaw: 0.3 })).toBeNull();
    // In front of the camera but wholly nearer than nearM.
    expect(projectBox3D(K, { center: [0, 0, 0.004], size: [0.002, 0.002, 0.002], yaw: 0 })).toBeNull();
    expect(projectBox3D(K, { center: [0, 0, 1], size: [1, 1, 1], yaw: 0 }, { nearM: 2 })).toBeNull();
  });

  it("keeps a box touching the near plane from behind as a single face", () => {
    // z from -1 to 0.5 with nearM = 0.5: only the far face, at z = 0.5, is left.
    expect(projectBox3D(K, { center: [0, 0, -0.25], size: [1, 1, 1.5], yaw: 0 }, { nearM: 0.5 })).toEqual({
      x1: -50,
      y1: -60,
      x2: 150,
      y2: 140,
    });
  });

  it("rejects a bad nearM or box", () => {
    const box: Box3D = { center: [0, 0, 5], size: [1, 1, 1], yaw: 0 };
    expect(() => projectBox3D(K, box, { nearM: 0 })).toThrow("projectBox3D: nearM = 0: must be a finite number > 0 (metres)");
    expect(() => projectBox3D(K, { ...box, size: [1, -1, 1] })).toThrow("projectBox3D: box.size[1] = -1");
    expect(() => projectBox3D({ ...K, fx: 0 }, box)).toThrow("projectBox3D: fx = 0");
  });
});

describe("projectedCenter / projectBoxCorners / projectBoxEdges", () => {
  it("projects the centre", () => {
    expect(projectedCenter(K, { center: [0.5, -0.2, 2], size: [1, 1, 1], yaw: 0 })).toEqual([75, 30]);
    expect(projectedCenter(K, { center: [0.5, -0.2, 0], size: [1, 1, 1], yaw: 0 })).toBeNull();
  });

  it("projects the corners in corner order, null behind the near plane", () => {
    const corners = projectBoxCorners(K, { center: [0, 0, 0.5], size: [1, 1, 2], yaw: 0 });
    expect(corners.slice(0, 4)).toEqual([null, null, null, null]);
    expect(corners.slice(4)).toEqual([
      [50 - 100 / 3, 40 - 100 / 3],
      [50 + 100 / 3, 40 - 100 / 3],
      [50 + 100 / 3, 40 + 100 / 3],
      [50 - 100 / 3, 40 + 100 / 3],
    ]);
  });

  it("draws all 12 edges of a box in front and clips the rest", () => {
    expect(projectBoxEdges(K, { center: [0, 0, 5], size: [2, 2, 2], yaw: 0 })).toHaveLength(12);
    const edges = projectBoxEdges(K, { center: [0, 0, 0.5], size: [1, 1, 2], yaw: 0 }, { nearM: 0.5 });
    // The near face (z = -0.5, edges 0-3) is gone; 4 far-face edges and 4 side edges cut at z = 0.5 remain.
    expect(edges).toHaveLength(12);
    expect(edges.slice(0, 4)).toEqual([null, null, null, null]);
    expect(edges.slice(4).every((e) => e !== null)).toBe(true);
    expect(edges[8]).toEqual([
      [-50, -60],
      [50 - 100 / 3, 40 - 100 / 3],
    ]);
  });
});
