import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { decodeImage, readImage, writeImagePng } from "./image.js";
import { handMadePng, ihdr, listDir, makeTempDir, pngChunk, pngFile } from "./testing/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

/** A W x H RGB ramp with distinct values per pixel and channel. */
function ramp(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + 11) % 256;
  return rgb;
}

describe("readImage / writeImagePng", () => {
  it("round-trips 8-bit RGB exactly through PNG", async () => {
    const size = { width: 4, height: 3 };
    const rgb = ramp(4, 3);
    const path = join(dir, "rgb.png");
    await writeImagePng(path, { size, rgb });
    const back = await readImage(path);
    expect(back.size).toEqual(size);
    expect(Array.from(back.rgb)).toEqual(Array.from(rgb));
    expect(await listDir(dir)).toEqual(["rgb.png"]);
  });

  it("expands grey to three equal channels", async () => {
    const path = join(dir, "grey.png");
    await writeFile(path, handMadePng(3, 2, 8, 0, [0, 50, 100, 150, 200, 255]));
    const img = await readImage(path);
    expect(img.size).toEqual({ width: 3, height: 2 });
    expect(Array.from(img.rgb)).toEqual([0, 0, 0, 50, 50, 50, 100, 100, 100, 150, 150, 150, 200, 200, 200, 255, 255, 255]);
  });

  it("drops alpha without compositing", async () => {
    const path = join(dir, "rgba.png");
    await writeFile(path, handMadePng(2, 1, 8, 6, [10, 20, 30, 0, 40, 50, 60, 128]));
    const img = await readImage(path);
    expect(Array.from(img.rgb)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it("reads JPEG", async () => {
    const path = join(dir, "photo.jpg");
    const jpeg = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg({ quality: 95 }).toBuffer();
    await writeFile(path, jpeg);
    const img = await readImage(path);
    expect(img.size).toEqual({ width: 8, height: 6 });
    expect(img.rgb.length).toBe(8 * 6 * 3);
    expect(Math.abs(img.rgb[0]! - 200)).toBeLessThanOrEqual(3);
    expect(Math.abs(img.rgb[1]! - 100)).toBeLessThanOrEqual(3);
    expect(Math.abs(img.rgb[2]! - 50)).toBeLessThanOrEqual(3);
  });

  it("names the path when a PNG is truncated", async () => {
    const full = join(dir, "full.png");
    await writeImagePng(full, { size: { width: 64, height: 64 }, rgb: ramp(64, 64).map((x, i) => (x * 7919 + i * 104729) % 256) });
    const bytes = await readFile(full);
    const path = join(dir, "x.png");
    await writeFile(path, bytes.subarray(0, bytes.length >> 1));
    const err = await readImage(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: image = .*: cannot decode$`));
  });

  it("names the path when the file is not an image", async () => {
    const path = join(dir, "notes.png");
    await writeFile(path, "hello, not a picture");
    await expect(readImage(path)).rejects.toThrow(`${path}: image = `);
  });

  it("refuses a 20000x20000 PNG from its header, before decoding", async () => {
    const path = join(dir, "huge.png");
    const idat = pngChunk("IDAT", Uint8Array.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    await writeFile(path, pngFile(ihdr(20000, 20000, 8, 2), idat, pngChunk("IEND", new Uint8Array(0))));
    const before = process.memoryUsage().rss;
    const err = await readImage(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`${path}: size = "20000x20000": 400000000 pixels is more than the limit of 100000000`);
    // 20000 x 20000 x 3 bytes would be 1.2 GB; nothing close to that was allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(200e6);
  });

  it("applies a custom pixel limit", async () => {
    const bytes = handMadePng(10, 10, 8, 0, new Uint8Array(100));
    await expect(decodeImage(bytes, "small.png", { maxPixels: 99 })).rejects.toThrow('small.png: size = "10x10": 100 pixels');
    await expect(decodeImage(bytes, "small.png", { maxPixels: 100 })).resolves.toBeTruthy();
    await expect(decodeImage(bytes, "small.png", { maxPixels: 0 })).rejects.toThrow("small.png: maxPixels = 0");
  });

  it("reports a missing file", async () => {
    const path = join(dir, "nope.png");
    await expect(readImage(path)).rejects.toThrow(`${path}: file = "${path}": does not exist`);
  });

  it("writes nothing when the pixels do not match the size", async () => {
    const path = join(dir, "bad.png");
    await expect(writeImagePng(path, { size: { width: 4, height: 3 }, rgb: new Uint8Array(35) })).rejects.toThrow(
      `${path}: rgb length = 35: expected 4x3x3 = 36`,
    );
    expect(await listDir(dir)).toEqual([]);
  });
});
