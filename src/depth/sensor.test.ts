import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { intrinsicsFromFov } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import { writeDepthNpy, writeDepthPng16, writeNpy, writeNpz } from "../rgbd/index.js";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { writeSynthDataset } from "../synth/index.js";
import { createDepthBackend } from "./index.js";
import type { DepthBackend, DepthRequest } from "./types.js";

const SIZE: ImageSize = { width: 4, height: 3 };
/** A 4x3 depth ramp in metres with one invalid pixel; every value is a whole millimetre. */
const DEPTH_M = Float32Array.from([1.0, 1.25, 1.5, 1.75, 2.0, 0, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75]);
const K = { fx: 5, fy: 5, cx: 1.5, cy: 1 };

let dir: string;
let cleanup: () => Promise<void>;
let sensor: DepthBackend;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  sensor = await createDepthBackend("sensor");
  await writeDepthPng16(join(dir, "d.png"), DEPTH_M, SIZE, 1000);
  await writeDepthPng16(join(dir, "tum.png"), DEPTH_M, SIZE, 5000);
  await writeDepthPng16(join(dir, "zeros.png"), new Float32Array(12), SIZE, 1000);
  await writeDepthPng16(join(dir, "big.png"), new Float32Array(20).fill(1), { width: 5, height: 4 }, 1000);
  await writeDepthNpy(join(dir, "d.npy"), DEPTH_M, SIZE);
  const mm = Uint16Array.from(DEPTH_M, (z) => Math.round(z * 1000));
  await writeNpy(join(dir, "mm.npy"), { dtype: "<u2", shape: [3, 4], data: mm });
  await writeNpz(join(dir, "d.npz"), { depth: { dtype: "<f4", shape: [3, 4], data: DEPTH_M } });
});
afterAll(() => cleanup());

function request(depthFile: string, extra: Partial<DepthRequest> = {}): DepthRequest {
  return { imagePath: join(dir, "image.png"), size: SIZE, depthPath: join(dir, depthFile), ...extra };
}

