import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { depthFromArray, readDepth, writeDepthNpy } from "./depth.js";
import { writeDepthPng16 } from "./depth-png.js";
import { serializeNpy } from "./npy.js";
import { writeNpz } from "./npz.js";
import { listDir, makeTempDir } from "./testing/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

const size = { width: 3, height: 2 };
const depthM = Float32Array.from([0, 0.5, 1.25, 2, 3.5, 10]);

describe("readDepth", () => {
  it("reads 16-bit PNG in millimetres by default, or at a given scale", async () => {
    const path = join(dir, "d.png");
    await writeDepthPng16(path, depthM, size, 1000);
    expect(await readDepth(path)).toEqual({ size, depthM });
    await writeDepthPng16(path, depthM, size, 5000);
    expect(await readDepth(path, { scale: 5000 })).toEqual({ size, depthM });
  });

  it("reads float .npy as metres and uint16 .npy divided by the scale", async () => {
    const f4 = join(dir, "f4.npy");
    await writeDepthNpy(f4, depthM, size);
    expect(await readDepth(f4)).toEqual({ size, depthM });
    const f2 = join(dir, "f2.NPY");
    await writeDepthNpy(f2, depthM, size, { dtype: "<f2" });
    expect(await readDepth(f2)).toEqual({ size, depthM }); // all values are exact in float16
    const u2 = join(dir, "u2.npy");
    await writeFile(u2, serializeNpy({ dtype: "<u2", shape: [2, 3, 1], data: Uint16Array.from([0, 2500, 6250, 10000, 17500, 50000]) }));
    expect(await readDepth(u2, { scale: 5000 })).toEqual({ size, depthM });
  });

  it("refuses a scale for float depth instead of ignoring it", async () => {
    const path = join(dir, "f4.npy");
    await writeDepthNpy(path, depthM, size);
    await expect(readDepth(path, { scale: 1000 })).rejects.toThrow(`${path}: scale = 1000: depth stored as <f4 is metres already`);
  });

  it("reads the depth array of an .npz and lists the keys when it is missing", async () => {
    const path = join(dir, "scene.npz");
    await writeNpz(path, { depth: { dtype: "<f4", shape: [2, 3], data: depthM }, intr: { dtype: "<f4", shape: [1], data: new Float32Array(1) } });
    expect(await readDepth(path)).toEqual({ size, depthM });
    await writeNpz(path, { pcd: { dtype: "<f4", shape: [1], data: new Float32Array(1) } });
    await expect(readDepth(path)).rejects.toThrow(`${path}: depth = undefined: no 'depth' array in the .npz (arrays: pcd)`);
  });

  it("refuses unknown extensions, bad shapes and dtypes", async () => {
    await expect(readDepth(join(dir, "d.exr"))).rejects.toThrow('d.exr: extension = ".exr": depth must be one of .png, .npy, .npz');
    expect(() => depthFromArray({ dtype: "<f4", shape: [2, 3, 2], data: new Float32Array(12) }, "d.npy")).toThrow(
      'd.npy: shape = "(2, 3, 2)": depth must be H x W or H x W x 1',
    );
    expect(() => depthFromArray({ dtype: "<i4", shape: [1, 1], data: new Int32Array(1) }, "d.npy")).toThrow('d.npy: dtype = "<i4"');
  });

  it("writes nothing for a depth map of the wrong length", async () => {
    await expect(writeDepthNpy(join(dir, "x.npy"), new Float32Array(5), size)).rejects.toThrow("depth length = 5: expected 3x2 = 6");
    expect(await listDir(dir)).toEqual([]);
  });
});
