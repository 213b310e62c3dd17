import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import {
  BOX_EDGES,
  CORNER_SIGNS,
  boxContainsPoint,
  boxCorners,
  boxFromUVZ,
  boxToUVZ,
  boxVolume,
  makeBox3D,
  rotateY,
  toBoxLocal,
  validateBox3D,
  type Box3D,
} from "./box3d.js";
import type { Intrinsics, Vec3 } from "./types.js";

const K: Intrinsics = { fx: 500, fy: 500, cx: 320, cy: 240 };

function expectVecClose(actual: readonly number[], expected: readonly number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

describe("UVZ", () => {
  it("converts a known box both ways", () => {
    const box: Box3D = { center: [1, -0.5, 4], size: [0.5, 1, 2], yaw: 0.3 };
    const uvz = boxToUVZ(K, box);
    expect(uvz.uvPx).toEqual([500 * 0.25 + 320, 500 * -0.125 + 240]);
    expect(uvz.depthM).toBe(4);
    expect(uvz.size).toEqual([0.5, 1, 2]);
    expect(uvz.yaw).toBe(0.3);
    const back = boxFromUVZ(K, uvz);
    expectVecClose(back.center, box.center);
    expect(back.size).toEqual(box.size);
    expect(back.yaw).toBe(box.yaw);
  });

  it("round-trips UVZ -> box -> UVZ", () => {
    const uvz = { uvPx: [12.5, 400.25] as const, depthM: 7.5, size: [1, 2, 3] as const, yaw: -1 };
    const back = boxToUVZ(K, boxFromUVZ(K, uvz));
    expectVecClose(back.uvPx, uvz.uvPx, 10);
    expect(back.depthM).toBe(7.5);
  });

  it("refuses a centre behind the camera", () => {
    expect(() => boxToUVZ(K, { center: [0, 0, -1], size: [1, 1, 1], yaw: 0 })).toThrow("boxToUVZ: center.z = -1");
  });
});

describe("corners", () => {
  it("lists the corners of a known axis-aligned box in diagram order", () => {
    const c = boxCorners({ center: [1, 2, 3], size: [2, 4, 6], yaw: 0 });
    expect(c).toEqual([
      [0, 0, 0], // near top left
      [2, 0, 0], // near top right
      [2, 4, 0], // near bottom right
      [0, 4, 0], // near bottom left
      [0, 0, 6],
      [2, 0, 6],
      [2, 4, 6],
      [0, 4, 6],
    ]);
  });

  it("orders corners as the diagram says: near face first, then the far face behind it", () => {
    const c = boxCorners({ center: [0, 0, 5], size: [1, 1, 1], yaw: 0 });
    for (let i = 0; i < 4; i++) {
      expect(c[i]![2]).toBe(4.5); // near face (z -)
      expect(c[i + 4]![2]).toBe(5.5); // far face (z +)
      expect(c[i + 4]![0]).toBe(c[i]![0]); // corner i + 4 is corner i pushed back
      expect(c[i + 4]![1]).toBe(c[i]![1]);
    }
    // Going round the near face: top left, top right, bottom right, bottom left (y down).
    expect(c.slice(0, 4).map(([x, y]) => [Math.sign(x), Math.sign(y)])).toEqual([
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ]);
  });

  it("has 12 distinct edges, each joining corners that differ along one axis", () => {
    const keys = new Set(BOX_EDGES.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
    expect(keys.size).toBe(12);
    for (const [a, b] of BOX_EDGES) {
      const sa = CORNER_SIGNS[a]!;
      const sb = CORNER_SIGNS[b]!;
      expect(sa.filter((s, k) => s !== sb[k]).length).toBe(1);
    }
  });

  it("turns local +x towards camera -z and local +z towards camera +x for yaw = pi/2", () => {
    expectVecClose(rotateY([1, 0, 0], Math.PI / 2), [0, 0, -1]);
    expectVecClose(rotateY([0, 0, 1], Math.PI / 2), [1, 0, 0]);
    expectVecClose(rotateY([0, 3, 0], 1.2), [0, 3, 0]);
  });

  it("swaps the x and z extents for yaw = pi/2", () => {
    const c = boxCorners({ center: [1, 0, 10], size: [2, 1, 4], yaw: Math.PI / 2 });
    const xs = c.map((p) => p[0]);
    const ys = c.map((p) => p[1]);
    const zs = c.map((p) => p[2]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(4, 12);
    expect(Math.max(...ys) - Math.min(...ys)).toBeCloseTo(1, 12);
    expect(Math.max(...zs) - Math.min(...zs)).toBeCloseTo(2, 12);
    expect(Math.min(...xs)).toBeCloseTo(-1, 12);
    expect(Math.min(...zs)).toBeCloseTo(9, 12);
  });

  it("keeps the volume", () => {
    expect(boxVolume({ center: [0, 0, 0], size: [2, 3, 4], yaw: 0.7 })).toBe(24);
  });
});

describe("boxContainsPoint / toBoxLocal", () => {
  const box: Box3D = { center: [0, 0, 5], size: [2, 1, 0.2], yaw: 0 };

  it("accepts points inside and on the surface, rejects points outside", () => {
    expect(boxContainsPoint(box, [0, 0, 5])).toBe(true);
    expect(boxContainsPoint(box, [1, 0.5, 5.1])).toBe(true); // a corner
    expect(boxContainsPoint(box, [0.9, 0, 5.05])).toBe(true);
    expect(boxContainsPoint(box, [1.01, 0, 5])).toBe(false);
    expect(boxContainsPoint(box, [0, 0, 5.2])).toBe(false);
  });

  it("follows the yaw", () => {
    const yawed = { ...box, yaw: Math.PI / 2 }; // now 0.2 wide in x and 2 deep in z
    expect(boxContainsPoint(yawed, [0, 0, 5.9])).toBe(true);
    expect(boxContainsPoint(yawed, [0.9, 0, 5])).toBe(false);
    expect(boxContainsPoint(yawed, [0.09, 0.49, 4.1])).toBe(true);
  });

  it("inverts the corner rotation", () => {
    const yawed: Box3D = { center: [1, 2, 3], size: [2, 4, 6], yaw: 0.9 };
    boxCorners(yawed).forEach((corner, i) => {
      const s = CORNER_SIGNS[i]!;
      expectVecClose(toBoxLocal(yawed, corner), [s[0] * 1, s[1] * 2, s[2] * 3]);
    });
  });
});

describe("makeBox3D / validateBox3D", () => {
  it("copies valid numbers with yaw 0 by default", () => {
    const center: Vec3 = [1, 2, 3];
    const box = makeBox3D(center, [1, 1, 1]);
    expect(box).toEqual({ center: [1, 2, 3], size: [1, 1, 1], yaw: 0 });
    expect(box.center).not.toBe(center);
  });

  it("names the bad field", () => {
    expect(() => makeBox3D([0, 0, 1], [1, -2, 1])).toThrow("Box3D: size[1] = -2: must be a finite number >= 0 (metres)");
    expect(() => makeBox3D([0, NaN, 1], [1, 1, 1], 0, "pred.json")).toThrow("pred.json: center[1] = NaN");
    expect(() => validateBox3D({ center: [0, 0, 1], size: [1, 1, 1], yaw: Infinity }, "iou3d", "a.")).toThrow(
      "iou3d: a.yaw = Infinity",
    );
    expect(() => validateBox3D({ center: [0, 0, 1], size: [1, 1, 1], yaw: NaN })).toThrow(InputError);
  });

  it("returns a valid box unchanged", () => {
    const box: Box3D = { center: [0, 0, 1], size: [0, 0, 0], yaw: 3 };
    expect(validateBox3D(box)).toBe(box);
  });
});
