import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NpyArray } from "../rgbd/npy.js";
import { readNpz, serializeNpz } from "../rgbd/npz.js";
import { readOfficialPointMapNpz, writeOfficialPointMapNpz } from "./moge-npz.js";
import { pointMapToOfficial } from "./official-frame.js";
import { computeSceneNormalization } from "./scene-normalization.js";

/** intr as the release stores it (normalized, cx = cy = 0.5). */
function intr(fx: number, fy: number, dtype: "<f4" | "<f8" = "<f4"): NpyArray {
  const m = [fx, 0, 0.5, 0, fy, 0.5, 0, 0, 1];
  return { dtype, shape: [3, 3], data: dtype === "<f4" ? new Float32Array(m) : new Float64Array(m) };
}

/** A 1 x 2 official-frame pcd written by hand: (0.5, 0.25, 2) and (-1, -1, 3), both valid. */
function handPcd(dtype: "<f2" | "<f4" = "<f2"): NpyArray {
  return { dtype, shape: [1, 2, 4], data: new Float32Array([0.5, 0.25, 2, 1, -1, -1, 3, 1]) };
}

describe("readOfficialPointMapNpz", () => {
  it("converts a hand-written official npz to our frame and pixel intrinsics", async () => {
    const bytes = serializeNpz({ pcd: handPcd(), intr: intr(0.75, 1.125) });
    const pm = await readOfficialPointMapNpz(bytes, "hand.npz");
    expect(pm.size).toEqual({ width: 2, height: 1 });
    // official x > 0 (left) is our x < 0; official y > 0 (up) is our y < 0
    expect(Array.from(pm.pointsM)).toEqual([-0.5, -0.25, 2, 1, 1, 3]);
    expect(Array.from(pm.depthM)).toEqual([2, 3]);
    expect(Array.from(pm.valid)).toEqual([1, 1]);
    // pixels: fx = 0.75 * 2 = 1.5, fy = 1.125 * 1, cx = 0.5 * 2 - 0.5 = 0.5, cy = 0.5 * 1 - 0.5 = 0
    expect(pm.intrinsics).toEqual({ fx: 1.5, fy: 1.125, cx: 0.5, cy: 0 });
    expect(pm.intrinsicsNormalized).toEqual({ fx: 0.75, fy: 1.125, cx: 0.5, cy: 0.5 });
    // official frame: shift0 = (-1, -1, 2); shifted (1.5, 1.25, 0) and (0, 0, 1)
    expect(pm.normalization.shift0).toEqual([-1, -1, 2]);
    expect(pm.normalization.scaling).toBeCloseTo(2 / (Math.sqrt(1.5 ** 2 + 1.25 ** 2) + 1), 12);
    expect(pm.unusableFlaggedPoints).toBe(0);
  });

  it("accepts float32 pcd and float64 intr", async () => {
    const pm = await readOfficialPointMapNpz(serializeNpz({ pcd: handPcd("<f4"), intr: intr(0.75, 1.125, "<f8") }), "f32.npz");
    expect(pm.pointsM[0]).toBe(-0.5);
  });

  it("treats channel 4 <= 0 as invalid, and counts flagged points that are not camera points", async () => {
    // valid; channel 0; NaN flagged valid; behind the camera flagged valid; channel -1; valid
    const data = [1, 1, 2, 1, 9, 9, 9, 0, NaN, 0, 1, 1, 0, 0, -1, 1, 9, 9, 9, -1, 2, 2, 3, 0.5];
    const pcd: NpyArray = { dtype: "<f2", shape: [2, 3, 4], data: new Float32Array(data) };
    const pm = await readOfficialPointMapNpz(serializeNpz({ pcd, intr: intr(1, 1) }), "m.npz");
    expect(Array.from(pm.valid)).toEqual([1, 0, 0, 0, 0, 1]);
    expect(Array.from(pm.depthM)).toEqual([2, 0, 0, 0, 0, 3]);
    expect(pm.normalization.shift0).toEqual([1, 1, 2]); // the 9s and the NaN did not count
    expect(Number.isNaN(pm.pointsM[3])).toBe(true);
    expect(pm.unusableFlaggedPoints).toBe(2);
  });

  it("names pcd and the keys present when pcd is missing", async () => {
    const bytes = serializeNpz({ intr: intr(1, 1), depth: { dtype: "<f4", shape: [1, 1], data: new Float32Array([1]) } });
    await expect(readOfficialPointMapNpz(bytes, "scene.npz")).rejects.toThrow(
      "scene.npz: pcd = \"missing\": an official point map needs 'pcd' (H x W x 4 float16 points + validity); keys present: intr, depth",
    );
  });

  it.each([
    ["wrong pcd shape", { pcd: { dtype: "<f2", shape: [1, 2, 3], data: new Float32Array(6) }, intr: intr(1, 1) }, /pcd\.shape = "1x2x3"/],
    ["wrong pcd dtype", { pcd: { dtype: "<f8", shape: [1, 1, 4], data: new Float64Array([0, 0, 1, 1]) }, intr: intr(1, 1) }, /pcd\.dtype = "<f8"/],
    ["missing intr", { pcd: handPcd() }, /intr = "missing".*keys present: pcd/],
    ["intr not 3x3", { pcd: handPcd(), intr: { dtype: "<f4", shape: [3, 4], data: new Float32Array(12) } }, /intr\.shape = "3x4"/],
    ["intr fx <= 0", { pcd: handPcd(), intr: intr(-1, 1) }, /intr\.fx = -1: normalized focal length must be a finite number > 0/],
    ["intr fy NaN", { pcd: handPcd(), intr: intr(1, NaN) }, /intr\.fy = NaN/],
    ["intr with skew", { pcd: handPcd(), intr: { dtype: "<f4", shape: [3, 3], data: new Float32Array([1, 0.5, 0.5, 0, 1, 0.5, 0, 0, 1]) } }, /intr\[0\]\[1\] = 0.5/],
    ["no valid point", { pcd: { dtype: "<f2", shape: [1, 2, 4], data: new Float32Array([1, 1, 1, 0, 1, 1, 1, 0]) }, intr: intr(1, 1) }, /has no valid point/],
  ] as [string, Record<string, NpyArray>, RegExp][])("rejects %s", async (_name, arrays, pattern) => {
    await expect(readOfficialPointMapNpz(serializeNpz(arrays), "bad.npz")).rejects.toThrow(pattern);
  });
});

