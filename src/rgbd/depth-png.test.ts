import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { decodeDepthPng16, encodeDepthPng16, maxDepthPng16M, quantizeDepth16, readDepthPng16, writeDepthPng16 } from "./depth-png.js";
import { handMadePng, listDir, makeTempDir, pngHeader } from "./testing/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

const size = { width: 4, height: 3 };
/** Stored integers covering 0 (invalid), 1, the top of the range, and odd values in between. */
const stored = [0, 1, 2, 999, 1000, 1001, 4999, 5000, 12345, 32768, 65534, 65535];

describe("16-bit depth PNG", () => {
  for (const scale of [1000, 5000]) {
    it(`round-trips exactly at scale ${scale}`, async () => {
      const depthM = Float32Array.from(stored, (k) => k / scale);
      const path = join(dir, "depth.png");
      await writeDepthPng16(path, depthM, size, scale);
      expect(pngHeader(await readFile(path))).toEqual({ width: 4, height: 3, bitDepth: 16, colorType: 0 });
      const back = await readDepthPng16(path, { scale });
      expect(back.size).toEqual(size);
      expect(Array.from(back.depthM)).toEqual(Array.from(depthM));
      expect(Array.from(quantizeDepth16(back.depthM, size, scale))).toEqual(stored);
      expect(await listDir(dir)).toEqual(["depth.png"]);
    });
  }

  it("keeps every 16-bit value through sharp's encoder and decoder", async () => {
    const all = Float32Array.from({ length: 65536 }, (_, i) => i);
    const png = await encodeDepthPng16(all, { width: 256, height: 256 }, 1);
    const back = await decodeDepthPng16(png, "all.png", { scale: 1 });
    expect(back.depthM).toEqual(all);
  });

  it("reads a PNG encoded without sharp (big-endian samples)", async () => {
    const png = handMadePng(3, 1, 16, 0, [0x0102, 0xff00, 1500]);
    const back = await decodeDepthPng16(png, "hand.png");
    expect(Array.from(back.depthM)).toEqual([Math.fround(0x0102 / 1000), Math.fround(0xff00 / 1000), 1.5]);
  });

  it("defaults to millimetres", async () => {
    const back = await decodeDepthPng16(handMadePng(1, 1, 16, 0, [2500]), "mm.png");
    expect(back.depthM[0]).toBe(2.5);
  });

  it("writes 0 for invalid depth (0, NaN, +Infinity) and rounds to nearest", () => {
    const q = quantizeDepth16(Float32Array.from([0, NaN, Infinity, 1.0004, 1.0006]), { width: 5, height: 1 }, 1000);
    expect(Array.from(q)).toEqual([0, 0, 0, 1000, 1001]);
  });

  it("refuses depth that overflows 16 bits, naming the limit, and writes nothing", async () => {
    const depthM = new Float32Array(12).fill(1);
    depthM[6] = 70;
    const path = join(dir, "far.png");
    const err = await writeDepthPng16(path, depthM, size, 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `${path}: depth[u=2, v=1] = 70: overflows 16 bits at scale 1000: the largest depth representable is 65.535 m; use a smaller scale`,
    );
    expect(maxDepthPng16M(5000)).toBeCloseTo(13.107, 10);
    await expect(writeDepthPng16(path, new Float32Array(12).fill(13.2), size, 5000)).rejects.toThrow("13.107 m");
    expect(await listDir(dir)).toEqual([]);
  });

  it("refuses negative depth and depth that would round to invalid", () => {
    expect(() => quantizeDepth16(Float32Array.from([1, -0.5]), { width: 2, height: 1 }, 1000)).toThrow("depth[u=1, v=0] = -0.5: negative");
    expect(() => quantizeDepth16(Float32Array.from([0.0004]), { width: 1, height: 1 }, 1000)).toThrow("rounds to 0");
  });

  it("refuses 8-bit PNGs for depth", async () => {
    const path = join(dir, "depth8.png");
    await writeFile(path, handMadePng(2, 2, 8, 0, [1, 2, 3, 4]));
    await expect(readDepthPng16(path)).rejects.toThrow(
      `${path}: format = "png, 8-bit, 1 channel(s)": depth images must be 16-bit single-channel (greyscale) PNG`,
    );
  });

  it("refuses 16-bit colour PNGs and non-PNG images", async () => {
    await expect(decodeDepthPng16(handMadePng(1, 1, 16, 2, [1, 2, 3]), "rgb16.png")).rejects.toThrow("16-bit, 3 channel(s)");
    await expect(decodeDepthPng16(Buffer.from("not a png"), "d.png")).rejects.toThrow("d.png: image = ");
  });

  it("validates the scale", async () => {
    const png = handMadePng(1, 1, 16, 0, [1]);
    for (const scale of [0, -1, NaN, Infinity]) {
      await expect(decodeDepthPng16(png, "d.png", { scale })).rejects.toThrow("d.png: scale = ");
    }
    expect(() => quantizeDepth16(new Float32Array(1), { width: 1, height: 1 }, 0)).toThrow("scale = 0");
  });

  it("refuses a depth array of the wrong length", () => {
    expect(() => quantizeDepth16(new Float32Array(11), size, 1000, "d.png")).toThrow("d.png: depth length = 11: expected 4x3 = 12");
  });
});
