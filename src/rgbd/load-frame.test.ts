import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { writeDepthNpy } from "./depth.js";
import { writeDepthPng16 } from "./depth-png.js";
import { writeImagePng } from "./image.js";
import { loadFrame } from "./load-frame.js";
import { makeTempDir } from "./testing/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

const size = { width: 4, height: 3 };
const K = { fx: 4, fy: 4, cx: 1.5, cy: 1 };
const depthM = Float32Array.from([1, 1.5, 2, 0, 2.5, 3, 3.5, 4, 0, 5, 6, 7]);

/** rgb.png and depth.png (millimetres) for the 4x3 frame above. */
async function writeFrame(): Promise<{ image: string; depth: string }> {
  const image = join(dir, "rgb.png");
  await writeImagePng(image, { size, rgb: Uint8Array.from({ length: 36 }, (_, i) => i * 7) });
  const depth = join(dir, "depth.png");
  await writeDepthPng16(depth, depthM, size, 1000);
  return { image, depth };
}

describe("loadFrame", () => {
  it("loads an image, 16-bit depth and intrinsics into a frame", async () => {
    const { image, depth } = await writeFrame();
    const frame = await loadFrame({ image, depth, intrinsics: K });
    expect(frame.size).toEqual(size);
    expect(frame.rgb.length).toBe(36);
    expect(frame.rgb[5]).toBe(35);
    expect(frame.depthM).toEqual(depthM);
    expect(frame.intrinsics).toEqual(K);
  });

  it("takes intrinsics from a field of view or a JSON file", async () => {
    const { image, depth } = await writeFrame();
    const fromFov = await loadFrame({ image, depth, fovXDeg: 90 });
    expect(fromFov.intrinsics.fx).toBeCloseTo(2, 12);
    expect([fromFov.intrinsics.cx, fromFov.intrinsics.cy]).toEqual([1.5, 1]);
    const intrinsicsPath = join(dir, "cam.json");
    await writeFile(intrinsicsPath, JSON.stringify({ normalized: true, fx: 1, fy: 1, cx: 0.5, cy: 0.5 }));
    const fromJson = await loadFrame({ image, depth, intrinsicsPath });
    expect(fromJson.intrinsics).toEqual({ fx: 4, fy: 3, cx: 1.5, cy: 1 });
  });

  it("names both files and both sizes when image and depth differ", async () => {
    const image = join(dir, "rgb.png");
    await writeImagePng(image, { size, rgb: new Uint8Array(36) });
    const depth = join(dir, "depth.png");
    await writeDepthPng16(depth, new Float32Array(6).fill(1), { width: 3, height: 2 }, 1000);
    await expect(loadFrame({ image, depth, intrinsics: K })).rejects.toThrow(
      `${depth}: size = "3x2": does not match the image ${image} size 4x3`,
    );
  });

  it("refuses depth with no valid pixel, naming the depth file", async () => {
    const image = join(dir, "rgb.png");
    await writeImagePng(image, { size, rgb: new Uint8Array(36) });
    const depth = join(dir, "depth.npy");
    await writeDepthNpy(depth, Float32Array.from({ length: 12 }, (_, i) => (i % 2 ? NaN : 0)), size);
    const err = await loadFrame({ image, depth, intrinsics: K }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${depth}: depth = "0 valid of 12 pixels": no valid depth: every pixel is 0, NaN or infinite`);
  });

  it("keeps NaN as invalid and refuses negative depth at its pixel", async () => {
    const image = join(dir, "rgb.png");
    await writeImagePng(image, { size, rgb: new Uint8Array(36) });
    const depth = join(dir, "depth.npy");
    const withNaN = depthM.slice();
    withNaN[1] = NaN;
    await writeDepthNpy(depth, withNaN, size);
    const frame = await loadFrame({ image, depth, intrinsics: K });
    expect(frame.depthM[1]).toBeNaN();
    withNaN[6] = -0.5;
    await writeDepthNpy(depth, withNaN, size);
    await expect(loadFrame({ image, depth, intrinsics: K })).rejects.toThrow(
      `${depth}: depth[u=2, v=1] = -0.5: negative depth; depth must be >= 0 metres (0 or NaN = invalid)`,
    );
  });

  it("requires exactly one valid source of intrinsics", async () => {
    const { image, depth } = await writeFrame();
    await expect(loadFrame({ image, depth })).rejects.toThrow('loadFrame: intrinsics = "none": give exactly one of');
    await expect(loadFrame({ image, depth, intrinsics: K, fovXDeg: 60 })).rejects.toThrow('intrinsics = "intrinsics, fovXDeg"');
    await expect(loadFrame({ image, depth, intrinsics: { ...K, fx: 0 } })).rejects.toThrow("loadFrame intrinsics: fx = 0");
    await expect(loadFrame({ image, depth, fovXDeg: 0 })).rejects.toThrow("loadFrame: fovXDeg = 0");
  });

  it("passes the depth scale through", async () => {
    const { image, depth } = await writeFrame();
    const frame = await loadFrame({ image, depth, depthScale: 500, intrinsics: K });
    expect(frame.depthM[0]).toBe(2);
  });
});
