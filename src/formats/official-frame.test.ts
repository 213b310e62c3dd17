import { describe, expect, it } from "vitest";
import { boxCorners, type Box3D, type Vec3 } from "../geometry/index.js";
import {
  box3DFromOfficialFrame,
  box3DToOfficialFrame,
  officialAngleFromYaw,
  pointFromOfficial,
  pointMapFromOfficial,
  pointMapToOfficial,
  pointToOfficial,
  yawFromOfficialAngle,
} from "./official-frame.js";

/** R_y(a) about the official +y (up), applied as the release does (scipy rotvec [0, a, 0]). */
function rotYOfficial(v: Vec3, a: number): Vec3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]];
}

/** The 8 corners of an official-frame box, computed in the official frame. */
function officialCorners(center: Vec3, size: Vec3, angle: number): Vec3[] {
  const out: Vec3[] = [];
  for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) {
    const r = rotYOfficial([(sx * size[0]) / 2, (sy * size[1]) / 2, (sz * size[2]) / 2], angle);
    out.push([center[0] + r[0], center[1] + r[1], center[2] + r[2]]);
  }
  return out;
}

/** Each point of `a` has a point of `b` within tol (order-free comparison of corner sets). */
function sameCornerSet(a: Vec3[], b: Vec3[], tol = 1e-12): boolean {
  return a.every((p) => b.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) < tol));
}

describe("official frame <-> ours", () => {
  it("negates x and y of points and keeps z", () => {
    expect(pointFromOfficial([1, 2, 3])).toEqual([-1, -2, 3]);
    expect(pointToOfficial([-1, -2, 3])).toEqual([1, 2, 3]);
    expect(pointFromOfficial([0, 0, 5])).toEqual([0, 0, 5]); // no -0
    expect(Object.is(pointFromOfficial([0, 0, 5])[0], -0)).toBe(false);
  });

  it("maps angle_y to yaw = -angle", () => {
    expect(yawFromOfficialAngle(0.3)).toBe(-0.3);
    expect(officialAngleFromYaw(-0.3)).toBe(0.3);
    expect(Object.is(yawFromOfficialAngle(0), 0)).toBe(true);
  });

  it("a rotated official box has the same corners as the converted Box3D (yaw = -angle derivation)", () => {
    const centerOff: Vec3 = [0.4, -0.2, 3];
    const size: Vec3 = [1.2, 0.5, 0.3]; // unequal sizes so a wrong sign or axis swap shows
    const angle = 0.7;
    const ours = box3DFromOfficialFrame({ centerOfficialM: centerOff, sizeM: size, angleRad: angle });
    expect(ours.center).toEqual([-0.4, 0.2, 3]);
    expect(ours.size).toEqual(size);
    expect(ours.yaw).toBe(-0.7);
    const expected = officialCorners(centerOff, size, angle).map(pointFromOfficial);
    expect(sameCornerSet(boxCorners(ours), expected)).toBe(true);
    // The opposite sign convention would not match: the check can fail.
    const wrong: Box3D = { ...ours, yaw: angle };
    expect(sameCornerSet(boxCorners(wrong), expected)).toBe(false);
  });

  it("box conversion round trips", () => {
    const box: Box3D = { center: [0.5, -1, 4], size: [1, 2, 3], yaw: 0.25 };
    const off = box3DToOfficialFrame(box);
    expect(off).toEqual({ centerOfficialM: [-0.5, 1, 4], sizeM: [1, 2, 3], angleRad: -0.25 });
    expect(box3DFromOfficialFrame(off)).toEqual(box);
  });

  it("converts point maps, NaN stays NaN, length checked", () => {
    const pts = new Float32Array([1, 2, 3, NaN, NaN, NaN, -0.5, 0.25, 2]);
    const ours = pointMapFromOfficial(pts);
    expect(Array.from(ours.slice(0, 3))).toEqual([-1, -2, 3]);
    expect(Number.isNaN(ours[3])).toBe(true);
    expect(Array.from(ours.slice(6))).toEqual([0.5, -0.25, 2]);
    expect(Array.from(pointMapToOfficial(ours).slice(6))).toEqual([-0.5, 0.25, 2]);
    expect(pts[0]).toBe(1); // input untouched
    expect(() => pointMapFromOfficial(new Float32Array(4))).toThrow(/points length = 4/);
  });
});
