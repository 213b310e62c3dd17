import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";
import { createRng } from "../random.js";
import { imageToNetworkPx, networkBoxToImage, networkToImagePx, networkToImageScale, resizeToNetworkInput, validateDetectorImage } from "./preprocess.js";
import { initWasmBackend } from "./tfjs-wasm.js";
import type { DetectorImage } from "./types.js";

/** R encodes 2u, G encodes 3v: a resized pixel's R/2 and G/3 are the image position it sampled. */
function rampImage(size: ImageSize): DetectorImage {
  const rgb = new Uint8Array(size.width * size.height * 3);
  for (let v = 0; v < size.height; v++) {
    for (let u = 0; u < size.width; u++) {
      const o = (v * size.width + u) * 3;
      rgb[o] = 2 * u;
      rgb[o + 1] = 3 * v;
      rgb[o + 2] = 7;
    }
  }
  return { rgb, size };
}

describe("network <-> image pixel mapping", () => {
  it("is linear with the stretch factors and round-trips", () => {
    const input = { width: 512, height: 512 };
    const image = { width: 640, height: 480 };
    expect(networkToImageScale(input, image)).toEqual({ x: 1.25, y: 0.9375 });
    expect(networkToImagePx([0, 0], input, image)).toEqual([0, 0]);
    expect(networkToImagePx([512, 512], input, image)).toEqual([640, 480]);
    const rng = createRng(7);
    for (let i = 0; i < 50; i++) {
      const p = [rng.uniform(-10, 600), rng.uniform(-10, 600)] as const;
      const back = imageToNetworkPx(networkToImagePx(p, input, image), input, image);
      expect(back[0]).toBeCloseTo(p[0], 9);
      expect(back[1]).toBeCloseTo(p[1], 9);
    }
    expect(networkBoxToImage({ x1: 4, y1: 8, x2: 12, y2: 16 }, networkToImageScale(input, image))).toEqual({ x1: 5, y1: 7.5, x2: 15, y2: 15 });
  });

  it("is the position each network pixel samples (measured on a ramp image)", () => {
    for (const [image, input] of [
      [{ width: 100, height: 60 }, { width: 40, height: 24 }], // shrink
      [{ width: 37, height: 23 }, { width: 64, height: 64 }], // enlarge, anisotropic
    ] as const) {
      const pixels = resizeToNetworkInput(rampImage(image), input);
      for (let j = 0; j < input.height; j++) {
        for (let i = 0; i < input.width; i++) {
          const [u, v] = networkToImagePx([i, j], input, image);
          const o = (j * input.width + i) * 3;
          // Past the last pixel centre the sample is clamped to the last column / row.
          expect(pixels[o]! / 2).toBeCloseTo(Math.min(u, image.width - 1), 4);
          expect(pixels[o + 1]! / 3).toBeCloseTo(Math.min(v, image.height - 1), 4);
          expect(pixels[o + 2]).toBe(7);
        }
      }
    }
  });
});

describe("resizeToNetworkInput", () => {
  it("matches tfjs resizeBilinear with its defaults (the scheme human feeds the model)", async () => {
    await initWasmBackend();
    const rng = createRng(11);
    const size = { width: 61, height: 45 };
    const rgb = new Uint8Array(size.width * size.height * 3).map(() => rng.int(256));
    const input = { width: 96, height: 80 };
    const ours = resizeToNetworkInput({ rgb, size }, input);
    const theirs = tf.tidy(() =>
      tf.image.resizeBilinear(tf.tensor4d(Float32Array.from(rgb), [1, size.height, size.width, 3]), [input.height, input.width]).dataSync(),
    );
    expect(theirs.length).toBe(ours.length);
    let maxDiff = 0;
    for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - theirs[i]!));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it("rejects malformed images", () => {
    const size = { width: 4, height: 3 };
    expect(() => validateDetectorImage({ rgb: new Uint8Array(35), size }, "t")).toThrow("t: image.rgb.length = 35: must be width * height * 3 = 36 for 4x3");
    expect(() => validateDetectorImage({ rgb: new Float32Array(36) as unknown as Uint8Array, size }, "t")).toThrow(InputError);
    expect(() => validateDetectorImage({ rgb: new Uint8Array(0), size: { width: 0, height: 3 } }, "t")).toThrow(/width = 0/);
    expect(() => resizeToNetworkInput({ rgb: new Uint8Array(36), size }, { width: 0, height: 8 })).toThrow(/inputSize: width = 0/);
  });
});