describe("writeOfficialPointMapNpz", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "n3d-moge-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // 2 x 3, our frame, float16-exact values; pixels 2 and 5 invalid.
  const size = { width: 3, height: 2 };
  const pointsM = new Float32Array([0.5, -0.25, 2, -1, 0.75, 3, NaN, NaN, NaN, 0, 0, 1.5, 1.25, 0.5, 4, 7, 7, 7]);
  const valid = new Uint8Array([1, 1, 0, 1, 1, 0]);
  const intrinsics = { fx: 2.25, fy: 2.25, cx: 1, cy: 0.5 }; // normalized 0.75, 1.125, 0.5, 0.5

  it("writes the release's layout and reads back the same map", async () => {
    const path = join(dir, "scene.npz");
    await writeOfficialPointMapNpz(path, { pointsM, valid, intrinsics, size }, { compress: true });

    const raw = await readNpz(path);
    expect([...raw.keys()].sort()).toEqual(["depth", "intr", "mask", "pcd"]);
    const pcd = raw.get("pcd")!;
    expect(pcd.dtype).toBe("<f2");
    expect(pcd.shape).toEqual([2, 3, 4]);
    expect(Array.from(pcd.data.slice(0, 8) as Float32Array)).toEqual([-0.5, 0.25, 2, 1, 1, -0.75, 3, 1]); // x, y negated
    expect(Array.from(pcd.data.slice(8, 12) as Float32Array)).toEqual([0, 0, 0, 0]); // invalid: zeros, no NaN
    expect(raw.get("intr")).toMatchObject({ dtype: "<f4", shape: [3, 3] });
    expect(Array.from(raw.get("intr")!.data as Float32Array)).toEqual([0.75, 0, 0.5, 0, 1.125, 0.5, 0, 0, 1]);
    expect(raw.get("mask")).toMatchObject({ dtype: "|b1", shape: [2, 3] });
    expect(Array.from(raw.get("depth")!.data as Float32Array)).toEqual([2, 3, 0, 1.5, 4, 0]);

    const pm = await readOfficialPointMapNpz(path);
    expect(pm.size).toEqual(size);
    expect(pm.intrinsics).toEqual(intrinsics);
    expect(Array.from(pm.valid)).toEqual(Array.from(valid));
    for (let i = 0; i < pointsM.length; i++) {
      if (valid[Math.floor(i / 3)]) expect(pm.pointsM[i]).toBe(pointsM[i]);
      else expect(Number.isNaN(pm.pointsM[i])).toBe(true);
    }
    expect(pm.normalization).toEqual(computeSceneNormalization(pointMapToOfficial(pointsM), valid));
  });

  it("errors name the file; a valid-flagged NaN is rejected", async () => {
    const bad = pointsM.slice();
    bad[0] = NaN;
    const path = join(dir, "bad.npz");
    await expect(writeOfficialPointMapNpz(path, { pointsM: bad, valid, intrinsics, size })).rejects.toThrow(
      `${path}: point 0 = [null,-0.25,2]: is flagged valid but is not a finite point with z > 0`,
    );
    await expect(readOfficialPointMapNpz(path)).rejects.toThrow(/ENOENT|bad\.npz/); // nothing was written
    await expect(writeOfficialPointMapNpz(path, { pointsM: pointsM.subarray(3), valid, intrinsics, size })).rejects.toThrow(/points length = 15/);
  });
});