describe("sensor depth source", () => {
  it("reads a 16-bit PNG as metres at the dataset's scale, with dataset intrinsics", async () => {
    for (const [file, scale] of [["d.png", 1000], ["tum.png", 5000]] as const) {
      const r = await sensor.depthFor(request(file, { depthScale: scale, intrinsics: K, gravity: [0, 1, 0] }));
      expect(r.size).toEqual(SIZE);
      expect(Array.from(r.depthM)).toEqual(Array.from(DEPTH_M));
      expect(r).toMatchObject({ source: "sensor", metric: true, intrinsics: K, intrinsicsSource: "dataset", gravity: [0, 1, 0] });
      expect(r.pointsM).toBeUndefined();
    }
  });

  it("reads float .npy / .npz as metres, with or without a dataset scale of 1, and uint16 .npy with its scale", async () => {
    for (const [file, scale] of [["d.npy", undefined], ["d.npy", 1], ["d.npz", 1], ["d.npz", undefined], ["mm.npy", 1000]] as const) {
      const r = await sensor.depthFor(request(file, { depthScale: scale, intrinsics: K }));
      expect(Array.from(r.depthM), `${file} at scale ${scale}`).toEqual(Array.from(DEPTH_M));
    }
    // uint16 at scale 1 is metres per unit: 1000x the millimetre reading.
    const r = await sensor.depthFor(request("mm.npy", { depthScale: 1, intrinsics: K }));
    expect(r.depthM[0]).toBe(1000);
  });

  it("refuses a scale other than 1 on float depth instead of changing its units", async () => {
    await expect(sensor.depthFor(request("d.npy", { depthScale: 1000, intrinsics: K }))).rejects.toThrow(/scale = 1000: .*metres already/);
  });

  it("takes intrinsics from the dataset, then the given intrinsics (flag or file), then the given FOV", async () => {
    const flagK = { fx: 9, fy: 9, cx: 2, cy: 1 };
    const withFlag = await createDepthBackend("sensor", { intrinsics: flagK, fovXDeg: 70 });
    expect(await withFlag.depthFor(request("d.png", { intrinsics: K }))).toMatchObject({ intrinsics: K, intrinsicsSource: "dataset" });
    expect(await withFlag.depthFor(request("d.png"))).toMatchObject({ intrinsics: flagK, intrinsicsSource: "flag" });
    const withFile = await createDepthBackend("sensor", { intrinsics: flagK, intrinsicsSource: "file" });
    expect(await withFile.depthFor(request("d.png"))).toMatchObject({ intrinsics: flagK, intrinsicsSource: "file" });
    const withFov = await createDepthBackend("sensor", { fovXDeg: 70 });
    const r = await withFov.depthFor(request("d.png"));
    expect(r.intrinsicsSource).toBe("fov");
    expect(r.intrinsics).toEqual(intrinsicsFromFov((70 * Math.PI) / 180, SIZE));
  });

  it("refuses to invent a camera for measured depth, saying how to give intrinsics", async () => {
    const err = await sensor.depthFor(request("d.png")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/image\.png: intrinsics = undefined: no camera intrinsics .*dataset.*field of view/);
  });

  it("rejects bad dataset intrinsics, naming the image", async () => {
    await expect(sensor.depthFor(request("d.png", { intrinsics: { ...K, fx: -1 } }))).rejects.toThrow(/image\.png: dataset intrinsics: fx = -1/);
  });

  it("rejects depth of another size, naming both files and both sizes", async () => {
    const err = (await sensor.depthFor(request("big.png", { intrinsics: K })).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(`${join(dir, "big.png")}: size = "5x4": does not match the image ${join(dir, "image.png")} (4x3)`);
  });

  it("rejects depth with no valid pixel, naming the file", async () => {
    await expect(sensor.depthFor(request("zeros.png", { intrinsics: K }))).rejects.toThrow(new RegExp(`zeros\\.png: depth = "4x3, 0 valid pixels": no valid depth`));
  });

  it("needs a depth file per image and names a missing one", async () => {
    await expect(sensor.depthFor({ imagePath: join(dir, "image.png"), size: SIZE, intrinsics: K })).rejects.toThrow(/image\.png: depth_file = undefined: the sensor depth source needs a depth file/);
    await expect(sensor.depthFor(request("nope.png", { intrinsics: K }))).rejects.toThrow(/nope\.png: file = .*does not exist/);
  });

  it("refuses PNG depth larger than maxPixels before decoding it", async () => {
    const small = await createDepthBackend("sensor", { maxPixels: 11, intrinsics: K });
    await expect(small.depthFor(request("d.png"))).rejects.toThrow(/d\.png: .*12.*11/);
    const enough = await createDepthBackend("sensor", { maxPixels: 12, intrinsics: K });
    await expect(enough.depthFor(request("d.png"))).resolves.toMatchObject({ source: "sensor" });
  });

  it("rejects a request with a bad size", async () => {
    await expect(sensor.depthFor(request("d.png", { size: { width: 0, height: 3 }, intrinsics: K }))).rejects.toThrow(/width = 0/);
  });
});

describe("sensor depth source on what `n3d synth` writes", () => {
  /** The first image of a one-scene synth dataset as a depth request, the way the lift runner builds it. */
  async function synthRequest(depthFormat: "png16" | "npy"): Promise<DepthRequest> {
    const out = join(dir, `synth-${depthFormat}`);
    const { annotationsPath } = await writeSynthDataset({ outDir: out, count: 1, seed: 5, size: { width: 32, height: 24 }, depthFormat });
    const coco = JSON.parse(await readFile(annotationsPath, "utf8")) as {
      images: Array<{ file_name: string; width: number; height: number; depth_file: string; depth_scale: number; intrinsics: DepthRequest["intrinsics"] }>;
    };
    const image = coco.images[0]!;
    const base = dirname(annotationsPath);
    return {
      imagePath: join(base, image.file_name),
      size: { width: image.width, height: image.height },
      depthPath: join(base, image.depth_file),
      depthScale: image.depth_scale,
      intrinsics: image.intrinsics,
    };
  }

  it("reads PNG16 (depth_scale 1000) and float .npy (depth_scale 1) depth of the same scene alike", async () => {
    const fromPng = await sensor.depthFor(await synthRequest("png16"));
    const npyRequest = await synthRequest("npy");
    expect(npyRequest.depthScale).toBe(1);
    const fromNpy = await sensor.depthFor(npyRequest);
    expect(fromPng).toMatchObject({ intrinsicsSource: "dataset", metric: true, size: { width: 32, height: 24 } });
    expect(fromNpy.intrinsics).toEqual(fromPng.intrinsics);
    let valid = 0;
    for (let i = 0; i < fromPng.depthM.length; i++) {
      if (fromPng.depthM[i]! > 0) valid++;
      expect(Math.abs(fromPng.depthM[i]! - fromNpy.depthM[i]!)).toBeLessThanOrEqual(0.0005 + 1e-6); // PNG16 rounds to 1 mm
    }
    expect(valid).toBeGreaterThan(0);
  });
});
